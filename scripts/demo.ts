// `npm run demo`: real clusters, a seeded master, one playbook run.
//
// Builds the cluster binary if missing (minutes on a cold cache), starts the
// sandbox (3 clusters + registries), seeds the master the way the 2017 PoC's
// users had it (a project with an ImageStream annotated sync=me, an image in
// the master's registry, a dockercfg Secret linked to a ServiceAccount), runs
// playbooks/sync.yml (or the best playbook that exists yet) against
// .sandbox/inventory.yml and exits with the playbook's exit code.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/sandbox/exec.ts';
import { clusterTargets, registryHost } from '../src/sandbox/cluster-handle.ts';
import { httpsRequest, type HttpsTarget } from '../src/sandbox/https-json.ts';
import { writeOciImage } from '../src/sandbox/oci-image.ts';
import { sandboxUp } from '../src/sandbox/sandbox.ts';
import type { ClusterRecord } from '../src/sandbox/state.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, '.sandbox');
const rel = (p: string): string => path.relative(process.cwd(), p) || '.';

async function apply(admin: HttpsTarget, apiPath: string, body: Record<string, unknown>): Promise<void> {
  const res = await httpsRequest(admin, 'PATCH', `${apiPath}?fieldManager=mcsync-demo&force=true`, {
    body,
    contentType: 'application/apply-patch+yaml',
  });
  if (res.status >= 300) throw new Error(`seeding ${apiPath}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  console.log(`  applied ${String(body.kind)} ${apiPath.split('/').slice(-1)[0]}`);
}

async function pushDemoImage(master: ClusterRecord, authFile: string): Promise<string> {
  const layout = await mkdtemp(path.join(tmpdir(), 'mcsync-demo-image-'));
  try {
    await writeOciImage(layout, 'hello from the mcsync demo\n');
    const image = `${registryHost(master)}/demo/app:1`;
    // The stream's `latest` imports app:1. OpenShift's registry then serves app:latest too (an
    // ImageStream tag), which is what a slave mirroring `latest` pulls; the sandbox registry is a
    // plain one, so the image is pushed under both names.
    for (const name of [image, `${registryHost(master)}/demo/app:latest`]) {
      await run('skopeo', [
        'copy',
        '--dest-cert-dir',
        path.join(dir, 'certs'),
        '--dest-authfile',
        authFile,
        `oci:${layout}:latest`,
        `docker://${name}`,
      ]);
      console.log(`  pushed ${name}`);
    }
    return image;
  } finally {
    await rm(layout, { recursive: true, force: true });
  }
}

async function seedMaster(master: ClusterRecord, authFile: string): Promise<void> {
  const { admin, registry } = await clusterTargets(dir, master);
  const image = await pushDemoImage(master, authFile);
  const host = registryHost(master);
  const auth = Buffer.from(`${registry.basic?.username}:${registry.basic?.password}`).toString('base64');
  const dockercfg = JSON.stringify({
    [host]: {
      auth,
      username: registry.basic?.username,
      password: registry.basic?.password,
      email: 'demo@example.com',
    },
  });
  const labels = { 'app.kubernetes.io/part-of': 'mcsync-demo' };
  await apply(admin, '/api/v1/namespaces/demo', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'demo',
      labels,
      annotations: {
        'openshift.io/display-name': 'mcsync demo',
        'openshift.io/description': 'Seeded by npm run demo',
      },
    },
  });
  await apply(admin, '/apis/image.openshift.io/v1/namespaces/demo/imagestreams/app', {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app', namespace: 'demo', labels, annotations: { sync: 'me' } },
    spec: {
      lookupPolicy: { local: false },
      tags: [{ name: 'latest', from: { kind: 'DockerImage', name: image } }],
    },
  });
  await apply(admin, '/api/v1/namespaces/demo/secrets/registry-dockercfg', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockercfg',
    metadata: { name: 'registry-dockercfg', namespace: 'demo', labels },
    data: { '.dockercfg': Buffer.from(dockercfg).toString('base64') },
  });
  await apply(admin, '/api/v1/namespaces/demo/serviceaccounts/deployer', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'deployer', namespace: 'demo', labels },
    imagePullSecrets: [{ name: 'registry-dockercfg' }],
    secrets: [{ name: 'registry-dockercfg' }],
  });
}

/** Does a playbook target the inventory's clusters (not just localhost)? */
function targetsClusters(file: string): boolean {
  return /^\s*-?\s*hosts:\s*['"]?(all|hubs|master|slaves)\b/m.test(readFileSync(file, 'utf8'));
}

/**
 * playbooks/sync.yml, else the most useful playbook that exists yet: site.yml
 * or create.yml, then any playbook aimed at the sandbox's groups, then any.
 */
function choosePlaybook(): string | null {
  const top = path.join(root, 'playbooks');
  for (const name of ['sync.yml', 'site.yml', 'create.yml']) {
    if (existsSync(path.join(top, name))) return path.join(top, name);
  }
  const candidates = [top, path.join(top, 'examples')]
    .filter((d) => existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(d, f)),
    );
  return candidates.find(targetsClusters) ?? candidates[0] ?? null;
}

function runPlaybook(playbook: string, inventory: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'bin', 'mcsync-play.js'), playbook, '-i', inventory],
      { stdio: 'inherit', cwd: root },
    );
    child.on('error', reject);
    child.on('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  // `npm run demo -- --pod`: the watch wrapper in real pods instead (scripts/demo-pod.ts).
  if (process.argv.includes('--pod')) return (await import('./demo-pod.ts')).podDemo();
  console.log('mcsync demo: starting the sandbox (the first run builds kube-apiserver; that takes minutes)');
  const up = await sandboxUp({ dir, clusters: 3, openshiftProjects: false, log: (l) => console.log(l) });
  const [master, ...slaves] = up.state.clusters;
  if (!master) throw new Error('the sandbox has no clusters');
  console.log(`sandbox ready in ${(up.elapsedMs / 1000).toFixed(1)} s; seeding ${master.name} (master):`);
  await seedMaster(master, up.registryAuthFile);

  const playbook = choosePlaybook();
  if (!playbook) {
    console.error('mcsync demo: no playbook found under playbooks/; nothing to run');
    return 1;
  }
  if (!playbook.endsWith(`${path.sep}sync.yml`))
    console.log(`\nplaybooks/sync.yml does not exist yet; running ${rel(playbook)} instead`);
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    console.error('mcsync demo: dist/ is missing; run `npm run build` first (npm run demo does)');
    return 1;
  }
  console.log(`\n$ mcsync-play ${rel(playbook)} -i ${rel(up.inventoryFile)}`);
  const code = await runPlaybook(playbook, up.inventoryFile);
  if (code !== 0) {
    console.error(
      `\nmcsync demo: the playbook failed (exit ${code}); the sandbox is still up for a look (logs in ${rel(dir)}/<cluster>/)`,
    );
    return code;
  }
  const kc = `kubectl --kubeconfig ${rel(up.kubeconfigFile)}`;
  const other = slaves[0]?.name ?? master.name;
  console.log(`\nWhat to look at next:
  ${kc} --context ${master.name} -n demo get imagestreams,secrets,serviceaccounts
  ${kc} --context ${other} -n demo get imagestreams -o yaml      # synced from ${master.name}?
  skopeo inspect --cert-dir ${rel(path.join(dir, 'certs'))} --authfile ${rel(up.registryAuthFile)} docker://${registryHost(master)}/demo/app:1
  npm run sandbox -- status      npm run sandbox -- down --purge`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`mcsync demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
