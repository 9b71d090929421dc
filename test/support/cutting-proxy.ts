/**
 * A proxy in front of a local API that can cut any values answer at a chosen byte: the headers and
 * that many bytes of the body are sent, then the connection is reset or closed. The client sees
 * what a flaky network shows it: an answer that stops mid-way.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** For the n-th values request (0-based) and its body length: where to cut, or undefined for whole. */
export type CutPlan = (n: number, length: number) => { at: number; how: 'reset' | 'close' } | undefined;

export interface CuttingProxy {
  url: string;
  /** Values requests seen, and how many were cut. */
  stats(): { values: number; cut: number };
  stop(): Promise<void>;
}

export async function startCuttingProxy(target: string, plan: CutPlan): Promise<CuttingProxy> {
  const upstream = new URL(target);
  let values = 0;
  let cut = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const isValues = (req.url ?? '').includes('/values');
    const n = isValues ? values++ : -1;
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          const decision = isValues && answer.statusCode === 200 ? plan(n, body.length) : undefined;
          if (!decision) {
            res.end(body);
            return;
          }
          cut += 1;
          res.write(body.subarray(0, Math.max(0, Math.min(decision.at, body.length - 1))), () => {
            if (decision.how === 'reset') res.socket?.resetAndDestroy();
            else res.socket?.end();
          });
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stats: () => ({ values, cut }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
