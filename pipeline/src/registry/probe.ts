// Asks a registry's /v2/ endpoint for its status with node:http(s), not fetch(): fetch refuses
// ports it deems unsafe (6000, 6667, …), and any port a user picks must work.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The HTTP status of GET <scheme>://<registry>/v2/, or a rejection naming the network error. */
export function registryStatus(registry: string, scheme: 'http' | 'https', timeoutMs: number): Promise<number> {
  const request = scheme === 'http' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(`${scheme}://${registry}/v2/`, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/** The body of a 200 answer from a local URL, or undefined (no answer, another status). */
export function getText(url: string, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** True when an OCI registry answers there (200, or 401 asking for credentials). */
export async function registryAnswers(registry: string, scheme: 'http' | 'https' = 'http', timeoutMs = 1000): Promise<boolean> {
  const status = await registryStatus(registry, scheme, timeoutMs).catch(() => 0);
  return status === 200 || status === 401;
}
