/**
 * The JSON renderer (`--output json`): buffers every event and prints ONE JSON document on close,
 * shaped like ansible's json callback, with the run's plan (src/report/plan.ts) beside the results.
 * Nothing else reaches stdout in this mode. The shape is documented in docs/ci.md.
 */
import type { SourceLocation } from '../errors.ts';
import type { EngineEvent } from '../model/events.ts';
import type { HostStatus, RecapCounts } from '../model/result.ts';
import { stripInternalKeys } from './format.ts';
import { visibleItem, visibleResult } from './host-lines.ts';
import type { HostResultEvent } from './host-lines.ts';
import { SecretSet } from './mask.ts';
import { OutcomeCollector, worseStatus } from './outcomes.ts';
import { buildPlan } from './plan.ts';
import type { Plan } from './plan.ts';
import type { Renderer, ResolvedRendererOptions } from './renderer.ts';

export interface JsonHostEntry {
  status: HostStatus;
  /** Per-item results of a loop, in order. */
  items?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface JsonTask {
  name: string;
  module: string;
  role?: string;
  handler?: boolean;
  location: SourceLocation;
  hosts: Record<string, JsonHostEntry>;
  durationMs: number;
}

export interface JsonPlay {
  name: string;
  hosts: string[];
  /** The host pattern when it matched no host. */
  noHostsMatched?: string;
  tasks: JsonTask[];
}

/**
 * The version of the document's shape (docs/ci.md). It goes up when a key is removed, renamed or
 * changes meaning; new keys may appear within a version.
 */
export const JSON_FORMAT_VERSION = 1;

export interface JsonDocument {
  formatVersion: number;
  playbook?: string;
  check?: boolean;
  plays: JsonPlay[];
  warnings: { message: string; host?: string }[];
  /** -v/-vvv module detail; present only when there is some. */
  logs?: { message: string; host?: string }[];
  recap: Record<string, RecapCounts>;
  durationMs: number;
  interrupted: boolean;
  /** Per host, the tasks that changed (or would, with --check) or failed, and their objects. */
  plan: Plan;
}

export class JsonRenderer implements Renderer {
  readonly #out: NodeJS.WritableStream;
  readonly #secrets = new SecretSet();
  readonly #doc: Omit<JsonDocument, 'plan'> = {
    formatVersion: JSON_FORMAT_VERSION,
    plays: [],
    warnings: [],
    recap: {},
    durationMs: 0,
    interrupted: false,
  };
  readonly #outcomes = new OutcomeCollector();
  #task: JsonTask | undefined;

  constructor(options: ResolvedRendererOptions) {
    this.#out = options.out;
  }

  addSecret(value: string): void {
    this.#secrets.add(value);
  }

  emit(event: EngineEvent): void {
    this.#outcomes.record(event);
    switch (event.type) {
      case 'playbook_start':
        this.#doc.playbook = event.file;
        this.#doc.check = event.check;
        return;
      case 'play_start':
        this.#doc.plays.push({ name: event.name, hosts: [...event.hosts], tasks: [] });
        return;
      case 'no_hosts':
        this.#currentPlay(event.play).noHostsMatched = event.pattern;
        return;
      case 'task_start':
        this.#startTask(event.task);
        return;
      case 'host_result':
        this.#addResult(event);
        return;
      case 'task_end':
        if (this.#task) this.#task.durationMs = event.durationMs;
        this.#task = undefined;
        return;
      case 'warning':
        this.#doc.warnings.push(
          event.host === undefined
            ? { message: event.message }
            : { message: event.message, host: event.host },
        );
        return;
      case 'log':
        (this.#doc.logs ??= []).push(
          event.host === undefined
            ? { message: event.message }
            : { message: event.message, host: event.host },
        );
        return;
      case 'recap':
        this.#doc.recap = event.hosts;
        this.#doc.durationMs = event.durationMs;
        this.#doc.interrupted = event.interrupted;
        return;
    }
  }

  /** The document as it stands (masked); what `close()` prints. */
  document(): JsonDocument {
    const plan = buildPlan(this.#outcomes.outcomes(), this.#outcomes.recap());
    return this.#secrets.mask({ ...this.#doc, plan });
  }

  async close(): Promise<void> {
    const text = JSON.stringify(this.document(), null, 2) + '\n';
    await new Promise<void>((resolve) => this.#out.write(text, () => resolve()));
  }

  #currentPlay(name = ''): JsonPlay {
    let play = this.#doc.plays[this.#doc.plays.length - 1];
    if (!play) {
      play = { name, hosts: [], tasks: [] };
      this.#doc.plays.push(play);
    }
    return play;
  }

  #startTask(task: HostResultEvent['task']): JsonTask {
    const entry: JsonTask = {
      name: task.name,
      module: task.module,
      ...(task.role === undefined ? {} : { role: task.role }),
      ...(task.handler ? { handler: true } : {}),
      location: task.location,
      hosts: {},
      durationMs: 0,
    };
    this.#currentPlay().tasks.push(entry);
    this.#task = entry;
    return entry;
  }

  #addResult(event: HostResultEvent): void {
    const task = this.#task ?? this.#startTask(event.task);
    const result = stripInternalKeys(visibleResult(event));
    const existing = task.hosts[event.host];
    if (event.item !== undefined) {
      const item = {
        item: visibleItem(event),
        status: event.status,
        ...result,
        durationMs: event.durationMs,
      };
      if (existing) {
        (existing.items ??= []).push(item);
        existing.status = worseStatus(existing.status, event.status);
      } else task.hosts[event.host] = { status: event.status, items: [item] };
      return;
    }
    const entry: JsonHostEntry = { status: event.status, ...result, durationMs: event.durationMs };
    if (existing?.items) entry.items = existing.items;
    task.hosts[event.host] = entry;
  }
}
