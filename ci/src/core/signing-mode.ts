// How a release is signed: one of five modes, each with exactly the inputs it needs. Parsed once
// from the command line (pipeline/src/command-line.ts) or the Dagger function's arguments
// (ci/src/index.ts); nothing downstream checks the combination again. Pure.

/** A Sigstore of one's own instead of the public one: its trust material, and where to reach it. */
export interface OwnSigstore {
  /** The trusted root (cosign trusted-root create) naming its Fulcio and timestamp authority. */
  trustedRootPath: string;
  fulcioUrl?: string;
  timestampUrl?: string;
}

export type SigningMode =
  /** The embedded key pair in .out/keys (made on first use, empty password): local runs. */
  | { kind: 'embedded-key' }
  /** A cosign private key; its password in COSIGN_PASSWORD. */
  | { kind: 'key'; keyPath: string }
  /** A key with its signing certificate and chain from a private CA (keyless-style, offline). */
  | { kind: 'certificate'; keyPath: string; certificatePath: string; chainPath: string }
  /** Keyless with GitHub Actions' OIDC token, the certificate naming this identity and issuer. */
  | { kind: 'keyless'; identity: string; issuer: string; sigstore?: OwnSigstore }
  /** Keyless through Sigstore services started for the run (an Actions-shaped issuer, Fulcio, a TSA). */
  | { kind: 'local-sigstore' };

export type SigningKind = SigningMode['kind'];

/** The modes that need Sigstore services of their own, started by the run. */
export const startsSigstore = (mode: SigningMode): boolean => mode.kind === 'local-sigstore';
