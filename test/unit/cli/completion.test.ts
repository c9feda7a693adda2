// `mcsync completion bash|zsh`: the flags come from the parsers' tables, and the scripts, run in
// real bash (and zsh when installed), offer subcommands, flags, playbooks, hosts and contexts.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { completionSpec, playTable, VALUE_KINDS } from '../../../src/cli/completion-spec.ts';
import { bashScript, zshScript } from '../../../src/cli/completion-scripts.ts';
import { parsePlayOptions } from '../../../src/cli/play-options.ts';
import { kubeconfigFor } from '../../support/init-project.ts';
import { repoRoot, runCli } from './run-cli.ts';

const README = await readFile(join(repoRoot, 'README.md'), 'utf8');
const OPTIONS = { callback: ['/usr/bin/node', "/opt/it's here/bin/mcsync.js"] };

/** The README's line that loads the script in `shell`. */
function readmeLine(shell: 'bash' | 'zsh'): string {
  const line = new RegExp(`^source <\\(mcsync completion ${shell}\\)`, 'm').exec(README)?.[0];
  assert.ok(line, `README.md shows 'source <(mcsync completion ${shell})'`);
  return line;
}

/**
 * A project to complete in: playbooks, a default inventory (via mcsync.yaml), a second inventory,
 * a kubeconfig whose contexts have colons, and `mcsync` on PATH running this checkout.
 */
async function project(t: TestContext): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcsync-completion-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'playbooks/sync.yml': '- hosts: all\n',
    'playbooks/create.yml': '- hosts: all\n',
    'playbooks/notes.txt': 'not a playbook\n',
    'site.yml': '- hosts: all\n',
    'readme.txt': 'text\n',
    'mcsync.yaml': 'inventory: inventory/\n',
    'inventory/hosts.yml':
      'all:\n  children:\n    master: {hosts: {east: {}}}\n    slaves: {hosts: {west: {}, south: {}}}\n',
    'other-inv.ini': '[lab]\nalpha\nbeta\n',
    kubeconfig: kubeconfigFor(['east', 'default/api-crc:6443/admin'], 'east'),
    'roles/.keep': '',
    'bin/mcsync': `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'mcsync.js'))} "$@"\n`,
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  chmodSync(join(dir, 'bin', 'mcsync'), 0o755);
  return {
    dir,
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, HOME: dir },
  };
}

/** One completion request: the words up to the cursor (COMP_WORDS), or the line typed (COMP_LINE). */
type Request = { words: string[] } | { line: string };

function bashCase(request: Request): string {
  if ('words' in request) return `t ${request.words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ')}`;
  return `l '${request.line.replaceAll("'", `'\\''`)}'`;
}

/** Runs real bash: loads the script as the README says, then asks for each request's candidates. */
function bashCandidates(dir: string, env: NodeJS.ProcessEnv, requests: readonly Request[]): string[][] {
  const script = [
    readmeLine('bash'),
    `t() { COMPREPLY=(); unset COMP_LINE; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mcsync; printf '%s\\n' "\${COMPREPLY[*]}"; }`,
    `l() { COMPREPLY=(); COMP_LINE=$1; COMP_POINT=\${#1}; _mcsync; printf '%s\\n' "\${COMPREPLY[*]}"; }`,
    ...requests.map(bashCase),
  ].join('\n');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .slice(0, requests.length)
    .map((line) => line.split(' ').filter(Boolean).sort());
}

describe('shell completion: what it offers comes from the parsers', () => {
  it('every flag in mcsync-play --help is completed with the arity parsePlayOptions gives it', () => {
    const table = playTable();
    assert.ok(Object.keys(table).length >= 20, 'the help lists the flags');
    for (const [flag, spec] of Object.entries(table)) {
      const missing = (): unknown => {
        try {
          parsePlayOptions(['--help', `--${flag}`]);
          return undefined;
        } catch (error) {
          return error;
        }
      };
      const error = String(missing());
      assert.doesNotMatch(error, /Unknown option/, `--${flag} is in the help but not in the parser`);
      if (spec.type === 'string') assert.match(error, /argument missing/, `--${flag} takes a value`);
      else assert.doesNotMatch(error, /argument missing/, `--${flag} takes no value`);
    }
    assert.equal(table['inventory']?.short, 'i');
  });

  it('the value kinds name only flags that take a value in their command', () => {
    const spec = new Map(completionSpec().map((c) => [c.name, c]));
    for (const [command, kinds] of Object.entries(VALUE_KINDS)) {
      const flags = spec.get(command)?.flags ?? [];
      for (const flag of Object.keys(kinds))
        assert.ok(
          flags.some((f) => f.long === flag && f.value !== undefined),
          `${command} --${flag}`,
        );
    }
  });

  it('every completed subcommand is one mcsync runs and lists in its --help', async () => {
    const help = (await runCli(['--help'], { bin: 'mcsync.js' })).stdout;
    for (const { name } of completionSpec()) {
      assert.match(help, new RegExp(`^  ${name} `, 'm'), `mcsync --help lists ${name}`);
      const run = await runCli([name, '--help'], { bin: 'mcsync.js' });
      assert.equal(run.code, 0, `mcsync ${name} --help: ${run.stderr}`);
    }
  });

  it('the scripts list every flag of every command and register mcsync, mcsync-play and mcsync-observe', () => {
    const bash = bashScript(completionSpec(), OPTIONS);
    const zsh = zshScript(completionSpec(), OPTIONS);
    for (const command of completionSpec()) {
      const flags = new RegExp(`^    '${command.name}'\\) REPLY='([^']*)' ;;$`, 'm')
        .exec(bash)?.[1]
        ?.split(' ');
      assert.deepEqual(
        flags,
        command.flags.flatMap((f) => [...(f.short ? [`-${f.short}`] : []), `--${f.long}`]),
      );
    }
    assert.match(bash, /^complete -F _mcsync mcsync mcsync-play mcsync-observe$/m);
    assert.match(
      bash,
      /^_mcsync_callback\(\) \{ '\/usr\/bin\/node' '\/opt\/it'\\''s here\/bin\/mcsync\.js' __complete/m,
    );
    assert.match(zsh, /^#compdef mcsync mcsync-play mcsync-observe\n/);
    assert.match(zsh, /^ {2}compdef _mcsync mcsync mcsync-play mcsync-observe$/m);
    // The tables and the word walk are one text in both scripts; bash runs it below.
    const shared = (script: string): string =>
      script.slice(script.indexOf('_mcsync_callback()'), script.indexOf('_mcsync_names()'));
    assert.equal(shared(zsh), shared(bash));
  });

  it('mcsync completion without a known shell exits 5 naming bash and zsh', async () => {
    const run = await runCli(['completion', 'fish'], { bin: 'mcsync.js' });
    assert.equal(run.code, 5);
    assert.match(run.stderr, /takes one shell, bash or zsh; got 'fish'/);
  });
});

describe('shell completion in real bash', () => {
  it('offers subcommands, flags, playbooks, inventory hosts and groups, contexts and fixed values', async (t) => {
    const { dir, env } = await project(t);
    const cases: [Request, string[]][] = [
      [
        { words: ['mcsync', ''] },
        ['--help', '--version', 'completion', 'help', 'init', 'observe', 'play', 'sandbox'],
      ],
      [{ words: ['mcsync', 'play', '--inv'] }, ['--inventory']],
      [{ words: ['mcsync', 'observe', 'pods', '--when-'] }, ['--when-annotation']],
      [{ words: ['mcsync-play', '--check', 'site.yml', '--d'] }, ['--detailed-exitcode', '--diff']],
      [
        { words: ['mcsync', 'play', ''] },
        ['bin', 'create.yml', 'inventory', 'playbooks', 'roles', 'site.yml', 'sync.yml'],
      ],
      [{ words: ['mcsync-play', 'playbooks/'] }, ['playbooks/create.yml', 'playbooks/sync.yml']],
      [{ words: ['mcsync', 'observe', 'imagestreams', '--playbook', 'sy'] }, ['sync.yml']],
      [
        { words: ['mcsync', 'play', '-l', ''] },
        ['all', 'east', 'master', 'slaves', 'south', 'ungrouped', 'west'],
      ],
      [{ words: ['mcsync', 'play', '-i', 'other-inv.ini', '--limit', 'a'] }, ['all', 'alpha']],
      [{ words: ['mcsync-play', '--limit', 'east,!w'] }, ['east,!west']],
      [{ words: ['mcsync-observe', 'imagestreams', '--host', ''] }, ['east', 'south', 'west']],
      [
        { words: ['mcsync', 'init', '--from-kubeconfig', 'kubeconfig', '--master', ''] },
        ['default/api-crc:6443/admin', 'east'],
      ],
      // bash splits words at ':' and replaces only what follows it: the candidate is cut there.
      [{ line: 'mcsync init --from-kubeconfig kubeconfig --master default/api-crc:6' }, ['6443/admin']],
      [{ line: 'mcsync play --limit=we' }, ['west']],
      [{ words: ['mcsync', 'init', '--dir', ''] }, ['bin', 'inventory', 'playbooks', 'roles']],
      [{ words: ['mcsync', 'play', '--output', ''] }, ['auto', 'json', 'plain', 'tree']],
      [{ words: ['mcsync', 'play', '-e', '@play'] }, ['@playbooks']],
      [{ words: ['mcsync', 'completion', ''] }, ['bash', 'zsh']],
      [
        { words: ['mcsync', 'sandbox', ''] },
        ['compact', 'down', 'kill', 'pause', 'resume', 'start', 'status', 'stop', 'up'],
      ],
    ];
    const got = bashCandidates(
      dir,
      env,
      cases.map(([request]) => request),
    );
    cases.forEach(([request, expected], i) => assert.deepEqual(got[i], expected, JSON.stringify(request)));
    const [afterDashDash] = bashCandidates(dir, env, [{ words: ['mcsync', 'observe', 'pods', '--', 'bas'] }]);
    assert.ok(afterDashDash?.includes('bash'), 'commands after --');
  });
});

describe('shell completion in zsh', () => {
  const zsh = spawnSync('zsh', ['--version']).status === 0;
  it(`runs the zsh script${zsh ? ' in real zsh' : ' (zsh missing: checks it shares the bash-tested code)'}`, async (t) => {
    const { dir, env } = await project(t);
    const script = execFileSync(process.execPath, [join(repoRoot, 'bin', 'mcsync.js'), 'completion', 'zsh'], {
      encoding: 'utf8',
    });
    if (!zsh) {
      // Without zsh only the text can be checked: the tables and walk are the ones bash ran above.
      const bash = execFileSync(
        process.execPath,
        [join(repoRoot, 'bin', 'mcsync.js'), 'completion', 'bash'],
        {
          encoding: 'utf8',
        },
      );
      const shared = (s: string): string =>
        s.slice(s.indexOf('_mcsync_callback()'), s.indexOf('_mcsync_names()'));
      assert.equal(shared(script), shared(bash));
      return;
    }
    await writeFile(join(dir, 'functions-_mcsync'), script);
    // compsys's primitives only work inside a completion widget: these print what they are given
    // (compadd, as zsh does, only the candidates that start with the word at the cursor).
    const stubs = [
      'compadd() { [[ $1 == -a ]] && print -rl -- ${(M)${(P)2}:#${words[CURRENT]}*} }',
      '_files() { print -r -- "_files $*" }',
      'compset() { : }',
      '_command_names() { print -r -- _command_names }',
      'compdef() { print -r -- "compdef $*" }',
    ];
    const ask = (words: string[]): string =>
      `print -r -- '>>>'; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _mcsync`;
    const requests: [string[], string[]][] = [
      [['mcsync', 'pl'], ['play']],
      [
        ['mcsync', ''],
        ['--help', '--version', 'completion', 'help', 'init', 'observe', 'play', 'sandbox'],
      ],
      [['mcsync', 'play', '--inv'], ['--inventory']],
      [
        ['mcsync', 'play', ''],
        ['_files -g *.(yml|yaml)', 'create.yml', 'sync.yml'],
      ],
      [
        ['mcsync', 'play', '-l', ''],
        ['all', 'east', 'master', 'slaves', 'south', 'ungrouped', 'west'],
      ],
      [
        ['mcsync-observe', 'pods', '--host', ''],
        ['east', 'south', 'west'],
      ],
      [
        ['mcsync', 'init', '--from-kubeconfig', 'kubeconfig', '--master', ''],
        ['default/api-crc:6443/admin', 'east'],
      ],
      [['mcsync', 'init', '--dir', ''], ['_files -/']],
      [
        ['mcsync', 'play', '--output', ''],
        ['auto', 'json', 'plain', 'tree'],
      ],
    ];
    const program = [
      ...stubs,
      readmeLine('zsh'),
      ...requests.map(([words]) => ask(words)),
      // Installed in $fpath as _mcsync, the file is the function's body: it runs at once.
      'unfunction _mcsync; fpath=(. $fpath); cp functions-_mcsync _mcsync; autoload -U _mcsync',
      ask(['mcsync', 'completion', '']),
    ].join('\n');
    const out = execFileSync('zsh', ['-f', '-c', program], { cwd: dir, env, encoding: 'utf8' });
    const [registered, ...answers] = out.split('>>>\n');
    assert.equal(registered?.trim(), 'compdef _mcsync mcsync mcsync-play mcsync-observe');
    const candidates = answers.map((a) => a.split('\n').filter(Boolean));
    requests.forEach(([words, expected], i) =>
      assert.deepEqual(candidates[i]?.sort(), expected.sort(), words.join(' ')),
    );
    assert.deepEqual(candidates[requests.length]?.sort(), ['bash', 'zsh']);
  });
});
