// The release summary: what was published, where, how it was signed, and how to check it. The host
// pipeline writes it to .out/release.json; the Dagger module's `release` returns the same shape.
import { flag } from './command-line.js';
import { cosignVerifyAttestationCommand, cosignVerifyCommand, identityText, PredicateType, type Policy } from './cosign-args.js';
import { policyArgs } from './step-args.js';
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
    | { kind: 'keyless'; identity: string; issuer: string; trustedRoot?: string };
  /** What is attested: SLSA provenance (image and chart) and the image's SPDX SBOM. */
  attestations?: { provenancePolicy: string; sbom: { packages: number; files: number } };
  /** Paste-ready commands; `cosignV2` where cosign v2 needs other trust flags than v3. */
  verify: {
    image: string;
    chart: string;
    release: string;
    provenance?: { image: string; chart: string };
    sbom?: string;
    cosignV2?: { image: string; chart: string; provenance?: { image: string; chart: string }; sbom?: string };
  };
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
  attestations?: { provenancePolicy: string; sbom: { packages: number; files: number } };
  /** Built with uncommitted changes: verify must be told to accept that. */
  dirty?: boolean;
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
        ? { kind: 'identity', identity: identityText(p.identity), issuer: p.issuer, certificateChain: p.certificateChainPath }
        : { kind: 'keyless', identity: identityText(p.identity), issuer: p.issuer, trustedRoot: p.trustedRootPath };
  // cosign v2 reads the trusted root only for signatures: where its parts are at hand, v2's
  // commands name them instead.
  const v2Differs = p.kind === 'identity' && Boolean(p.trustParts);
  const att = input.attestations;
  const attestationCommands = (major: 'v3' | 'v2') => ({
    provenance: att && {
      image: cosignVerifyAttestationCommand(input.image.ref, p, PredicateType.provenance, major, att.provenancePolicy),
      chart: cosignVerifyAttestationCommand(input.chart.ref, p, PredicateType.provenance, major, att.provenancePolicy),
    },
    sbom: att && cosignVerifyAttestationCommand(input.image.ref, p, PredicateType.sbom, major),
  });
  return {
    schema: 'signed-release-pipeline/release/v1',
    version: input.version,
    revision: input.revision,
    source: input.source,
    image: { ...image, platforms: input.image.platforms, manifests: input.image.manifests, base: formatDigestReference(input.image.base) },
    chart: { ...chart, name: input.chart.name, version: input.chart.version },
    signing,
    attestations: att,
    verify: {
      image: cosignVerifyCommand(input.image.ref, p),
      chart: cosignVerifyCommand(input.chart.ref, p),
      release: ['npm run verify --', chart.ref, ...policyArgs(p), ...flag('allow-dirty', input.dirty)].join(' '),
      ...attestationCommands('v3'),
      cosignV2: v2Differs
        ? { image: cosignVerifyCommand(input.image.ref, p, 'v2'), chart: cosignVerifyCommand(input.chart.ref, p, 'v2'), ...attestationCommands('v2') }
        : undefined,
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
    s.verify.cosignV2 || (s.signing.kind === 'keyless' && s.signing.trustedRoot)
      ? 'verify with the stock cosign v3:'
      : 'verify with the stock cosign (v2 or v3):',
    `  ${s.verify.image}`,
    `  ${s.verify.chart}`,
    ...(s.verify.cosignV2 ? ['or with cosign v2:', `  ${s.verify.cosignV2.image}`, `  ${s.verify.cosignV2.chart}`] : []),
    ...(s.verify.provenance && s.verify.sbom
      ? [
          `attested: SLSA provenance (image, chart) and an SPDX SBOM of the image (${s.attestations?.sbom.packages ?? 0} packages); check them with:`,
          `  ${s.verify.provenance.image}`,
          `  ${s.verify.provenance.chart}`,
          `  ${s.verify.sbom}`,
          ...(s.verify.cosignV2?.provenance
            ? ['or with cosign v2:', `  ${s.verify.cosignV2.provenance.image}`, `  ${s.verify.cosignV2.provenance.chart}`, `  ${s.verify.cosignV2.sbom ?? ''}`]
            : []),
        ]
      : []),
    'or the whole release from its chart:',
    `  ${s.verify.release}`,
  ].join('\n');
}
