// How a release is signed: one of five modes, each with exactly the inputs it needs. Parsed once
// from the command line (pipeline/src/command-line.ts) or the Dagger function's arguments
// (ci/src/index.ts); nothing downstream checks the combination again. Pure.

/** A Sigstore of one's own instead of the public one: its trust material, and its Fulcio. */
export interface OwnSigstore {
  /** The trusted root (cosign trusted-root create) naming its Fulcio, timestamp authority and logs. */
  trustedRootPath: string;
  fulcioUrl?: string;
  /** Its transparency log (Rekor v1): signatures and attestations are logged there; without one, none are. */
  rekorUrl?: string;
}

export type SigningMode =
  /** The embedded key pair in .out/keys (made on first use, empty password): local runs. */
  | { kind: 'embedded-key' }
  /** A cosign private key; its password in COSIGN_PASSWORD. */
  | { kind: 'key'; keyPath: string }
  /** A key with its signing certificate and chain from a private CA (keyless-style, offline). */
  | { kind: 'certificate'; keyPath: string; certificatePath: string; chainPath: string }
  /**
   * Keyless with GitHub Actions' OIDC token, the certificate naming this identity and issuer; an
   * RFC 3161 timestamp authority keeps the signature verifiable after the certificate expires.
   */
  | { kind: 'keyless'; identity: string; issuer: string; timestampUrl?: string; sigstore?: OwnSigstore }
  /** Keyless through Sigstore services started for the run (an Actions-shaped issuer, Fulcio, a TSA). */
  | { kind: 'local-sigstore' };

/** The embedded key pair's file names (in .out/keys, and in the module's output folder). */
export const EMBEDDED_KEY = { key: 'cosign.key', pub: 'cosign.pub' } as const;

/** The modes that need Sigstore services of their own, started by the run (in a network of its own). */
export const startsSigstore = (mode: SigningMode): boolean => mode.kind === 'local-sigstore';

/**
 * Who signs verification summaries (`verify --attest`): a key given, the embedded one (made when
 * missing), or keyless with GitHub Actions' OIDC token, as a release signs: through public-good
 * Sigstore or the Sigstore of the verify policy's trusted root (its Fulcio and Rekor), with a
 * timestamp authority if given.
 */
export type AttestSigner =
  | { kind: 'key'; keyPath: string }
  | { kind: 'embedded-key'; keyPath: string }
  | { kind: 'keyless'; fulcioUrl?: string; rekorUrl?: string; timestampUrl?: string };
