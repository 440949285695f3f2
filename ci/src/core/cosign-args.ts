// cosign argument lists. Signatures are written in the legacy ".sig" format so that the stock
// `cosign verify` of both majors (v2 and v3) accepts them with the same command. Pure.
import { isLoopbackRegistry, parseDigestReference, type RegistryAccess } from './reference.js';

export type { RegistryAccess };

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** How an artifact is signed. Paths name files; secrets never appear in argument lists. */
export type Signer =
  | { kind: 'key'; keyPath: string }
  | { kind: 'certificate'; keyPath: string; certificatePath: string; chainPath: string }
  | { kind: 'keyless'; identityTokenPath?: string; fulcioUrl?: string; rekorUrl?: string };

/** What a verifier accepts. */
export type Policy =
  | { kind: 'key'; publicKeyPath: string }
  | {
      kind: 'identity';
      identity?: string;
      identityRegexp?: string;
      issuer: string;
      /** A private CA (air-gapped, tests): its chain, no transparency log or SCT expected. */
      certificateChainPath?: string;
      caRootsPath?: string;
      /** Public-good Sigstore keyless signatures carry a log entry; private-CA ones do not. */
      offline?: boolean;
    };

function registryFlags(ref: string, access: RegistryAccess): string[] {
  const { registry } = parseDigestReference(ref);
  return access.plainHttp || isLoopbackRegistry(registry) ? ['--allow-http-registry'] : [];
}

/** `cosign sign` for cosign v3, by digest only. The key password goes in COSIGN_PASSWORD. */
export function cosignSignArgs(ref: string, signer: Signer, access: RegistryAccess = {}): string[] {
  parseDigestReference(ref, 'the artifact to sign');
  const common = ['sign', '--yes', '--new-bundle-format=false', ...registryFlags(ref, access)];
  switch (signer.kind) {
    case 'key':
      return [...common, '--key', signer.keyPath, '--tlog-upload=false', '--use-signing-config=false', ref];
    case 'certificate':
      return [
        ...common,
        '--key', signer.keyPath,
        '--certificate', signer.certificatePath,
        '--certificate-chain', signer.chainPath,
        '--tlog-upload=false',
        '--use-signing-config=false',
        ref,
      ];
    case 'keyless':
      return [
        ...common,
        ...(signer.identityTokenPath ? ['--identity-token', signer.identityTokenPath] : []),
        ...(signer.fulcioUrl ? ['--fulcio-url', signer.fulcioUrl] : []),
        ...(signer.rekorUrl ? ['--rekor-url', signer.rekorUrl] : []),
        ref,
      ];
  }
}

/** `cosign verify` (same flags for v2 and v3), by digest only. */
export function cosignVerifyArgs(ref: string, policy: Policy, access: RegistryAccess = {}): string[] {
  parseDigestReference(ref, 'the artifact to verify');
  const common = ['verify', '--output', 'json', ...registryFlags(ref, access)];
  if (policy.kind === 'key') {
    return [...common, '--key', policy.publicKeyPath, '--insecure-ignore-tlog', ref];
  }
  if (!policy.identity === !policy.identityRegexp) {
    throw new Error('give exactly one of --certificate-identity and --certificate-identity-regexp');
  }
  return [
    ...common,
    ...(policy.identity ? ['--certificate-identity', policy.identity] : ['--certificate-identity-regexp', policy.identityRegexp!]),
    '--certificate-oidc-issuer', policy.issuer,
    ...(policy.certificateChainPath ? ['--certificate-chain', policy.certificateChainPath] : []),
    ...(policy.caRootsPath ? ['--ca-roots', policy.caRootsPath] : []),
    ...(policy.offline ? ['--insecure-ignore-sct', '--insecure-ignore-tlog'] : []),
    ref,
  ];
}

/** The command a person pastes to check an artifact: `cosign verify …` with files named as given. */
export function cosignVerifyCommand(ref: string, policy: Policy): string {
  return ['cosign', ...cosignVerifyArgs(ref, policy).filter((a, i, all) => !(a === '--output' || all[i - 1] === '--output'))]
    .map(shellQuote)
    .join(' ');
}

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The GitHub Actions workflow identity of a release: what --certificate-identity must equal. */
export function githubWorkflowIdentity(repository: string, workflowPath: string, ref: string): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new Error(`"${repository}" is not OWNER/REPO`);
  return `https://github.com/${repository}/${workflowPath}@${ref}`;
}
