// Signing material for the host pipeline: the embedded default key pair (generated once, empty
// password), or the user's key / certificate given by path. Passwords come from COSIGN_PASSWORD.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { x509 } from './x509.js';
import type { Policy, Signer } from '../../ci/src/core/cosign-args.js';
import { run } from './exec.js';
import { exists } from './oci/layout.js';
import { tool } from './tools.js';

export interface SigningSetup {
  signer: Signer;
  policy: Policy;
  /** Environment cosign needs (COSIGN_PASSWORD). */
  env: NodeJS.ProcessEnv;
  secrets: string[];
}

/** Generates .out/keys/cosign.{key,pub} once, with an empty password. */
export async function ensureDefaultKeyPair(dir: string): Promise<{ key: string; pub: string }> {
  const key = join(dir, 'cosign.key');
  const pub = join(dir, 'cosign.pub');
  if ((await exists(key)) && (await exists(pub))) return { key, pub };
  await mkdir(dir, { recursive: true });
  await run(tool('cosign'), ['generate-key-pair', '--output-key-prefix', join(dir, 'cosign')], {
    env: { ...process.env, COSIGN_PASSWORD: '' },
  });
  return { key, pub };
}

const ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

/** The identity (URI or email SAN) and OIDC issuer a Fulcio-style certificate carries. */
export function certificateIdentity(pem: string): { identity: string; issuer: string; notAfter: Date } {
  const cert = new x509.X509Certificate(pem);
  const san = cert.getExtension('2.5.29.17') as unknown as { names?: { items: Array<{ type: string; value: string }> } } | null;
  const names = san?.names?.items ?? [];
  const identity = names.find((n) => n.type === 'url')?.value ?? names.find((n) => n.type === 'email')?.value;
  const issuerExt = cert.getExtension(ISSUER_V2) ?? cert.getExtension(ISSUER_V1);
  if (!identity || !issuerExt) throw new Error('the certificate carries no signer identity (SAN) or OIDC issuer extension; it is not a keyless-style signing certificate');
  const raw = Buffer.from(issuerExt.value);
  // .1.8 holds a DER UTF8String (tag 0x0c, short length); .1.1 the raw string.
  const issuer = raw[0] === 0x0c && raw[1] === raw.length - 2 ? raw.subarray(2).toString('utf8') : raw.toString('utf8');
  return { identity, issuer, notAfter: cert.notAfter };
}

export interface SigningOptions {
  keysDir: string;
  key?: string;
  certificate?: string;
  certificateChain?: string;
}

export async function signingSetup(opts: SigningOptions, env: NodeJS.ProcessEnv = process.env): Promise<SigningSetup> {
  const password = env.COSIGN_PASSWORD ?? '';
  const secrets = password ? [password] : [];
  if (opts.certificate || opts.certificateChain) {
    if (!opts.key || !opts.certificate || !opts.certificateChain) {
      throw new Error('certificate signing needs all of --key, --certificate and --certificate-chain');
    }
    const { identity, issuer } = certificateIdentity(await readFile(opts.certificate, 'utf8'));
    return {
      signer: { kind: 'certificate', keyPath: opts.key, certificatePath: opts.certificate, chainPath: opts.certificateChain },
      policy: { kind: 'identity', identity, issuer, certificateChainPath: opts.certificateChain, offline: true },
      env: { COSIGN_PASSWORD: password },
      secrets,
    };
  }
  if (opts.key) {
    if (!(await exists(opts.key))) throw new Error(`--key ${opts.key}: no such file; give a cosign private key (cosign generate-key-pair makes one)`);
    await mkdir(opts.keysDir, { recursive: true });
    const pub = join(opts.keysDir, 'signer.pub');
    await run(tool('cosign'), ['public-key', '--key', opts.key, '--outfile', pub], { env: { ...env, COSIGN_PASSWORD: password }, secrets }).catch(
      (err: Error) => {
        throw new Error(`could not read the signing key ${opts.key} (is COSIGN_PASSWORD right?): ${err.message}`);
      },
    );
    return { signer: { kind: 'key', keyPath: opts.key }, policy: { kind: 'key', publicKeyPath: pub }, env: { COSIGN_PASSWORD: password }, secrets };
  }
  const { key, pub } = await ensureDefaultKeyPair(opts.keysDir);
  return { signer: { kind: 'key', keyPath: key }, policy: { kind: 'key', publicKeyPath: pub }, env: { COSIGN_PASSWORD: '' }, secrets };
}
