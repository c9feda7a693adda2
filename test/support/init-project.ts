// What a user does to the files `mcsync init` writes: uncomment the examples of vars/*.yml
// (delete the '#' that starts each example line: `#key:` and the `#  ` lines under it; `# text`
// explains and stays), and a kubeconfig with secrets in it to check that none of them is copied.

/** The text with every example uncommented, as the files' header tells a user to do. */
export function uncommentExamples(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^#(?=[^ ]| {2})/.test(line) ? line.slice(1) : line))
    .join('\n');
}

/** Values in kubeconfigFor() that must never appear in a generated file or in output. */
export const KUBECONFIG_SECRETS = [
  'sha256~token-of-the-kubeconfig-user',
  'Y2xpZW50LWNlcnRpZmljYXRlLWRhdGE=',
  'Y2xpZW50LWtleS1kYXRh',
  'https://api.secret-server.example:6443',
];

/** A kubeconfig with the given contexts (all on one cluster and user) carrying secrets. */
export function kubeconfigFor(contexts: readonly string[], currentContext?: string): string {
  const [token, cert, key, server] = KUBECONFIG_SECRETS as [string, string, string, string];
  return [
    'apiVersion: v1',
    'kind: Config',
    ...(currentContext === undefined ? [] : [`current-context: ${JSON.stringify(currentContext)}`]),
    'clusters:',
    `  - name: c1`,
    `    cluster: {server: ${server}}`,
    'users:',
    `  - name: u1`,
    `    user: {token: ${JSON.stringify(token)}, client-certificate-data: ${cert}, client-key-data: ${key}}`,
    `contexts:${contexts.length === 0 ? ' []' : ''}`,
    ...contexts.map((name) => `  - name: ${JSON.stringify(name)}\n    context: {cluster: c1, user: u1}`),
    '',
  ].join('\n');
}
