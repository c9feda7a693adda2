/**
 * `--junit FILE`: listens to the run beside the chosen renderer and, on close, writes the JUnit XML
 * (src/report/junit.ts) to FILE in one atomic rename, with every known secret masked.
 */
import { McsyncError, errorMessage } from '../errors.ts';
import type { EngineEvent } from '../model/events.ts';
import { writeFileAtomic } from '../shared/files.ts';
import { junitXml } from './junit.ts';
import { SecretSet } from './mask.ts';
import { OutcomeCollector } from './outcomes.ts';
import type { Renderer } from './renderer.ts';

export class JunitReport implements Renderer {
  readonly #file: string;
  readonly #shownAs: string;
  readonly #baseDir: string | undefined;
  readonly #secrets = new SecretSet();
  readonly #outcomes = new OutcomeCollector();
  #check = false;
  #interrupted = false;

  /**
   * `file` is absolute; `shownAs` is how the user wrote it, for error messages; task files under
   * `baseDir` (the working directory) are named relative to it.
   */
  constructor(file: string, options: { shownAs?: string; baseDir?: string } = {}) {
    this.#file = file;
    this.#shownAs = options.shownAs ?? file;
    this.#baseDir = options.baseDir;
  }

  addSecret(value: string): void {
    this.#secrets.add(value);
  }

  emit(event: EngineEvent): void {
    this.#outcomes.record(event);
    if (event.type === 'playbook_start') this.#check ||= event.check;
    if (event.type === 'recap') this.#interrupted ||= event.interrupted;
  }

  /** The XML as it would be written now (masked). */
  xml(): string {
    const outcomes = this.#secrets.mask(this.#outcomes.outcomes());
    return junitXml({
      outcomes,
      check: this.#check,
      interrupted: this.#interrupted,
      ...(this.#baseDir === undefined ? {} : { baseDir: this.#baseDir }),
    });
  }

  async close(): Promise<void> {
    try {
      await writeFileAtomic(this.#file, this.xml());
    } catch (error) {
      throw new McsyncError(`--junit ${this.#shownAs}: cannot write the report: ${errorMessage(error)}`, {
        key: 'junit',
      });
    }
  }
}
