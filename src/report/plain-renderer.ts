/**
 * The plain renderer: one line per result in Ansible's words, for pipes, CI logs and pods.
 * Per-item lines replace the loop's aggregate line, as in ansible-playbook.
 */
import type { EngineEvent, TaskRef } from '../model/events.ts';
import { formatLocation } from '../errors.ts';
import type { Painter } from './color.ts';
import { banner, recapLine, taskTitle } from './format.ts';
import { hostResultLines } from './host-lines.ts';
import type { HostResultEvent } from './host-lines.ts';
import { TextRenderer } from './text-renderer.ts';

type RecapEvent = Extract<EngineEvent, { type: 'recap' }>;

/** Text lines for the PLAY RECAP block (also printed by the tree renderer when it closes). */
export function recapBlock(event: RecapEvent, paint: Painter): string[] {
  const lines: string[] = [];
  if (event.interrupted) lines.push(paint('[ERROR]: User interrupted execution', 'red'));
  lines.push('', banner('PLAY RECAP'));
  for (const host of Object.keys(event.hosts).sort()) {
    const counts = event.hosts[host];
    if (counts) lines.push(recapLine(host, counts, paint));
  }
  lines.push('');
  return lines;
}

/** The banner line of a task: `TASK [role : name]` or `RUNNING HANDLER [name]`. */
export function taskBanner(task: TaskRef): string {
  return banner(`${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskTitle(task)}]`);
}

/** The warning line, `[WARNING]: message` (with the host when there is one). */
/** Module detail at -v/-vvv, prefixed with the host as Ansible's verbose lines are. */
export function logLine(message: string, host: string | undefined): string {
  return host === undefined ? message : `<${host}> ${message}`;
}

export function warningLine(message: string, host: string | undefined, paint: Painter): string {
  return paint(`[WARNING]: ${host ? `[${host}]: ` : ''}${message}`, 'magenta');
}

export class PlainRenderer extends TextRenderer {
  /** Hosts that printed per-item lines for the current task. */
  #itemHosts = new Set<string>();

  emit(event: EngineEvent): void {
    this.#write(this.#linesFor(event));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.options.out.write('', () => resolve()));
  }

  #linesFor(event: EngineEvent): string[] {
    const paint = this.paint;
    switch (event.type) {
      case 'playbook_start':
        return this.options.verbosity > 1 ? [`PLAYBOOK: ${event.file}`] : [];
      case 'play_start':
        return ['', banner(`PLAY [${event.name}]`)];
      case 'no_hosts':
        return [paint('skipping: no hosts matched', 'cyan')];
      case 'task_start':
        this.#itemHosts = new Set();
        return ['', taskBanner(event.task), ...this.#taskPath(event.task)];
      case 'host_result':
        return this.#hostLines(event);
      case 'task_end':
        this.recordTiming(event);
        return [];
      case 'warning':
        return [warningLine(event.message, event.host, paint)];
      case 'log':
        return [logLine(event.message, event.host)];
      case 'recap':
        return [...recapBlock(event, paint), ...this.profileTail()];
    }
  }

  #taskPath(task: TaskRef): string[] {
    return this.options.verbosity >= 2
      ? [this.paint(`task path: ${formatLocation(task.location)}`, 'gray')]
      : [];
  }

  #hostLines(event: HostResultEvent): string[] {
    // A loop's summary follows its item lines; like ansible-playbook, print only `...ignoring`.
    if (event.item !== undefined) this.#itemHosts.add(event.host);
    else if (this.#itemHosts.has(event.host)) {
      return event.status === 'ignored' ? [this.paint('...ignoring', 'cyan')] : [];
    }
    const { verbosity, diff } = this.options;
    return hostResultLines(event, { verbosity, diff, paint: this.paint });
  }

  #write(lines: readonly string[]): void {
    if (lines.length > 0) this.writeLines(lines);
  }
}
