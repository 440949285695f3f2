// The pipeline CLI's argument lists for the Dagger module's functions. The module runs
// `node pipeline/dist/cli.mjs <these>` in its toolbox; the tests run the very same lists with the
// same compiled CLI on the host, against a real registry. Secrets never appear here: they travel as
// environment variables and mounted files. Pure.
import { formatDigestReference, type DigestReference } from './reference.js';
import { PipelineError } from './errors.js';

/** The commit's facts, where the source carries no .git (a shallow CI checkout). */
export interface GitFactArgs {
  revision?: string;
  commitTime?: number;
  commitCount?: number;
  gitTag?: string;
  sourceUrl?: string;
}

export function gitArgs(g: GitFactArgs): string[] {
  const given = [g.revision, g.commitTime, g.commitCount].filter((x) => x !== undefined && x !== '').length;
  if (given !== 0 && given !== 3) throw new PipelineError('usage', 'give --revision, --commit-time and --commit-count together (or none: they are read from .git)');
  return [
    ...(given === 3 ? ['--revision', g.revision!, '--commit-time', String(g.commitTime), '--commit-count', String(g.commitCount)] : []),
    ...(g.gitTag ? ['--git-tag', g.gitTag] : []),
    ...(g.sourceUrl ? ['--source-url', g.sourceUrl] : []),
  ];
}

/** How the release is signed: a mounted key, keyless (GitHub Actions' OIDC), or a throwaway key. */
export type SigningArgs =
  | { kind: 'key'; keyPath: string }
  | { kind: 'keyless'; identity: string; issuer: string; fulcioUrl?: string; timestampUrl?: string; trustedRootPath?: string }
  | { kind: 'generated' };

function signingArgs(s: SigningArgs): string[] {
  switch (s.kind) {
    case 'key':
      return ['--key', s.keyPath];
    case 'keyless':
      return [
        '--keyless',
        '--certificate-identity',
        s.identity,
        '--certificate-oidc-issuer',
        s.issuer,
        ...(s.fulcioUrl ? ['--fulcio-url', s.fulcioUrl] : []),
        ...(s.timestampUrl ? ['--timestamp-url', s.timestampUrl] : []),
        ...(s.trustedRootPath ? ['--trusted-root', s.trustedRootPath] : []),
      ];
    case 'generated':
      return [];
  }
}

export interface RegistryArgs {
  registry: string;
  plainHttp?: boolean;
}

const registryArgs = (r: RegistryArgs) => ['--registry', r.registry, ...(r.plainHttp ? ['--plain-http'] : [])];

export function imageArgs(o: { baseImage?: string; output: string; git: GitFactArgs }): string[] {
  return ['image', ...(o.baseImage ? ['--base-image', o.baseImage] : []), ...gitArgs(o.git), '--output', o.output, '--json'];
}

export function chartPackageArgs(o: { image: DigestReference; output: string; git: GitFactArgs }): string[] {
  return ['chart-package', '--image', formatDigestReference(o.image), ...gitArgs(o.git), '--output', o.output, '--json'];
}

export function publishArgs(o: RegistryArgs & { baseImage?: string; skipTests?: boolean; git: GitFactArgs }): string[] {
  return [
    'publish',
    ...registryArgs(o),
    ...(o.baseImage ? ['--base-image', o.baseImage] : []),
    ...gitArgs(o.git),
    ...(o.skipTests ? ['--skip-tests'] : []),
    '--json',
  ];
}

export function signArgs(o: { refs: readonly DigestReference[]; signing: SigningArgs; plainHttp?: boolean }): string[] {
  if (o.signing.kind === 'generated') throw new PipelineError('usage', 'sign needs a key or keyless signing');
  return ['sign', ...signingArgs(o.signing), ...(o.plainHttp ? ['--plain-http'] : []), ...o.refs.map(formatDigestReference), '--json'];
}

/** How a release is verified: a public key file, or a keyless identity and issuer. */
export type VerifyPolicyArgs = { kind: 'key'; publicKeyPath: string } | { kind: 'identity'; identity: string; issuer: string };

export function verifyArgs(o: { chart: DigestReference; policy: VerifyPolicyArgs; plainHttp?: boolean }): string[] {
  const policy =
    o.policy.kind === 'key' ? ['--key', o.policy.publicKeyPath] : ['--certificate-identity', o.policy.identity, '--certificate-oidc-issuer', o.policy.issuer];
  return ['verify', formatDigestReference(o.chart), ...policy, ...(o.plainHttp ? ['--plain-http'] : [])];
}

export function releaseArgs(o: RegistryArgs & { signing: SigningArgs; baseImage?: string; skipTests?: boolean; git: GitFactArgs }): string[] {
  return [
    'release',
    ...registryArgs(o),
    ...signingArgs(o.signing),
    ...(o.baseImage ? ['--base-image', o.baseImage] : []),
    ...gitArgs(o.git),
    ...(o.skipTests ? ['--skip-tests'] : []),
    '--json',
  ];
}
