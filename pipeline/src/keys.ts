// Signing material for the host pipeline: the embedded default key pair (generated once, empty
// password), or the user's key / certificate given by path. Passwords come from COSIGN_PASSWORD.
import { trustedRootNamesLog } from './trusted-root.js';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { x509 } from './x509.js';
import type { Policy } from '@release-pipeline/core/cosign-args.js';
import { exists } from './cache.js';
import type { LocalSigstore } from './sigstore/local-stack.js';
import { messageOf, PipelineError } from '@release-pipeline/core/errors.js';
import { EMBEDDED_KEY, type AttestSigner, type SigningMode } from '@release-pipeline/core/signing-mode.js';
import { cosignGenerateKeyPair, cosignPublicKey, type SignerAccess } from './clients/cosign.js';

/** How a run signs (the signer, with what cosign needs in its environment) and what it verifies against. */
export interface SigningSetup extends SignerAccess {
  policy: Policy;
}

/**
 * Generates .out/keys/cosign.{key,pub} once, with an empty password. Concurrent runs sharing the
 * folder generate one pair between them: the first takes a lock (an atomic mkdir), writes the pair
 * aside and renames it in, key first; the others wait until both files are there.
 */
export async function ensureDefaultKeyPair(dir: string): Promise<{ key: string; pub: string }> {
  const key = join(dir, EMBEDDED_KEY.key);
  const pub = join(dir, EMBEDDED_KEY.pub);
  const ready = async () => (await exists(key)) && (await exists(pub));
  if (await ready()) return { key, pub };
  await mkdir(dir, { recursive: true });
  const lock = join(dir, '.generating');
  const mine = await mkdir(lock).then(
    () => true,
    () => false,
  );
  if (!mine) {
    for (let i = 0; i < 600 && !(await ready()); i++) await sleep(50);
    if (await ready()) return { key, pub };
    throw new PipelineError('environment', `another run holds ${lock} and made no key pair; remove that folder if no run is going on`);
  }
  try {
    const aside = join(lock, 'cosign');
    await cosignGenerateKeyPair(aside, '');
    await rename(`${aside}.key`, key);
    await rename(`${aside}.pub`, pub);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return { key, pub };
}

/** Fulcio's OIDC issuer extensions: .1.8 holds a DER UTF8String, the older .1.1 the raw string. */
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

/** The OIDC issuer a Fulcio-style certificate names. */
function certificateIssuer(cert: x509.X509Certificate): string | undefined {
  const v2 = cert.getExtension(OID_ISSUER_V2);
  if (v2) {
    const decoded = asn1js.fromBER(v2.value);
    if (decoded.offset !== -1 && decoded.result instanceof asn1js.Utf8String) return decoded.result.getValue();
  }
  const v1 = cert.getExtension(OID_ISSUER_V1);
  return v1 ? Buffer.from(v1.value).toString('utf8') : undefined;
}

/** The identity (URI or email SAN) and OIDC issuer a Fulcio-style certificate carries. */
export function certificateIdentity(pem: string): { identity: string; issuer: string; notAfter: Date } {
  const cert = new x509.X509Certificate(pem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const identity = names.find((n) => n.type === 'url')?.value ?? names.find((n) => n.type === 'email')?.value;
  const issuer = certificateIssuer(cert);
  if (!identity || !issuer)
    throw new PipelineError(
      'input',
      'the certificate carries no signer identity (SAN) or OIDC issuer extension; it is not a keyless-style signing certificate',
    );
  return { identity, issuer, notAfter: cert.notAfter };
}

/** The signing modes a run sets up from what it is given (the local Sigstore is started by the run: see localKeylessSetup). */
export type GivenSigning = Exclude<SigningMode, { kind: 'local-sigstore' }>;

/**
 * Signing keylessly with GitHub Actions' OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, the
 * token a secret), as a release signs and as verify --attest signs its summaries: through
 * public-good Sigstore, or a Sigstore of one's own (its trusted root checked first; its Fulcio; its
 * Rekor, without which nothing is logged).
 */
export async function keylessSigner(
  env: NodeJS.ProcessEnv,
  own: { trustedRootPath: string; fulcioUrl?: string; rekorUrl?: string } | undefined,
  timestampUrl?: string,
): Promise<SignerAccess> {
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !token)
    throw new PipelineError(
      'input',
      'keyless signing needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions with permissions: id-token: write)',
    );
  if (own && !(await exists(own.trustedRootPath))) throw new PipelineError('input', `--trusted-root ${own.trustedRootPath}: no such file`);
  // Verifiers expect a log entry where the trusted root names a log (./trusted-root.ts): sign into it.
  if (own && !own.rekorUrl && (await trustedRootNamesLog(own.trustedRootPath)))
    throw new PipelineError(
      'input',
      `--trusted-root ${own.trustedRootPath} names a transparency log: give its URL with --rekor-url, so that signatures are logged where verifiers look`,
    );
  return {
    signer: { kind: 'keyless', fulcioUrl: own?.fulcioUrl, rekorUrl: own?.rekorUrl, timestampUrl, noTlog: own !== undefined && own.rekorUrl === undefined },
    env: {},
    secrets: [token],
  };
}

/**
 * Who signs verification summaries keylessly: the Actions token, as the release signed, through the
 * Sigstore whose trusted root the verify policy names (else public-good Sigstore).
 */
export function summaryKeylessSigner(env: NodeJS.ProcessEnv, signer: Extract<AttestSigner, { kind: 'keyless' }>, verifier: Policy): Promise<SignerAccess> {
  const trustedRootPath = verifier.kind === 'identity' ? verifier.trustedRootPath : undefined;
  return keylessSigner(env, trustedRootPath ? { trustedRootPath, fulcioUrl: signer.fulcioUrl, rekorUrl: signer.rekorUrl } : undefined, signer.timestampUrl);
}

/** What cosign signs with and what it verifies against, for a mode; every file and password checked first. */
export async function signingSetup(mode: GivenSigning, keysDir: string, env: NodeJS.ProcessEnv = process.env): Promise<SigningSetup> {
  const password = env.COSIGN_PASSWORD ?? '';
  const secrets = password ? [password] : [];
  switch (mode.kind) {
    case 'keyless': {
      const own = mode.sigstore;
      const signing = await keylessSigner(env, own, mode.timestampUrl);
      // A Sigstore of one's own without a transparency log: the trusted root and a timestamp stand in.
      const unlogged = own !== undefined && own.rekorUrl === undefined;
      return {
        ...signing,
        policy: { kind: 'identity', identity: { exact: mode.identity }, issuer: mode.issuer, trustedRootPath: own?.trustedRootPath, offline: unlogged },
      };
    }
    case 'certificate': {
      const { identity, issuer } = certificateIdentity(await readFile(mode.certificatePath, 'utf8'));
      return {
        signer: { kind: 'certificate', keyPath: mode.keyPath, certificatePath: mode.certificatePath, chainPath: mode.chainPath },
        policy: { kind: 'identity', identity: { exact: identity }, issuer, certificateChainPath: mode.chainPath, offline: true },
        env: { COSIGN_PASSWORD: password },
        secrets,
      };
    }
    case 'key': {
      const key = mode.keyPath;
      if (!(await exists(key))) throw new PipelineError('input', `--key ${key}: no such file; give a cosign private key (cosign generate-key-pair makes one)`);
      await mkdir(keysDir, { recursive: true });
      const pub = join(keysDir, 'signer.pub');
      await cosignPublicKey(key, pub, { ...env, COSIGN_PASSWORD: password }, secrets).catch((err: unknown) => {
        throw new PipelineError('signing', `could not read the signing key ${key} (is COSIGN_PASSWORD right?): ${messageOf(err)}`, { cause: err });
      });
      return { signer: { kind: 'key', keyPath: key }, policy: { kind: 'key', publicKeyPath: pub }, env: { COSIGN_PASSWORD: password }, secrets };
    }
    case 'embedded-key': {
      const { key, pub } = await ensureDefaultKeyPair(keysDir);
      return { signer: { kind: 'key', keyPath: key }, policy: { kind: 'key', publicKeyPath: pub }, env: { COSIGN_PASSWORD: '' }, secrets };
    }
  }
}

/** Keyless signing through the local Sigstore services, verified as `identity` against their trust material. */
export function localKeylessSetup(stack: LocalSigstore, identity: string, workflow: { repository: string; trigger: string }): SigningSetup {
  return {
    signer: { kind: 'keyless', fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl, timestampUrl: stack.timestampUrl },
    policy: {
      kind: 'identity',
      identity: { exact: identity },
      issuer: stack.issuer,
      workflow,
      trustedRootPath: stack.trustedRoot,
      trustParts: {
        fulcioChainPath: stack.material.fulcioChain,
        rekorPublicKeyPath: stack.material.rekorPublicKey,
        ctLogPublicKeyPath: stack.material.ctLogPublicKey,
      },
    },
    env: stack.env,
    secrets: [stack.requestToken],
  };
}
