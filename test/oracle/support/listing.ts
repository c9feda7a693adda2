/**
 * Reads the `--list-hosts` / `--list-tasks` / `--list-tags` text both tools print (mcsync prints
 * Ansible's format) into plays, so tests compare hosts and tasks rather than whitespace.
 */

export interface ListedTask {
  name: string;
  tags: string[];
}

export interface ListedPlay {
  /** The `(hosts)` part of the play line. */
  pattern: string;
  name: string;
  /** Play tags, sorted (ansible-playbook prints them in set order). */
  tags: string[];
  /** `--list-hosts`: hosts in the printed order. */
  hosts: string[];
  /** `--list-tasks`: tasks in the printed order. */
  tasks: ListedTask[];
  /** `--list-tags`: the TASK TAGS line. */
  taskTags: string[];
}

const PLAY_LINE = /^ {2}play #\d+ \((.*)\): (.*)\tTAGS: \[(.*)\]$/;
const TASK_LINE = /^ {6}(.*)\tTAGS: \[(.*)\]$/;
const TASK_TAGS_LINE = /^ {6}TASK TAGS: \[(.*)\]$/;

/** Splits `a, b` or `a,b` into tags; an empty list for ``. */
function tagList(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** Parses the listing on stdout into its plays, in order. */
export function parseListing(stdout: string): ListedPlay[] {
  const plays: ListedPlay[] = [];
  let section: 'hosts' | 'tasks' | undefined;
  for (const line of stdout.split('\n')) {
    const play = PLAY_LINE.exec(line);
    if (play) {
      const [, pattern = '', name = '', tags = ''] = play;
      plays.push({ pattern, name, tags: tagList(tags).sort(), hosts: [], tasks: [], taskTags: [] });
      section = undefined;
      continue;
    }
    const current = plays.at(-1);
    if (!current) continue;
    if (/^ {4}hosts \(\d+\):$/.test(line)) section = 'hosts';
    else if (line === '    tasks:') section = 'tasks';
    else if (TASK_TAGS_LINE.test(line)) current.taskTags = tagList(TASK_TAGS_LINE.exec(line)?.[1] ?? '');
    else if (section === 'hosts' && /^ {6}\S/.test(line)) current.hosts.push(line.trim());
    else if (section === 'tasks' && TASK_LINE.test(line)) {
      const [, name = '', tags = ''] = TASK_LINE.exec(line) ?? [];
      current.tasks.push({ name, tags: tagList(tags) });
    }
  }
  return plays;
}

/** The hosts of `ansible PATTERN --list-hosts` (ad hoc), in the printed order. */
export function parseAdHocHosts(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => /^ {2}hosts \(\d+\):$/.test(line));
  if (start < 0) throw new Error(`no 'hosts (N):' line in:\n${stdout}`);
  return lines
    .slice(start + 1)
    .filter((line) => /^ {4}\S/.test(line))
    .map((line) => line.trim());
}
