// The release summary: what was published, where, how it was signed, and how to check it. The host
// pipeline writes it to .out/release.json; the Dagger module's `release` returns the same shape.
import { cosignVerifyCommand, type Policy } from './cosign-args.js';
import { formatDigestReference, repositoryOf, type DigestReference } from './reference.js';

export interface ArtifactSummary {
  repository: string;
  digest: string;
  /** repository@digest: the only way this artifact is referred to. */
  ref: string;
}

export interface ReleaseSummary {
  schema: 'signed-release-pipeline/release/v1';
  version: string;
  revision: string;
  source: string;
  image: ArtifactSummary & { platforms: string[]; manifests: PlatformManifest[]; base: string };
  chart: ArtifactSummary & { name: string; version: string };
  signing:
    | { kind: 'key'; publicKey: string }
    | { kind: 'identity'; identity: string; issuer: string; certificateChain?: string }
    | { kind: 'keyless'; identity: string; issuer: string; trustedRoot?: string; certificateChain?: string; timestampChain?: string };
  /** Paste-ready commands; `cosignV2` where cosign v2 needs other trust flags than v3. */
  verify: { image: string; chart: string; release: string; cosignV2?: { image: string; chart: string } };
}

/** A platform's own manifest in the image index: signed too, since nodes may resolve it. */
export interface PlatformManifest {
  platform: string;
  digest: string;
}

export interface SummaryInput {
  version: string;
  revision: string;
  source: string;
  image: { ref: DigestReference; platforms: string[]; manifests: PlatformManifest[]; base: DigestReference };
  chart: { ref: DigestReference; name: string; version: string };
  policy: Policy;
}

function artifact(ref: DigestReference): ArtifactSummary {
  return { repository: repositoryOf(ref), digest: ref.digest, ref: formatDigestReference(ref) };
}

export function releaseSummary(input: SummaryInput): ReleaseSummary {
  const image = artifact(input.image.ref);
  const chart = artifact(input.chart.ref);
  const p = input.policy;
  const signing: ReleaseSummary['signing'] =
    p.kind === 'key'
      ? { kind: 'key', publicKey: p.publicKeyPath }
      : p.certificateChainPath && !p.trustedRootPath
        ? { kind: 'identity', identity: p.identity ?? p.identityRegexp ?? '', issuer: p.issuer, certificateChain: p.certificateChainPath }
        : {
            kind: 'keyless',
            identity: p.identity ?? p.identityRegexp ?? '',
            issuer: p.issuer,
            ...(p.trustedRootPath ? { trustedRoot: p.trustedRootPath } : {}),
            ...(p.certificateChainPath ? { certificateChain: p.certificateChainPath } : {}),
            ...(p.timestampChainPath ? { timestampChain: p.timestampChainPath } : {}),
          };
  const policyFlags =
    p.kind === 'key'
      ? `--key ${p.publicKeyPath}`
      : `--certificate-identity ${p.identity ?? ''} --certificate-oidc-issuer ${p.issuer}` +
        (p.trustedRootPath ? ` --trusted-root ${p.trustedRootPath}` : p.certificateChainPath ? ` --certificate-chain ${p.certificateChainPath}` : '');
  const v2Differs = p.kind === 'identity' && Boolean(p.trustedRootPath);
  return {
    schema: 'signed-release-pipeline/release/v1',
    version: input.version,
    revision: input.revision,
    source: input.source,
    image: { ...image, platforms: input.image.platforms, manifests: input.image.manifests, base: formatDigestReference(input.image.base) },
    chart: { ...chart, name: input.chart.name, version: input.chart.version },
    signing,
    verify: {
      image: cosignVerifyCommand(input.image.ref, p),
      chart: cosignVerifyCommand(input.chart.ref, p),
      release: `npm run verify -- ${chart.ref} ${policyFlags}`,
      ...(v2Differs ? { cosignV2: { image: cosignVerifyCommand(input.image.ref, p, 'v2'), chart: cosignVerifyCommand(input.chart.ref, p, 'v2') } } : {}),
    },
  };
}

/** The human summary: both references and the commands to check them. */
export function formatSummary(s: ReleaseSummary): string {
  return [
    `release ${s.version} (${s.revision.slice(0, 12)})`,
    `  image  ${s.image.ref}  [${s.image.platforms.join(', ')}]`,
    `  chart  ${s.chart.ref}  (${s.chart.name} ${s.chart.version})`,
    `  signed ${s.signing.kind === 'key' ? `with key ${s.signing.publicKey}` : `as ${s.signing.identity} (${s.signing.issuer})`}`,
    '',
    s.verify.cosignV2 ? 'verify with the stock cosign v3:' : 'verify with the stock cosign (v2 or v3):',
    `  ${s.verify.image}`,
    `  ${s.verify.chart}`,
    ...(s.verify.cosignV2 ? ['or with cosign v2:', `  ${s.verify.cosignV2.image}`, `  ${s.verify.cosignV2.chart}`] : []),
    'or the whole release from its chart:',
    `  ${s.verify.release}`,
  ].join('\n');
}
