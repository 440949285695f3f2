// The real Sigstore services, started for one run on 127.0.0.1, so keyless signing runs offline
// through the very path GitHub Actions takes: an OIDC issuer shaped like Actions' token service
// (./oidc-issuer.ts), the real Fulcio (an ephemeral CA that trusts that issuer as a
// `github-workflow` issuer) logging each certificate to a CT log (./ct-log.ts) and embedding its
// SCT, the real timestamp authority and a Rekor transparency log (./transparency-log.ts). cosign is
// then run exactly as in Actions (GITHUB_ACTIONS=true, ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN) and
// writes every signature and attestation to the log; a verifier needs only the trusted_root.json
// written beside the run (cosign v3 and v2 both take it), and no --insecure-* flag.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from '../cleanup.js';
import { freePort } from '../free-port.js';
import { getText } from '../registry/probe.js';
import { startService, whenReady } from '../service.js';
import { tool } from '../tools.js';
import { startOidcIssuer, type OidcIssuerOptions, type WorkflowRun } from './oidc-issuer.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { cosignTrustedRoot } from '../clients/cosign.js';
import { ctLogKey, startCtLog } from './ct-log.js';
import { startTransparencyLog } from './transparency-log.js';

export interface LocalSigstore {
  issuer: string;
  fulcioUrl: string;
  rekorUrl: string;
  timestampUrl: string;
  /** What cosign must see to sign as in GitHub Actions (the request token is a secret). */
  env: NodeJS.ProcessEnv;
  requestToken: string;
  /** Signing as another run (tests): the ACTIONS_ID_TOKEN_REQUEST_URL whose tokens carry its claims. */
  requestUrlFor(run: WorkflowRun): string;
  /** Fulcio, the CT log, Rekor and the timestamp authority: all a verifier trusts. */
  trustedRoot: string;
  /** The trusted root's parts, as PEM files: for engines that take them one by one (admission policies). */
  material: { fulcioChain: string; rekorPublicKey: string; ctLogPublicKey: string; timestampChain: string };
  stop(): Promise<void>;
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
    // The log's key time: before anything it will hold (RFC 3339, whole seconds).
    const startTime = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const oidc = await startOidcIssuer({ run: workflowRun, ...tokens });
    stops.push(() => oidc.close());
    const [fulcioPort, grpcPort, metricsPort, tsaPort, ctPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    // NTP monitoring would ask public time servers: off. Its metrics take port 2112, which it must
    // have (Rekor does without): it comes up first.
    const tsa = startService('timestamp authority', tool('timestamp-server'), [
      'serve', '--host', '127.0.0.1', '--port', String(tsaPort), '--timestamp-signer', 'memory', '--disable-ntp-monitoring',
    ]); // prettier-ignore
    stops.push(tsa.stop);
    const timestampUrl = `http://127.0.0.1:${tsaPort}/api/v1/timestamp`;
    const timestampChain = join(dir, 'tsa-chain.pem');
    await writeFile(timestampChain, await whenReady(tsa, () => getText(`${timestampUrl}/certchain`)));

    // Rekor and its database take a few seconds: they come up while Fulcio and the CT log do.
    // Stopping waits for it to be up (or to have failed, stopping what it started) first.
    const rekor = startTransparencyLog(join(dir, 'rekor'));
    // Its failure is reported where it is awaited below; until then it must not go unhandled.
    rekor.catch(() => undefined);
    stops.push(() =>
      rekor.then(
        (log) => log.stop(),
        () => undefined,
      ),
    );

    const config = join(dir, 'fulcio-config.json');
    await writeFile(config, JSON.stringify({ OIDCIssuers: { [oidc.url]: { IssuerURL: oidc.url, ClientID: 'sigstore', Type: 'github-workflow' } } }));
    const ctKey = await ctLogKey(join(dir, 'ct-log'));
    // Its private key goes with the run; its public key stays for verifiers.
    stops.push(() => rm(ctKey.keyPath, { force: true }));
    const ctUrl = `http://127.0.0.1:${ctPort}`;
    const fulcio = startService('Fulcio', tool('fulcio'), [
      'serve',
      '--host', '127.0.0.1', '--port', String(fulcioPort),
      '--grpc-host', '127.0.0.1', '--grpc-port', String(grpcPort),
      '--metrics-port', String(metricsPort),
      '--ca', 'ephemeralca', '--config-path', config,
      // Each certificate goes to the CT log, whose SCT Fulcio checks with its key and embeds.
      '--ct-log-url', ctUrl, '--ct-log-public-key-path', ctKey.publicKeyPath,
      // Its own legacy gRPC socket (the default name is shared by every Fulcio in a network namespace).
      '--legacy-unix-domain-socket', `@fulcio-legacy-${grpcPort}`,
    ]); // prettier-ignore
    stops.push(fulcio.stop);
    const fulcioUrl = `http://127.0.0.1:${fulcioPort}`;
    const bundle = JSON.parse(await whenReady(fulcio, () => getText(`${fulcioUrl}/api/v2/trustBundle`))) as { chains: Array<{ certificates: string[] }> };
    const fulcioChain = join(dir, 'fulcio-chain.pem');
    await writeFile(fulcioChain, bundle.chains[0]!.certificates.join(''));
    const ctLog = await startCtLog(join(dir, 'ct-log'), ctPort, ctKey, fulcioChain);
    stops.push(ctLog.stop);
    const log = await rekor;
    const trustedRoot = join(dir, 'trusted_root.json');
    await cosignTrustedRoot(trustedRoot, {
      fulcio: { url: fulcioUrl, chain: fulcioChain },
      tsa: { url: timestampUrl, chain: timestampChain },
      rekor: { url: log.url, publicKey: log.publicKeyPath, startTime },
      ctLog: { url: ctLog.url, publicKey: ctLog.publicKeyPath, startTime },
    });
    return {
      issuer: oidc.url,
      fulcioUrl,
      rekorUrl: log.url,
      timestampUrl,
      env: { GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken },
      requestToken: oidc.requestToken,
      requestUrlFor: oidc.requestUrlFor,
      trustedRoot,
      material: { fulcioChain, rekorPublicKey: log.publicKeyPath, ctLogPublicKey: ctLog.publicKeyPath, timestampChain },
      stop: release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}
