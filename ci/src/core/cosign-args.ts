// cosign argument lists. Signatures are written in the legacy ".sig" format so that the stock
// `cosign verify` of both majors (v2 and v3) accepts them with the same command. Pure.
import { formatDigestReference, isLoopbackRegistry, type DigestReference, type RegistryAccess } from './reference.js';
import { PipelineError } from './errors.js';

export type { RegistryAccess };

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** How an artifact is signed. Paths name files; secrets never appear in argument lists. */
export type Signer =
  | { kind: 'key'; keyPath: string }
  | {
      kind: 'certificate';
      keyPath: string;
      certificatePath: string;
      chainPath: string;
      /** An RFC 3161 timestamp authority: the signature stays verifiable after the certificate expires. */
      timestampUrl?: string;
    }
  | {
      kind: 'keyless';
      identityTokenPath?: string;
      fulcioUrl?: string;
      rekorUrl?: string;
      /** An RFC 3161 timestamp authority: the signature stays verifiable after the certificate expires. */
      timestampUrl?: string;
      /** No transparency log to write to (a local Sigstore stack). */
      noTlog?: boolean;
    };

/** The certificate identity a verifier accepts: exactly this one, or any matching an RE2 pattern. */
export type IdentityMatch = { exact: string } | { regexp: string };

/** The identity as people read it: the exact one, or the pattern. */
export const identityText = (m: IdentityMatch): string => ('exact' in m ? m.exact : m.regexp);

/**
 * A trusted root's parts as PEM files, for cosign v2, which reads a trusted root for signatures but
 * not for legacy-format attestations ("trusted root path currently only supported with
 * --new-bundle-format"): Fulcio's chain as --certificate-chain, the logs' keys in its environment.
 */
export interface TrustParts {
  fulcioChainPath: string;
  rekorPublicKeyPath: string;
  ctLogPublicKeyPath: string;
}

/** What a verifier accepts. */
export type Policy =
  | { kind: 'key'; publicKeyPath: string }
  | {
      kind: 'identity';
      identity: IdentityMatch;
      issuer: string;
      /** A private CA (air-gapped, tests): its chain, no transparency log or SCT expected. */
      certificateChainPath?: string;
      caRootsPath?: string;
      /** A Sigstore trusted root: the Fulcio, timestamp authorities and logs to trust. */
      trustedRootPath?: string;
      /** The same trust as separate files, for cosign v2's commands. */
      trustParts?: TrustParts;
      /** The timestamp authority's chain (cosign v2, with certificateChainPath for Fulcio's). */
      timestampChainPath?: string;
      /** Public-good Sigstore keyless signatures carry a log entry; private-CA ones do not. */
      offline?: boolean;
      /**
       * The GitHub workflow run the certificate must record (Fulcio's extensions): the repository it
       * ran in and the event that started it. The identity alone names the workflow file, which a
       * `workflow_call` from another repository also carries.
       */
      workflow?: { repository: string; trigger: string };
    };

/** Which cosign major a verify command is written for, where they differ (trust material). */
export type CosignMajor = 'v3' | 'v2';

function registryFlags(ref: DigestReference, access: RegistryAccess): string[] {
  return access.plainHttp || isLoopbackRegistry(ref.registry) ? ['--allow-http-registry'] : [];
}

/**
 * cosign v3 signs in the legacy `.sig` format only with the signing config turned off
 * (`--new-bundle-format=false` alone is refused); where there is no config, the URLs and the log
 * are given explicitly.
 */
const LEGACY_FORMAT = ['--new-bundle-format=false', '--use-signing-config=false'];

/** How the signer is named to `cosign sign` and `cosign attest` (v3). */
function signerFlags(signer: Signer, timestamps = true): string[] {
  switch (signer.kind) {
    case 'key':
      return ['--key', signer.keyPath, '--tlog-upload=false'];
    case 'certificate':
      return [
        '--key',
        signer.keyPath,
        '--certificate',
        signer.certificatePath,
        '--certificate-chain',
        signer.chainPath,
        ...(signer.timestampUrl && timestamps ? ['--timestamp-server-url', signer.timestampUrl] : []),
        '--tlog-upload=false',
      ];
    case 'keyless':
      return [
        ...(signer.identityTokenPath ? ['--identity-token', signer.identityTokenPath] : []),
        ...(signer.fulcioUrl ? ['--fulcio-url', signer.fulcioUrl] : []),
        ...(signer.rekorUrl ? ['--rekor-url', signer.rekorUrl] : []),
        ...(signer.timestampUrl && timestamps ? ['--timestamp-server-url', signer.timestampUrl] : []),
        ...(signer.noTlog ? ['--tlog-upload=false'] : []),
      ];
  }
}

/** `cosign sign` for cosign v3, by digest only. The key password goes in COSIGN_PASSWORD. */
export function cosignSignArgs(ref: DigestReference, signer: Signer, access: RegistryAccess = {}): string[] {
  return ['sign', '--yes', ...LEGACY_FORMAT, ...registryFlags(ref, access), ...signerFlags(signer), formatDigestReference(ref)];
}

/**
 * The predicate types attached to a release, as cosign names them: SLSA provenance v1, an SPDX
 * SBOM, and a SLSA verification summary (given by its URI: cosign has no short name for it).
 */
export const PredicateType = {
  provenance: 'slsaprovenance1',
  sbom: 'spdxjson',
  vsa: 'https://slsa.dev/verification_summary/v1',
} as const;
export type PredicateType = (typeof PredicateType)[keyof typeof PredicateType];

/**
 * `cosign attest` for cosign v3, by digest only: the predicate wrapped in an in-toto statement whose
 * subject is `ref`, signed as a DSSE envelope and stored in the legacy `.att` format, which cosign
 * v2 and v3 both read (the v3 bundle format is invisible to v2).
 *
 * Without an RFC 3161 timestamp: cosign v3.1.3 stamps a legacy attestation over other bytes than its
 * verifiers check (v3: "expected at least one verified timestamp" with --use-signed-timestamps; v2:
 * "hashed messages don't match" whenever one is present; found here against the real TSA). Keyless
 * attestations are dated by the transparency log in Actions; with a Sigstore of one's own and no
 * log, they verify while the signing certificate is valid. Signatures keep their timestamps.
 */
export function cosignAttestArgs(
  ref: DigestReference,
  signer: Signer,
  predicatePath: string,
  type: PredicateType,
  access: RegistryAccess = {},
  /** Drop the artifact's attestations of this type first: one current one (cosign's `--replace`). */
  replace = false,
): string[] {
  return [
    'attest',
    '--yes',
    ...LEGACY_FORMAT,
    ...registryFlags(ref, access),
    ...signerFlags(signer, false),
    '--type',
    type,
    ...(replace ? ['--replace'] : []),
    '--predicate',
    predicatePath,
    formatDigestReference(ref),
  ];
}

/** Who may have signed, as `cosign verify` and `verify-attestation` take it (the trust material per major). */
function policyFlags(policy: Policy, major: CosignMajor, timestamps = true): string[] {
  if (policy.kind === 'key') return ['--key', policy.publicKeyPath, '--insecure-ignore-tlog'];
  const trust =
    major === 'v2' && policy.trustParts
      ? ['--certificate-chain', policy.trustParts.fulcioChainPath]
      : policy.trustedRootPath
        ? ['--trusted-root', policy.trustedRootPath]
        : [
            ...(policy.certificateChainPath ? ['--certificate-chain', policy.certificateChainPath] : []),
            ...(policy.caRootsPath ? ['--ca-roots', policy.caRootsPath] : []),
            ...(policy.timestampChainPath && timestamps ? ['--timestamp-certificate-chain', policy.timestampChainPath] : []),
          ];
  return [
    ...('exact' in policy.identity ? ['--certificate-identity', policy.identity.exact] : ['--certificate-identity-regexp', policy.identity.regexp]),
    '--certificate-oidc-issuer',
    policy.issuer,
    ...(policy.workflow
      ? ['--certificate-github-workflow-repository', policy.workflow.repository, '--certificate-github-workflow-trigger', policy.workflow.trigger]
      : []),
    ...trust,
    // No transparency log but a timestamp authority in the trust material: verify its RFC 3161
    // timestamps, so a signature stays verifiable after its short-lived certificate expires (cosign
    // checks them only if asked). With a log, its entry's time does that, as in public-good Sigstore.
    ...(policy.offline && (policy.trustedRootPath || policy.timestampChainPath) && timestamps ? ['--use-signed-timestamps'] : []),
    ...(policy.offline ? ['--insecure-ignore-sct', '--insecure-ignore-tlog'] : []),
  ];
}

/**
 * `cosign verify`, by digest only. The same flags serve v2 and v3, but for trust material: v3 takes
 * a trusted root; v2 takes the certificate and timestamp chains.
 */
export function cosignVerifyArgs(ref: DigestReference, policy: Policy, access: RegistryAccess = {}, major: CosignMajor = 'v3'): string[] {
  return ['verify', '--output', 'json', ...registryFlags(ref, access), ...policyFlags(policy, major), formatDigestReference(ref)];
}

/**
 * `cosign verify-attestation --type T`, by digest only, optionally with a Rego or CUE policy file
 * that cosign evaluates against each statement. Prints one DSSE envelope (JSON) per line.
 * Attestations carry no signed timestamp (see cosignAttestArgs), so none is asked for.
 */
export function cosignVerifyAttestationArgs(
  ref: DigestReference,
  policy: Policy,
  type: PredicateType,
  access: RegistryAccess = {},
  major: CosignMajor = 'v3',
  policyFile?: string,
): string[] {
  return [
    'verify-attestation',
    '--type',
    type,
    ...(policyFile ? ['--policy', policyFile] : []),
    ...registryFlags(ref, access),
    ...policyFlags(policy, major, false),
    formatDigestReference(ref),
  ];
}

/** What cosign must find in its environment for `policy` (v2 with trust parts: the logs' keys). */
export function cosignVerifyEnv(policy: Policy, major: CosignMajor = 'v3'): Record<string, string> {
  if (major !== 'v2' || policy.kind !== 'identity' || !policy.trustParts) return {};
  return { SIGSTORE_REKOR_PUBLIC_KEY: policy.trustParts.rekorPublicKeyPath, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: policy.trustParts.ctLogPublicKeyPath };
}

/** The command a person pastes to check an artifact: `cosign verify …` with files named as given. */
export function cosignVerifyCommand(ref: DigestReference, policy: Policy, major: CosignMajor = 'v3'): string {
  return pasteable(
    cosignVerifyArgs(ref, policy, {}, major).filter((a, i, all) => !(a === '--output' || all[i - 1] === '--output')),
    cosignVerifyEnv(policy, major),
  );
}

/** The command a person pastes to check an attestation: `cosign verify-attestation --type T …`. */
export function cosignVerifyAttestationCommand(
  ref: DigestReference,
  policy: Policy,
  type: PredicateType,
  major: CosignMajor = 'v3',
  policyFile?: string,
): string {
  return pasteable(cosignVerifyAttestationArgs(ref, policy, type, {}, major, policyFile), cosignVerifyEnv(policy, major));
}

function pasteable(args: readonly string[], env: Record<string, string> = {}): string {
  return [...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`), ...['cosign', ...args].map(shellQuote)].join(' ');
}

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The GitHub Actions workflow identity of a release: what --certificate-identity must equal. */
export function githubWorkflowIdentity(repository: string, workflowPath: string, ref: string): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new PipelineError('input', `"${repository}" is not OWNER/REPO`);
  return `https://github.com/${repository}/${workflowPath}@${ref}`;
}

/** `cosign generate-key-pair`: PREFIX.key (its password in COSIGN_PASSWORD) and PREFIX.pub. */
export const cosignGenerateKeyPairArgs = (prefix: string): string[] => ['generate-key-pair', '--output-key-prefix', prefix];

/** `cosign public-key`: the public key of a private key, written to `out`. */
export const cosignPublicKeyArgs = (key: string, out: string): string[] => ['public-key', '--key', key, '--outfile', out];

/** The services a trusted root names: each with its certificate chain (CAs) or public key (logs). */
export interface TrustedServices {
  fulcio: { url: string; chain: string };
  tsa: { url: string; chain: string };
  /** A transparency log (Rekor v1) and the time its key took effect (RFC 3339). */
  rekor?: { url: string; publicKey: string; startTime: string };
  /** A certificate transparency log, whose SCTs Fulcio's certificates embed. */
  ctLog?: { url: string; publicKey: string; startTime: string };
}

/**
 * `cosign trusted-root create`: the trust material of a Sigstore of one's own. A log's entry takes
 * no `origin=`: that would change its key id away from the one its SCTs and entries carry.
 */
export function cosignTrustedRootArgs(out: string, services: TrustedServices): string[] {
  const { fulcio, tsa, rekor, ctLog } = services;
  const log = (flag: string, l: { url: string; publicKey: string; startTime: string }) =>
    `--${flag}=url=${l.url},public-key=${l.publicKey},start-time=${l.startTime}`;
  return [
    'trusted-root',
    'create',
    `--fulcio=url=${fulcio.url},certificate-chain=${fulcio.chain}`,
    `--tsa=url=${tsa.url},certificate-chain=${tsa.chain}`,
    ...(rekor ? [log('rekor', rekor)] : []),
    ...(ctLog ? [log('ctfe', ctLog)] : []),
    '--out',
    out,
  ];
}
