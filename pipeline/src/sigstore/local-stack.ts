// The real Sigstore services, started for one run on 127.0.0.1, so keyless signing runs offline
// through the very path GitHub Actions takes: an OIDC issuer shaped like Actions' token service
// (./oidc-issuer.ts), the real Fulcio (an ephemeral CA that trusts that issuer as a
// `github-workflow` issuer) and the real timestamp authority. cosign is then run exactly as in
// Actions (GITHUB_ACTIONS=true, ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN). The trust material a verifier
// needs is written beside the run: a trusted_root.json (cosign v3) and the Fulcio and TSA chains (v2).
// No transparency log (Rekor needs Trillian and a database): signatures carry a signed timestamp.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../cleanup.js';
import { stopProcess } from '../exec.js';
import { freePort } from '../free-port.js';
import { getText } from '../registry/probe.js';
import { tool } from '../tools.js';
import { startOidcIssuer, type OidcIssuerOptions, type WorkflowRun } from './oidc-issuer.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { cosignTrustedRoot } from '../clients/cosign.js';

export interface LocalSigstore {
  issuer: string;
  fulcioUrl: string;
  timestampUrl: string;
  /** What cosign must see to sign as in GitHub Actions (the request token is a secret). */
  env: NodeJS.ProcessEnv;
  requestToken: string;
  trustedRoot: string;
  fulcioChain: string;
  timestampChain: string;
  stop(): Promise<void>;
}

interface Service {
  child: ChildProcess;
  log: () => string;
}

function service(name: 'fulcio' | 'timestamp-server', args: string[]): Service {
  const child = spawn(tool(name), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  return { child, log: () => log };
}

async function ready(name: string, s: Service, url: string): Promise<string> {
  for (let i = 0; i < 150; i++) {
    if (s.child.exitCode !== null) break;
    const body = await getText(url);
    if (body !== undefined) return body;
    await sleep(100);
  }
  throw new PipelineError('environment', `the local ${name} did not start: ${s.log().split('\n').filter(Boolean).slice(-2).join(' ')}`);
}

/** True in a network namespace with nothing but loopback: what these services may run in. */
export function networkIsolated(): boolean {
  return Object.keys(networkInterfaces()).every((name) => name === 'lo');
}

export async function startLocalSigstore(
  dir: string,
  workflowRun: WorkflowRun,
  tokens: Pick<OidcIssuerOptions, 'audience' | 'lifetime'> = {},
): Promise<LocalSigstore> {
  // The timestamp authority serves its metrics on every interface, port 2112 (not configurable), and
  // cosign reaches for Sigstore's public TUF repository when it signs: both stay inside a namespace.
  if (!networkIsolated())
    throw new PipelineError(
      'environment',
      'the local Sigstore services run only in a network namespace of their own (npm run pipeline -- --sigstore local makes one)',
    );
  await mkdir(dir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  const release = onCleanup(stop);
  try {
    const oidc = await startOidcIssuer({ run: workflowRun, ...tokens });
    stops.push(() => oidc.close());

    const config = join(dir, 'fulcio-config.json');
    await writeFile(config, JSON.stringify({ OIDCIssuers: { [oidc.url]: { IssuerURL: oidc.url, ClientID: 'sigstore', Type: 'github-workflow' } } }));
    const [fulcioPort, grpcPort, metricsPort, tsaPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const fulcio = service('fulcio', [
      'serve',
      '--host', '127.0.0.1', '--port', String(fulcioPort),
      '--grpc-host', '127.0.0.1', '--grpc-port', String(grpcPort),
      '--metrics-port', String(metricsPort),
      '--ca', 'ephemeralca', '--config-path', config, '--ct-log-url', '',
      // Its own legacy gRPC socket (the default name is shared by every Fulcio in a network namespace).
      '--legacy-unix-domain-socket', `@fulcio-legacy-${grpcPort}`,
    ]); // prettier-ignore
    stops.push(() => stopProcess(fulcio.child));
    // NTP monitoring would ask public time servers: off.
    const tsa = service('timestamp-server', [
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(tsaPort),
      '--timestamp-signer',
      'memory',
      '--disable-ntp-monitoring',
    ]);
    stops.push(() => stopProcess(tsa.child));

    const fulcioUrl = `http://127.0.0.1:${fulcioPort}`;
    const timestampUrl = `http://127.0.0.1:${tsaPort}/api/v1/timestamp`;
    const bundle = JSON.parse(await ready('Fulcio', fulcio, `${fulcioUrl}/api/v2/trustBundle`)) as { chains: Array<{ certificates: string[] }> };
    const fulcioChain = join(dir, 'fulcio-chain.pem');
    await writeFile(fulcioChain, bundle.chains[0]!.certificates.join(''));
    const timestampChain = join(dir, 'tsa-chain.pem');
    await writeFile(timestampChain, await ready('timestamp authority', tsa, `${timestampUrl}/certchain`));
    const trustedRoot = join(dir, 'trusted_root.json');
    await cosignTrustedRoot(trustedRoot, { url: fulcioUrl, chain: fulcioChain }, { url: timestampUrl, chain: timestampChain });
    return {
      issuer: oidc.url,
      fulcioUrl,
      timestampUrl,
      env: { GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken },
      requestToken: oidc.requestToken,
      trustedRoot,
      fulcioChain,
      timestampChain,
      stop: release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}
