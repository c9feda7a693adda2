/**
 * What the plain and tree renderers share: the resolved options, the painter, the secrets every
 * line is masked with and the task timings `--profile` lists after the recap.
 */
import type { EngineEvent } from '../model/events.ts';
import { createPainter } from './color.ts';
import type { Painter } from './color.ts';
import { profileLines, taskTitle } from './format.ts';
import type { TaskTiming } from './format.ts';
import { SecretSet } from './mask.ts';
import type { Renderer, ResolvedRendererOptions } from './renderer.ts';

type TaskEndEvent = Extract<EngineEvent, { type: 'task_end' }>;

export abstract class TextRenderer implements Renderer {
  protected readonly options: ResolvedRendererOptions;
  protected readonly paint: Painter;
  readonly #secrets = new SecretSet();
  readonly #timings: TaskTiming[] = [];

  constructor(options: ResolvedRendererOptions) {
    this.options = options;
    this.paint = createPainter(options.color);
  }

  addSecret(value: string): void {
    this.#secrets.add(value);
  }

  abstract emit(event: EngineEvent): void;

  abstract close(): Promise<void>;

  /** `text` with every registered secret masked. */
  protected mask(text: string): string {
    return this.#secrets.mask(text);
  }

  /** Writes `lines`, masked, to the output as one chunk ending in a newline. */
  protected writeLines(lines: readonly string[]): void {
    this.options.out.write(this.mask(lines.join('\n')) + '\n');
  }

  /** Remembers how long a task took, for `--profile`. */
  protected recordTiming(event: TaskEndEvent): void {
    this.#timings.push({ title: taskTitle(event.task), durationMs: event.durationMs });
  }

  /** The `--profile` lines (then a blank line) printed after the recap; none without `--profile`. */
  protected profileTail(): string[] {
    return this.options.profile ? [...profileLines(this.#timings), ''] : [];
  }
}
