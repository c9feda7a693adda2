/**
 * The live tree for terminals: each engine task runs as one listr2 list (task → hosts, hosts
 * concurrent) whose host entries settle as `host_result` events arrive; play banners, warnings and
 * the PLAY RECAP print as plain text between lists. Lists run one after another through a promise
 * chain, so events never have to wait for the screen.
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { DefaultRenderer, ListrTask, ListrTaskWrapper, SimpleRenderer } from 'listr2';
import type { EngineEvent, TaskRef } from '../model/events.ts';
import { banner, taskTitle } from './format.ts';
import { hostResultLines, isVerboseAlways, visibleItem, visibleResult } from './host-lines.ts';
import type { HostResultEvent } from './host-lines.ts';
import { logLine, recapBlock, warningLine } from './plain-renderer.ts';
import { TextRenderer } from './text-renderer.ts';

type HostWrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

/** One host's entry under a task: settles with its final result (or nothing at task end). */
interface HostSlot {
  host: string;
  items: string[];
  settle: (event: HostResultEvent | undefined) => void;
  done: Promise<HostResultEvent | undefined>;
  settled: boolean;
  wrapper?: HostWrapper;
}

interface TaskRun {
  task: TaskRef;
  slots: Map<string, HostSlot>;
  /** Results for hosts the task did not announce (run_once, delegation): printed after the list. */
  extra: HostResultEvent[];
}

export class TreeRenderer extends TextRenderer {
  #chain: Promise<void> = Promise.resolve();
  #current: TaskRun | undefined;

  emit(event: EngineEvent): void {
    switch (event.type) {
      case 'playbook_start':
        return;
      case 'play_start':
        return this.#print(['', banner(`PLAY [${event.name}]`)]);
      case 'no_hosts':
        return this.#print([this.paint('skipping: no hosts matched', 'cyan')]);
      case 'task_start':
        return this.#startTask(event.task, event.hosts);
      case 'host_result':
        return this.#hostResult(event);
      case 'task_end':
        this.recordTiming(event);
        this.#endTask();
        return;
      case 'warning':
        return this.#print([warningLine(event.message, event.host, this.paint)]);
      case 'log':
        return this.#print([logLine(event.message, event.host)]);
      case 'recap': {
        return this.#print([...recapBlock(event, this.paint), ...this.profileTail()]);
      }
    }
  }

  async close(): Promise<void> {
    this.#endTask();
    await this.#chain;
  }

  #enqueue(step: () => Promise<void> | void): void {
    this.#chain = this.#chain.then(step).catch((error: unknown) => {
      this.writeLines([`[WARNING]: the live display failed: ${String(error)}`]);
    });
  }

  #print(lines: string[]): void {
    this.#enqueue(() => this.writeLines(lines));
  }

  #startTask(task: TaskRef, hosts: readonly string[]): void {
    this.#endTask();
    const run: TaskRun = { task, slots: new Map(hosts.map((host) => [host, createSlot(host)])), extra: [] };
    this.#current = run;
    this.#enqueue(() => this.#runList(run));
  }

  #endTask(): void {
    for (const slot of this.#current?.slots.values() ?? []) slot.settle(undefined);
    this.#current = undefined;
  }

  #hostResult(event: HostResultEvent): void {
    const run = this.#current;
    const slot = run?.slots.get(event.host);
    if (!run || !slot || slot.settled) {
      if (run) run.extra.push(event);
      else this.#print(this.#plainLines(event));
      return;
    }
    if (event.item === undefined) {
      slot.settle(event);
      return;
    }
    slot.items.push(`${event.status}: ${visibleItem(event) ?? ''}`);
    if (slot.wrapper) slot.wrapper.output = this.mask(slot.items[slot.items.length - 1] ?? '');
  }

  async #runList(run: TaskRun): Promise<void> {
    const logger = new ListrLogger({
      useIcons: true,
      processOutput: new ProcessOutput(
        this.options.out as NodeJS.WriteStream,
        this.options.out as NodeJS.WriteStream,
        {
          leaveEmptyLine: false,
        },
      ),
    });
    const title = `${run.task.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskTitle(run.task)}]`;
    const hostTasks = [...run.slots.values()].map((slot) => this.#hostTask(slot));
    const list = new Listr(
      [
        {
          title: this.mask(title),
          task: (_ctx, task) => task.newListr(hostTasks, { concurrent: true, exitOnError: false }),
        },
      ],
      {
        renderer: 'default',
        fallbackRenderer: 'simple',
        exitOnError: false,
        registerSignalListeners: false,
        // A terminal that reports no width (some ptys) makes the live tree wrap every character.
        fallbackRendererCondition: !((this.options.out as NodeJS.WriteStream).columns > 0),
        rendererOptions: { logger, collapseSubtasks: false, collapseErrors: false, formatOutput: 'wrap' },
        fallbackRendererOptions: { logger },
      },
    );
    try {
      await list.run();
    } catch {
      // Failures are shown in the tree and counted in the recap; nothing to add here.
    }
    for (const event of run.extra) this.writeLines(this.#plainLines(event));
  }

  #hostTask(slot: HostSlot): ListrTask<unknown, typeof DefaultRenderer, typeof SimpleRenderer> {
    return {
      title: slot.host,
      rendererOptions: { persistentOutput: true },
      task: async (_ctx, wrapper): Promise<void> => {
        slot.wrapper = wrapper;
        const event = await slot.done;
        this.#finishHost(slot, wrapper, event);
      },
    };
  }

  #finishHost(slot: HostSlot, wrapper: HostWrapper, event: HostResultEvent | undefined): void {
    const items =
      slot.items.length > 0 ? ` (${slot.items.length} item${slot.items.length === 1 ? '' : 's'})` : '';
    if (!event) {
      wrapper.title = this.mask(`${slot.host}${items}`);
      return;
    }
    const msg = this.mask(String(visibleResult(event).msg ?? ''));
    const details = this.#details(event);
    if (details !== '') wrapper.output = details;
    const host = `${slot.host}${items}`;
    switch (event.status) {
      case 'ok':
        wrapper.title = host;
        return;
      case 'changed':
        wrapper.title = `${host} ${this.paint('changed', 'yellow')}`;
        return;
      case 'skipped':
        wrapper.skip(`${host} skipped`);
        return;
      case 'ignored':
        wrapper.title = `${host} ${this.paint('failed (ignored)', 'magenta')}${msg ? `: ${msg}` : ''}`;
        return;
      default:
        wrapper.title = `${host} ${this.paint(event.status === 'unreachable' ? 'UNREACHABLE' : 'FAILED', 'red')}`;
        throw new Error(msg || event.status);
    }
  }

  /** Result details shown under a host: -v dumps, diffs with --diff or -vv, debug output always. */
  #details(event: HostResultEvent): string {
    const { verbosity, diff } = this.options;
    const hasDiff = (diff || verbosity >= 2) && event.result.diff !== undefined && !event.censored;
    if (verbosity < 1 && !hasDiff && !isVerboseAlways(event)) return '';
    const lines = hostResultLines(event, { verbosity, diff, paint: this.paint });
    return this.mask(lines.join('\n'));
  }

  #plainLines(event: HostResultEvent): string[] {
    const { verbosity, diff } = this.options;
    return hostResultLines(event, { verbosity, diff, paint: this.paint });
  }
}

function createSlot(host: string): HostSlot {
  let settle: (event: HostResultEvent | undefined) => void = () => undefined;
  const done = new Promise<HostResultEvent | undefined>((resolve) => {
    settle = resolve;
  });
  const slot: HostSlot = {
    host,
    items: [],
    done,
    settled: false,
    settle: (event) => {
      if (slot.settled) return;
      slot.settled = true;
      settle(event);
    },
  };
  return slot;
}
