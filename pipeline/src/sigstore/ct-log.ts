// The local certificate transparency log: TesseraCT (a static-CT log on a local directory, what
// Fulcio's own development setup runs), accepting only chains to this run's Fulcio root, for code
// signing. Fulcio submits each precertificate to it and embeds the SCT it returns; verifiers check
// that SCT against the log's key in the trusted root.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getText } from '../registry/probe.js';
import { startService, whenReady } from '../service.js';
import { tool } from '../tools.js';

export interface CtLog {
  url: string;
  /** The log's public key (PEM), for Fulcio (to check the SCTs it embeds) and the trusted root. */
  publicKeyPath: string;
  stop(): Promise<void>;
}

export interface CtLogKey {
  keyPath: string;
  publicKeyPath: string;
}

/** The log's signing key (P-256, SEC1 PEM as TesseraCT reads it), made before Fulcio starts: Fulcio checks SCTs with its public half. */
export async function ctLogKey(dir: string): Promise<CtLogKey> {
  await mkdir(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPath = join(dir, 'ct-log.key');
  const publicKeyPath = join(dir, 'ct-log.pub');
  await writeFile(keyPath, privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 });
  await writeFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { keyPath, publicKeyPath };
}

/** A log at `port` with `key`, trusting the certificates in `rootsPath` (PEM). */
export async function startCtLog(dir: string, port: number, key: CtLogKey, rootsPath: string): Promise<CtLog> {
  // From empty, always: tiles a killed run left are signed by another key.
  await rm(join(dir, 'tiles'), { recursive: true, force: true });
  await mkdir(join(dir, 'tiles'), { recursive: true });
  const { keyPath } = key;
  const log = startService(
    'CT log (TesseraCT)',
    tool('tesseract'),
    [
      `--http_endpoint=127.0.0.1:${port}`,
      // A checkpoint origin is a URL path with no port; the log serves at the root of its endpoint.
      '--origin=localhost/ct-log',
      `--storage_dir=${join(dir, 'tiles')}`,
      `--private_key=${keyPath}`,
      `--roots_pem_file=${rootsPath}`,
      '--ext_key_usages=CodeSigning',
      '--checkpoint_interval=200ms',
    ],
    // Its OpenTelemetry metrics would go to localhost:4318 every minute: nothing listens there.
    { env: { ...process.env, OTEL_METRIC_EXPORT_INTERVAL: '86400000', OTEL_SDK_DISABLED: 'true' } },
  );
  const url = `http://127.0.0.1:${port}`;
  // Stopped, its tiles go (its key is its maker's: ctLogKey).
  const stop = async () => {
    await log.stop();
    await rm(join(dir, 'tiles'), { recursive: true, force: true });
  };
  try {
    await whenReady(log, () => getText(`${url}/ct/v1/get-roots`));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, publicKeyPath: key.publicKeyPath, stop };
}
