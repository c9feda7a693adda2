/**
 * The usual comparison: the same playbook run by ansible-playbook (json callback) and by mcsync
 * (`--output json`) in one project, both parsed into RunRecords.
 */
import { ansiblePlaybook } from './ansible.ts';
import { describeRun } from './compare.ts';
import { mcsyncPlay } from './mcsync.ts';
import type { ProcessRun } from './processes.ts';
import type { Project } from './project.ts';
import { fromAnsibleJson, fromMcsyncJson } from './results.ts';
import type { RunRecord } from './results.ts';

export interface ToolRun {
  run: ProcessRun;
  record: RunRecord;
}

export interface BothRuns {
  ansible: ToolRun;
  mcsync: ToolRun;
}

function parsed(run: ProcessRun, parse: (stdout: string) => RunRecord): ToolRun {
  try {
    return { run, record: parse(run.stdout) };
  } catch (error) {
    throw new Error(`could not read the run's JSON (${(error as Error).message})${describeRun(run)}`, {
      cause: error,
    });
  }
}

/** Runs `ansible-playbook ARGS` and `mcsync-play --output json ARGS` side by side. */
export async function playBoth(project: Project, args: readonly string[]): Promise<BothRuns> {
  const [ansible, mcsync] = await Promise.all([
    ansiblePlaybook(project, args),
    mcsyncPlay(project, ['--output', 'json', ...args]),
  ]);
  return { ansible: parsed(ansible, fromAnsibleJson), mcsync: parsed(mcsync, fromMcsyncJson) };
}
