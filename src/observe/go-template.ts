/**
 * The small part of Go templates (`-o go-template`) that observe scripts use: text with
 * `{{.field.path}}` and `{{index .map "key"}}` actions. Anything else is a UsageError that points
 * at `-o jsonpath`, rather than a silent wrong answer. A missing key prints `<no value>` as Go
 * does, or fails when missing keys are not allowed.
 */
import { UsageError } from '../errors.ts';
import { compileJsonPath } from './jsonpath.ts';
import type { CompiledTemplate } from './jsonpath.ts';

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const FIELD = /^\.[A-Za-z0-9_.-]*$/;
const INDEX = /^index\s+(\.[A-Za-z0-9_.-]*)\s+((?:"[^"]*"\s*|\d+\s*)+)$/;

/** Compiles a go-template made of field and `index` actions (see the file comment). */
export function compileGoTemplate(
  template: string,
  options: { allowMissingKeys?: boolean } = {},
): CompiledTemplate {
  const allowMissing = options.allowMissingKeys ?? true;
  const parts: ({ text: string } | { path: CompiledTemplate })[] = [];
  let last = 0;
  for (const match of template.matchAll(ACTION)) {
    parts.push({ text: template.slice(last, match.index) });
    parts.push({
      path: compileJsonPath(`{${toJsonPath(match[1] ?? '', template)}}`, { allowMissingKeys: false }),
    });
    last = match.index + match[0].length;
  }
  parts.push({ text: template.slice(last) });
  return {
    source: template,
    render(data) {
      return parts
        .map((part) => {
          if ('text' in part) return part.text;
          try {
            return part.path.render(data);
          } catch (error) {
            if (allowMissing) return '<no value>';
            throw error;
          }
        })
        .join('');
    },
  };
}

function toJsonPath(action: string, template: string): string {
  if (action === '.') return '@';
  if (FIELD.test(action)) return action;
  const index = INDEX.exec(action);
  if (index) {
    const keys = [...(index[2] ?? '').matchAll(/"([^"]*)"|(\d+)/g)].map((k) =>
      k[1] !== undefined ? `['${k[1].replace(/'/g, "\\'")}']` : `[${k[2]}]`,
    );
    return `${index[1] === '.' ? '' : index[1]}${keys.join('')}`;
  }
  throw new UsageError(
    `go-template ${JSON.stringify(template)}: mcsync supports only {{.field.path}} and {{index .map "key"}} actions; use -o jsonpath for more`,
  );
}
