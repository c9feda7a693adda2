import path from 'node:path';

/**
 * Where every sandbox file lives, derived from the sandbox directory alone so
 * that `up`, `down`, the fault hooks and tests agree without passing paths around.
 *
 * DIR/state.json, DIR/inventory.yml, DIR/kubeconfig, DIR/registry-auth.json
 * DIR/ca/ca.key            private CA key (mode 0600), never given to clients
 * DIR/certs/ca.crt         the CA clients trust; the folder works as `skopeo --cert-dir`
 * DIR/server/              ca.crt + apiserver.crt/key: one loopback serving certificate
 * DIR/<name>/              per cluster: etcd data, tokens, registry storage, logs
 */
export interface SandboxLayout {
  readonly dir: string;
  readonly stateFile: string;
  readonly inventoryFile: string;
  readonly kubeconfigFile: string;
  readonly registryAuthFile: string;
  readonly caKey: string;
  readonly caCert: string;
  readonly certDir: string;
  readonly serverDir: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

/** Files of one cluster and its registry inside the sandbox directory. */
export interface ClusterLayout {
  readonly dir: string;
  readonly dataDir: string;
  readonly tokensCsv: string;
  readonly adminToken: string;
  readonly viewerToken: string;
  readonly apiserverLog: string;
  readonly registryDir: string;
  readonly registryConfig: string;
  readonly registryHtpasswd: string;
  readonly registryPassword: string;
  readonly registryLog: string;
  /** Bearer token the registry sends with its push notifications to the cluster binary. */
  readonly registryEventsToken: string;
}

/** Paths of a sandbox rooted at `dir` (made absolute). */
export function sandboxLayout(dir: string): SandboxLayout {
  const root = path.resolve(dir);
  return {
    dir: root,
    stateFile: path.join(root, 'state.json'),
    inventoryFile: path.join(root, 'inventory.yml'),
    kubeconfigFile: path.join(root, 'kubeconfig'),
    registryAuthFile: path.join(root, 'registry-auth.json'),
    caKey: path.join(root, 'ca', 'ca.key'),
    caCert: path.join(root, 'certs', 'ca.crt'),
    certDir: path.join(root, 'certs'),
    serverDir: path.join(root, 'server'),
    serverCert: path.join(root, 'server', 'apiserver.crt'),
    serverKey: path.join(root, 'server', 'apiserver.key'),
  };
}

/** Paths of cluster `name` inside a sandbox. */
export function clusterLayout(sandbox: SandboxLayout, name: string): ClusterLayout {
  const dir = path.join(sandbox.dir, name);
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    tokensCsv: path.join(dir, 'tokens.csv'),
    adminToken: path.join(dir, 'admin.token'),
    viewerToken: path.join(dir, 'viewer.token'),
    apiserverLog: path.join(dir, 'apiserver.log'),
    registryDir: path.join(dir, 'registry'),
    registryConfig: path.join(dir, 'registry.yml'),
    registryHtpasswd: path.join(dir, 'registry.htpasswd'),
    registryPassword: path.join(dir, 'registry.password'),
    registryLog: path.join(dir, 'registry.log'),
    registryEventsToken: path.join(dir, 'registry-events.token'),
  };
}
