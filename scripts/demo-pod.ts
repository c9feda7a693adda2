// `npm run demo -- --pod`: the watch wrapper in real pods, end to end.
//
// Brings the sandbox up with nodes for the master (`mcsync sandbox up --node`: needs root and
// containerd), builds the image from deploy/Containerfile and pushes it to the master's registry
// (scripts/build-image.sh --sandbox), deploys it with playbooks/deploy-observer.yml as a user
// would (plus the sandbox-only settings), waits for both replicas, annotates an ImageStream
// sync=me on the master and waits until the leader pod has synced it to both slaves. Prints what
// to look at next.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apiUrl, clusterTargets, registryHost } from '../src/sandbox/cluster-handle.ts';
import { httpsRequest, type HttpsTarget } from '../src/sandbox/https-json.ts';
import { sandboxUp } from '../src/sandbox/sandbox.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, '.sandbox');
const NS = 'mcsync';

async function apply(admin: HttpsTarget, apiPath: string, body: Record<string, unknown>): Promise<void> {
  const res = await httpsRequest(admin, 'PATCH', `${apiPath}?fieldManager=mcsync-demo&force=true`, {
    body,
    contentType: 'application/apply-patch+yaml',
  });
  if (res.status >= 300) throw new Error(`${apiPath}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
  console.log(`  ${what}`);
}

function play(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'mcsync-play.js'), ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

interface PodList {
  items: {
    metadata: { name: string };
    status: { podIP?: string; conditions?: { type: string; status: string }[] };
  }[];
}

/** Runs the pod demo; returns its exit code. */
export async function podDemo(): Promise<number> {
  const up = await sandboxUp({
    dir,
    clusters: 3,
    openshiftProjects: false,
    node: true,
    log: (l) => console.log(l),
  });
  const [master, ...slaves] = up.state.clusters;
  if (!master) return 1;
  const { admin, registry } = await clusterTargets(dir, master);
  console.log('building the observer image (scripts/build-image.sh --sandbox .sandbox)...');
  const { stdout } = await promisify(execFile)(
    path.join(root, 'scripts', 'build-image.sh'),
    ['--sandbox', dir],
    { maxBuffer: 1 << 26 },
  );
  const image = stdout.trim().split('\n').pop() ?? '';
  console.log(`  ${image}`);

  await apply(admin, `/api/v1/namespaces/${NS}`, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
  const auth = Buffer.from(`${registry.basic?.username}:${registry.basic?.password}`).toString('base64');
  await apply(admin, `/api/v1/namespaces/${NS}/secrets/mcsync-pull`, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'mcsync-pull', namespace: NS },
    data: {
      '.dockerconfigjson': Buffer.from(
        JSON.stringify({ auths: { [registryHost(master)]: { auth } } }),
      ).toString('base64'),
    },
  });
  const extra = {
    observer_image: image,
    observer_host_network: true,
    observer_listen_addr: '$(POD_IP):11251',
    observer_master_api_url: apiUrl(master),
    observer_image_pull_secret: 'mcsync-pull',
  };
  const code = await play([
    'playbooks/deploy-observer.yml',
    '-i',
    up.inventoryFile,
    '-e',
    JSON.stringify(extra),
  ]);
  if (code !== 0) return code;

  let pods: PodList['items'] = [];
  await until('both observer replicas Ready', 240_000, async () => {
    const res = await httpsRequest(
      admin,
      'GET',
      `/api/v1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io/name=mcsync-observer`,
    );
    pods = (res.json as PodList | null)?.items ?? [];
    return (
      pods.length === 2 &&
      pods.every((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    );
  });
  await apply(admin, '/api/v1/namespaces/demo-pod', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'demo-pod' },
  });
  await apply(admin, '/apis/image.openshift.io/v1/namespaces/demo-pod/imagestreams/app', {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app', namespace: 'demo-pod', annotations: { sync: 'me' } },
  });
  for (const slave of slaves) {
    const target = (await clusterTargets(dir, slave)).admin;
    await until(`ImageStream demo-pod/app synced to ${slave.name} by the leader pod`, 60_000, async () => {
      return (
        (
          await httpsRequest(
            target,
            'GET',
            '/apis/image.openshift.io/v1/namespaces/demo-pod/imagestreams/app',
          )
        ).status === 200
      );
    });
  }
  const kc = `kubectl --kubeconfig ${path.relative(process.cwd(), up.kubeconfigFile)} --context ${master.name}`;
  console.log(`\nLook at:
  ${kc} get nodes
  ${kc} -n ${NS} get pods -o wide
  ${kc} -n ${NS} get lease mcsync-observe -o jsonpath='{.spec.holderIdentity}{"\\n"}'
  ${kc} -n ${NS} logs -l app.kubernetes.io/name=mcsync-observer --prefix
  ${kc} get clusterrole mcsync-observer -o yaml       (rules derived from playbooks/watch.yml)
  ${kc.replace(`--context ${master.name}`, `--context ${slaves[0]?.name ?? 'west'}`)} get clusterrole mcsync-sync-target -o yaml
  curl http://${pods[0]?.status.podIP ?? 'POD_IP'}:11251/metrics        (each pod listens on its node's address)
  mcsync sandbox status    mcsync sandbox down`);
  return 0;
}
