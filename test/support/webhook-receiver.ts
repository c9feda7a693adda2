// A local HTTP endpoint standing in for a Slack incoming webhook: records every POSTed JSON body.
// `failFirst` answers the first N requests with 500, to exercise retries.
import http from 'node:http';

export interface WebhookCall {
  path: string;
  contentType: string;
  body: unknown;
}

export interface WebhookFixture {
  /** `http://127.0.0.1:PORT/hooks/T000/B000/secret-token` */
  url: string;
  calls: WebhookCall[];
  /** Requests answered (including failed ones). */
  attempts(): number;
  waitFor(count: number, timeoutMs?: number): Promise<WebhookCall[]>;
  close(): Promise<void>;
}

/** Starts the receiver on a free loopback port. */
export async function startWebhookReceiver(options: { failFirst?: number } = {}): Promise<WebhookFixture> {
  const calls: WebhookCall[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= (options.failFirst ?? 0)) {
        res.writeHead(500).end('try again');
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      calls.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/B000/secret-token`,
    calls,
    attempts: () => attempts,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook call(s), got ${calls.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
