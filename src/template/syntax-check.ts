/**
 * Load-time check of one template or condition: Jinja2 spellings first (with the Handlebars form
 * to write), then a compile with the same Handlebars environment and rewriting the templar uses,
 * so a parse error, an unknown helper or an unknown block is found before anything runs.
 */
import { compileTemplate } from './compile.ts';
import { createEnvironment } from './environment.ts';
import type { Environment } from './environment.ts';
import { TemplateFailure } from './failure.ts';
import { findJinja, jinjaMessage } from './jinja.ts';
import { conditionTemplate } from './templar.ts';

/**
 * Compiling only parses and rewrites (no helper runs, `env` is never read), so one environment
 * serves every check; it is created on first use so that importing this module costs nothing.
 */
let shared: Environment | undefined;

function environment(): Environment {
  shared ??= createEnvironment({});
  return shared;
}

export interface SyntaxCheckOptions {
  /** Read the text as a condition (`when:`): a bare expression, or true/false/yes/no. */
  condition?: boolean;
}

/** Why `text` would fail to render, or undefined when it compiles (strings without `{{` always do). */
export function templateProblem(text: string, options: SyntaxCheckOptions = {}): string | undefined {
  const findings = findJinja(text, options);
  if (findings.length > 0) return jinjaMessage(findings);
  const template = options.condition ? conditionTemplate(text) : text;
  if (typeof template === 'boolean' || !template.includes('{{')) return undefined;
  const { hb, helpers } = environment();
  try {
    compileTemplate(hb, template, helpers);
    return undefined;
  } catch (error) {
    if (error instanceof TemplateFailure) return `${error.message}${error.hint}`;
    return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
  }
}
