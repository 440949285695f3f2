// The verdict of verifying a release from its chart: data, and the tree printed for people. Pure.

export interface ArtifactVerdict {
  ref: string;
  verified: boolean;
  /** Why it failed, in one line. */
  reason?: string;
  /** Who signed it, as cosign established: "key cosign.pub" or "IDENTITY (ISSUER)". */
  signer?: string;
  /** Its SLSA provenance, verified under the same policy: where and by whom it was built. */
  provenance?: ProvenanceFinding;
  /** Its SBOM (images), verified under the same policy. */
  sbom?: { format: 'spdx'; packages: number };
}

export interface ProvenanceFinding {
  repository: string;
  revision: string;
  builder: string;
  /** Built from a work tree with uncommitted changes: not reproducible from the revision alone. */
  dirty: boolean;
}

export interface ImageVerdict extends ArtifactVerdict {
  usedBy: string[];
}

export interface ReleaseVerdict {
  verified: boolean;
  chart: ArtifactVerdict;
  images: ImageVerdict[];
  /** What the chart was rendered with before its images were read. */
  renderedWith?: string;
  /** Why the rendering cannot be trusted (each fails the verdict). */
  problems: string[];
}

export function releaseVerdict(chart: ArtifactVerdict, images: ImageVerdict[], problems: string[] = [], renderedWith?: string): ReleaseVerdict {
  return {
    verified: chart.verified && problems.length === 0 && images.length > 0 && images.every((i) => i.verified),
    chart,
    images,
    renderedWith,
    problems,
  };
}

const mark = (v: ArtifactVerdict) => (v.verified ? `✔ signed by ${v.signer}` : `✘ ${v.reason}`);

/** The attestation lines under an artifact: what was found, whether or not it passed. */
function attested(v: ArtifactVerdict): string[] {
  const p = v.provenance;
  return [
    ...(p ? [`✔ provenance: ${p.repository}@${p.revision.slice(0, 12)}${p.dirty ? ' (uncommitted changes)' : ''}, built by ${p.builder}`] : []),
    ...(v.sbom ? [`✔ SBOM (SPDX): ${v.sbom.packages} packages`] : []),
  ];
}

export function formatVerdict(v: ReleaseVerdict): string {
  const lines = [`chart ${v.chart.ref}`, `  ${mark(v.chart)}`, ...attested(v.chart).map((l) => `  ${l}`)];
  if (v.renderedWith) lines.push(`  rendered with ${v.renderedWith}`);
  for (const p of v.problems) lines.push(`  ✘ ${p}`);
  v.images.forEach((img, i) => {
    const last = i === v.images.length - 1;
    lines.push(`${last ? '└─' : '├─'} image ${img.ref}`);
    const pad = last ? '   ' : '│  ';
    lines.push(`${pad}  ${mark(img)}`);
    for (const l of attested(img)) lines.push(`${pad}  ${l}`);
    for (const use of img.usedBy) lines.push(`${pad}  used by ${use}`);
  });
  if (v.chart.verified && v.images.length === 0) lines.push('└─ (the chart deploys no container image)');
  lines.push(v.verified ? 'VERIFIED: the chart and every image it deploys are signed, with provenance from one source, as required' : 'NOT VERIFIED');
  return lines.join('\n');
}

/** The one line that says what failed first. */
export function firstFailure(v: ReleaseVerdict): string | undefined {
  if (!v.chart.verified) return `chart ${v.chart.ref}: ${v.chart.reason}`;
  if (v.problems.length > 0) return `chart ${v.chart.ref}: ${v.problems[0]}`;
  const bad = v.images.find((i) => !i.verified);
  if (bad) return `image ${bad.ref} (${bad.usedBy[0] ?? 'unknown use'}): ${bad.reason}`;
  if (v.images.length === 0) return 'the chart deploys no container image';
  return undefined;
}
