// A fault-injecting HTTP proxy in front of a registry: it answers chosen requests with an error or
// drops the connection mid-upload, and counts what went through (requests, blob bytes uploaded).
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** pass it on; answer with an error; drop the connection; never answer; answer after a delay. */
export type Fault = 'pass' | { status: number } | 'reset' | 'stall' | { delayMs: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Requests that matched this method+kind so far, this one included. */
  nth: number;
  kind: 'blob-upload' | 'manifest-put' | 'other';
}

export interface FaultProxy {
  address: string;
  stats: { requests: number; faults: number; blobBytesUploaded: number; blobBytesByRepo: Map<string, number>; blobsCompleted: Set<string> };
  policy: (req: ProxiedRequest) => Fault;
  resetStats(): void;
  close(): Promise<void>;
}

function kindOf(method: string, path: string): ProxiedRequest['kind'] {
  if (/\/blobs\/uploads\//.test(path) && ['POST', 'PATCH', 'PUT'].includes(method)) return 'blob-upload';
  if (/\/manifests\//.test(path) && method === 'PUT') return 'manifest-put';
  return 'other';
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const [host, port] = upstream.split(':') as [string, string];
  const counters = new Map<string, number>();
  const proxy: FaultProxy = {
    address: '',
    stats: { requests: 0, faults: 0, blobBytesUploaded: 0, blobBytesByRepo: new Map(), blobsCompleted: new Set() },
    policy: () => 'pass',
    resetStats() {
      counters.clear();
      this.stats = { requests: 0, faults: 0, blobBytesUploaded: 0, blobBytesByRepo: new Map(), blobsCompleted: new Set() };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const kind = kindOf(method, path);
    const key = `${method} ${kind}`;
    counters.set(key, (counters.get(key) ?? 0) + 1);
    proxy.stats.requests++;
    const fault = proxy.policy({ method, path, kind, nth: counters.get(key)! });

    if (fault === 'stall') {
      proxy.stats.faults++;
      req.resume(); // read the request, never answer it
      return;
    }
    if (typeof fault === 'object' && 'delayMs' in fault) {
      proxy.stats.faults++;
      req.pause();
      setTimeout(() => forward(), fault.delayMs);
      return;
    }
    if (fault === 'reset') {
      proxy.stats.faults++;
      req.once('data', () => req.socket.destroy()); // drop the connection mid-body
      req.once('end', () => req.socket.destroy());
      return;
    }
    if (fault !== 'pass') {
      proxy.stats.faults++;
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      });
      return;
    }
    forward();

    function forward(): void {
      const upstreamReq = request({ host, port: Number(port), method, path, headers: req.headers }, (up) => {
        const finished = kind === 'blob-upload' && method === 'PUT' && up.statusCode === 201 ? new URL(path, 'http://x').searchParams.get('digest') : null;
        if (finished) proxy.stats.blobsCompleted.add(finished);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstreamReq.on('error', () => res.destroy());
      req.on('data', (chunk: Buffer) => {
        if (kind === 'blob-upload') {
          proxy.stats.blobBytesUploaded += chunk.length;
          const repo = path.replace(/^\/v2\//, '').replace(/\/blobs\/uploads\/.*$/, '');
          proxy.stats.blobBytesByRepo.set(repo, (proxy.stats.blobBytesByRepo.get(repo) ?? 0) + chunk.length);
        }
      });
      req.pipe(upstreamReq);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  proxy.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
