// The pipeline CLI's argument lists, written from typed values with the flag names the command line
// declares (./command-line.ts): the Dagger module runs `node pipeline/dist/cli.mjs <these>` in its
// toolbox, the release summary prints the verify command with them, and the tests run the very same
// lists with the same compiled CLI on the host. Secrets never appear here: they travel as
// environment variables and mounted files. Pure.
import type { CommitFacts } from './chart-package.js';
import { flag } from './command-line.js';
import type { Policy } from './cosign-args.js';
import { formatDigestReference, type DigestReference } from './reference.js';
import type { AttestSigner, SigningMode } from './signing-mode.js';

/** The commit's facts, where the source carries no .git (a shallow CI checkout), and the source URL. */
export function commitArgs(commit: CommitFacts | undefined, sourceUrl?: string): string[] {
  return [
    ...(commit
      ? [
          ...flag('revision', commit.revision),
          ...flag('commit-time', commit.commitTime),
          ...flag('commit-count', commit.commitCount),
          ...flag('git-tag', commit.tag),
        ]
      : []),
    ...flag('source-url', sourceUrl),
  ];
}

export function signingArgs(mode: SigningMode): string[] {
  switch (mode.kind) {
    case 'embedded-key':
      return [];
    case 'key':
      return flag('key', mode.keyPath);
    case 'certificate':
      return [...flag('key', mode.keyPath), ...flag('certificate', mode.certificatePath), ...flag('certificate-chain', mode.chainPath)];
    case 'keyless':
      return [
        ...flag('keyless', true),
        ...flag('certificate-identity', mode.identity),
        ...flag('certificate-oidc-issuer', mode.issuer),
        ...flag('trusted-root', mode.sigstore?.trustedRootPath),
        ...flag('fulcio-url', mode.sigstore?.fulcioUrl),
        ...flag('rekor-url', mode.sigstore?.rekorUrl),
        ...flag('timestamp-url', mode.timestampUrl),
      ];
    case 'local-sigstore':
      return flag('sigstore', 'local');
  }
}

/** Who may have signed, as `verify` and `reproduce` take it. */
export function policyArgs(policy: Policy): string[] {
  if (policy.kind === 'key') return flag('key', policy.publicKeyPath);
  return [
    ...('exact' in policy.identity ? flag('certificate-identity', policy.identity.exact) : flag('certificate-identity-regexp', policy.identity.regexp)),
    ...flag('certificate-oidc-issuer', policy.issuer),
    ...flag('certificate-github-workflow-repository', policy.workflow?.repository),
    ...flag('certificate-github-workflow-trigger', policy.workflow?.trigger),
    // One trust material: a Sigstore trusted root, else a private CA's chain or roots.
    ...(policy.trustedRootPath
      ? flag('trusted-root', policy.trustedRootPath)
      : [...flag('certificate-chain', policy.certificateChainPath), ...flag('ca-roots', policy.caRootsPath)]),
  ];
}

/** Where to publish. */
export interface Target {
  registry: string;
  plainHttp: boolean;
}

const targetArgs = (t: Target) => [...flag('registry', t.registry), ...flag('plain-http', t.plainHttp)];

/** What the image is built from: a base image by digest, and the commit. */
export interface BuildInputs {
  baseImage?: string;
  commit?: CommitFacts;
  sourceUrl?: string;
}

const buildArgs = (b: BuildInputs) => [...flag('base-image', b.baseImage), ...commitArgs(b.commit, b.sourceUrl)];

export function imageArgs(o: BuildInputs & { output: string }): string[] {
  return ['image', ...buildArgs(o), ...flag('output', o.output), ...flag('json', true)];
}

export function chartPackageArgs(o: { image: DigestReference; output: string; commit?: CommitFacts; sourceUrl?: string }): string[] {
  return [
    'chart-package',
    ...flag('image', formatDigestReference(o.image)),
    ...commitArgs(o.commit, o.sourceUrl),
    ...flag('output', o.output),
    ...flag('json', true),
  ];
}

export function publishArgs(o: Target & BuildInputs & { skipTests: boolean }): string[] {
  return ['publish', ...targetArgs(o), ...buildArgs(o), ...flag('skip-tests', o.skipTests), ...flag('json', true)];
}

export function signArgs(o: { refs: readonly DigestReference[]; signing: SigningMode; plainHttp: boolean }): string[] {
  return ['sign', ...signingArgs(o.signing), ...flag('plain-http', o.plainHttp), ...o.refs.map(formatDigestReference), ...flag('json', true)];
}

/** How `verify --attest` is told who signs the summaries (the embedded key is its default). */
function attestArgs(a: AttestSigner | undefined): string[] {
  if (!a) return [];
  switch (a.kind) {
    case 'embedded-key':
      return flag('attest', true);
    case 'key':
      return [...flag('attest', true), ...flag('attest-key', a.keyPath)];
    case 'keyless':
      return [
        ...flag('attest', true),
        ...flag('attest-keyless', true),
        ...flag('fulcio-url', a.fulcioUrl),
        ...flag('rekor-url', a.rekorUrl),
        ...flag('timestamp-url', a.timestampUrl),
      ];
  }
}

export function verifyArgs(o: { chart: DigestReference; policy: Policy; plainHttp: boolean; attest?: AttestSigner }): string[] {
  return ['verify', formatDigestReference(o.chart), ...policyArgs(o.policy), ...flag('plain-http', o.plainHttp), ...attestArgs(o.attest)];
}

export function releaseArgs(o: Target & BuildInputs & { signing: SigningMode; skipTests: boolean }): string[] {
  return ['release', ...targetArgs(o), ...signingArgs(o.signing), ...buildArgs(o), ...flag('skip-tests', o.skipTests), ...flag('json', true)];
}
