/**
 * How each tool of a comparison runs (bench/lib/results.ts TOOLS): the command lines, and the
 * inputs that are prepared before the clock starts (the floor's plans, the kubectl peer's
 * manifests for create). Every tool is one timed process, start-up included.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSandbox } from '../lib/cluster.ts';
import { ansiblePlaybook, mcsyncPlay, mustSucceed, root, timed, type Timed } from '../lib/exec.ts';
import { floorProtocol } from '../lib/bare-client.ts';
import type { FloorPlan } from '../lib/floor-plan.ts';
import type { Phase, Tool } from '../lib/results.ts';

/** Requests in flight per host for the floor: enough to keep a sandbox API server saturated. */
export const FLOOR_INFLIGHT = Number(process.env['MCSYNC_BENCH_FLOOR_INFLIGHT'] ?? 32);

/** The command of one tool and phase, as `run` and the report see it. */
export interface ToolCommand {
  /** For the report (DIR stands for the sandbox directory). */
  shown: string;
  run(): Timed;
}

/** `node bench/peers/kubectl.ts ARGS`, timed. */
export function kubectlPeer(args: string[]): Timed {
  return timed(process.execPath, [join(root, 'bench/peers/kubectl.ts'), ...args]);
}

/** Writes a floor plan to `file` and returns the timed command that sends it. */
export function floorCommand(plan: FloorPlan, file: string, what: string): ToolCommand {
  writeFileSync(file, JSON.stringify(plan));
  return {
    shown: `node bench/peers/floor.ts ${what} (${plan.inflight} in flight per host, ${floorProtocol() === 'http1' ? 'HTTP/1.1' : 'HTTP/2'})`,
    run: () => timed(process.execPath, [join(root, 'bench/peers/floor.ts'), file]),
  };
}

/** The mcsync-play and ansible-playbook commands of a scenario. */
export function playCommands(
  sandbox: BenchSandbox,
  mcsyncArgs: string[],
  ansibleArgs: (playbook: string) => string[],
  playbooks: { ansible: string; ansibleFast: string },
): Record<'mcsync' | 'ansible' | 'ansibleFast', ToolCommand> {
  const shownArgs = (args: string[]): string =>
    args.map((a) => a.replace(sandbox.dir, 'DIR').replace(`${root}/`, '')).join(' ');
  const ansible = (playbook: string): ToolCommand => ({
    shown: `ansible-playbook ${shownArgs(ansibleArgs(playbook))}`,
    run: () => ansiblePlaybook(ansibleArgs(playbook)),
  });
  return {
    mcsync: { shown: `mcsync-play ${shownArgs(mcsyncArgs)}`, run: () => mcsyncPlay(mcsyncArgs) },
    ansible: ansible(playbooks.ansible),
    ansibleFast: ansible(playbooks.ansibleFast),
  };
}

/** Runs a tool's command and fails loudly (with the output's tail) when it did not succeed. */
export function runTool(tool: Tool, phase: Phase, command: ToolCommand): Timed {
  return mustSucceed(`${tool} (${phase === 'first' ? 'first run' : 'no-op rerun'})`, command.run());
}

/**
 * The order of the tools in round `run`: rotated by one each round, so no tool always gets the
 * warmest (or coldest) clusters.
 */
export function rotate<T>(tools: readonly T[], run: number): T[] {
  const k = tools.length ? run % tools.length : 0;
  return [...tools.slice(k), ...tools.slice(0, k)];
}
