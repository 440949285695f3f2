// Verifies a whole release from its chart reference: the chart's signature (with cosign, so what we
// accept is what cosign accepts), then the chart, pulled by that digest and rendered as it will be
// installed, for every image it would have the cluster run (read fail-closed: rendered-images.ts);
// each must be digest-pinned and signed, an image index's platform manifests too. The chart and each
// image must carry SLSA provenance from one source (the chart's), and each image an SBOM. Every call to a
// registry is bounded by the overall deadline.
import { PredicateType, type Policy } from '@release-pipeline/core/cosign-args.js';
import { provenanceFacts, type Statement } from '@release-pipeline/core/provenance.js';
import { describeValues, PACKAGED_VALUES, type RenderValues } from '@release-pipeline/core/helm-args.js';
import { kubernetesVersionsFor } from './kubernetes-versions.js';
import { parse } from 'yaml';
import { atDigest, formatDigestReference, InvalidReferenceError, parseDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';
import { imagesIn, parseRendered, type ImageUse } from '@release-pipeline/core/rendered-images.js';
import {
  releaseVerdict,
  type ArtifactVerdict,
  type ImageVerdict,
  type ProvenanceFinding,
  type ReleaseVerdict,
} from '@release-pipeline/core/verification-report.js';
import { concurrently, eachConcurrently } from './concurrently.js';
import { manifestOf } from './clients/crane.js';
import { cosignReason, cosignVerify, verifiedStatements } from './clients/cosign.js';
import type { ToolAccess } from './context.js';
import { CommandError, findCause, messageOf, PipelineError } from '@release-pipeline/core/errors.js';
import { helmShowChart, helmTemplate } from './clients/helm.js';

export interface VerifyContext extends ToolAccess {
  /** What the chart will be installed with (default: its packaged values, release "release"). */
  render?: RenderValues;
  /** Epoch ms after which every call fails as timed out (default: two minutes from the start). */
  deadline?: number;
  /** Accept provenance that says the build had uncommitted changes (--allow-dirty). */
  allowDirty?: boolean;
}

/** The time left for one call, or a failure naming what could not be done in time. */
function remaining(ctx: VerifyContext, what: string): number {
  const left = (ctx.deadline ?? Infinity) - Date.now();
  if (left <= 0) throw new PipelineError('timeout', `out of time before ${what}; give --timeout more seconds`);
  return Math.min(left, 120_000);
}

/** Why a cosign check failed, in one line; a timeout names the registry that did not answer. */
function failure(err: unknown, ref: DigestReference, doing: string): string {
  // A tool stopped at its deadline: the registry did not answer. Verify's own deadline, reached
  // before a call, says so itself (remaining()).
  const timedOut = findCause(err, CommandError)?.exit.kind === 'timeout';
  return timedOut ? `${ref.registry} did not answer in time while ${doing} (${messageOf(err).split('\n')[0]})` : cosignReason(err);
}

async function verifyArtifact(ctx: VerifyContext, policy: Policy, ref: DigestReference, what: string): Promise<ArtifactVerdict> {
  const shown = formatDigestReference(ref);
  try {
    const { signer } = await cosignVerify({ ...ctx, timeoutMs: remaining(ctx, `verifying ${what}`) }, policy, ref);
    return { ref: shown, verified: true, signer };
  } catch (err) {
    return { ref: shown, verified: false, reason: failure(err, ref, `verifying the signature of ${what}`) };
  }
}

type Found<T> = { found: T } | { reason: string };

/**
 * The artifact's SLSA provenance, signed under the policy, about exactly this digest, made by this
 * pipeline, and (given `source`) built from that repository and revision.
 */
async function provenanceOf(
  ctx: VerifyContext,
  policy: Policy,
  ref: DigestReference,
  what: string,
  source?: ProvenanceFinding,
): Promise<Found<ProvenanceFinding>> {
  let statements: Statement[];
  try {
    statements = await verifiedStatements({ ...ctx, timeoutMs: remaining(ctx, `verifying the provenance of ${what}`) }, policy, ref, PredicateType.provenance);
  } catch (err) {
    return { reason: `no valid SLSA provenance: ${failure(err, ref, `verifying the provenance of ${what}`)}` };
  }
  const problems: string[] = [];
  for (const statement of statements) {
    try {
      const facts = provenanceFacts(statement);
      const { repository, revision } = facts.parameters.source;
      if (source && (repository !== source.repository || revision !== source.revision)) {
        problems.push(
          `its provenance names ${repository}@${revision.slice(0, 12)}, not the chart's source ${source.repository}@${source.revision.slice(0, 12)}`,
        );
        continue;
      }
      if (facts.dirty && !ctx.allowDirty) {
        problems.push('its provenance says it was built with uncommitted changes, so its revision does not name what was built (--allow-dirty accepts that)');
        continue;
      }
      return { found: { repository, revision, builder: facts.builderId, dirty: facts.dirty } };
    } catch (err) {
      problems.push(`its provenance is not this pipeline's: ${(err as Error).message}`);
    }
  }
  return { reason: problems[0]! };
}

/** The image's SBOM, signed under the policy and about exactly this digest. */
async function sbomOf(ctx: VerifyContext, policy: Policy, ref: DigestReference, what: string): Promise<Found<{ format: 'spdx'; packages: number }>> {
  try {
    const [statement] = await verifiedStatements({ ...ctx, timeoutMs: remaining(ctx, `verifying the SBOM of ${what}`) }, policy, ref, PredicateType.sbom);
    const packages = (statement!.predicate as { packages?: unknown[] }).packages;
    if (!Array.isArray(packages)) return { reason: 'its SBOM lists no packages' };
    return { found: { format: 'spdx', packages: packages.length } };
  } catch (err) {
    return { reason: `no valid SBOM: ${failure(err, ref, `verifying the SBOM of ${what}`)}` };
  }
}

/** Renders the chart, pulled by digest, as it will be installed. */
async function renderChart(ctx: VerifyContext, chartRef: DigestReference, values: RenderValues): Promise<string> {
  return helmTemplate({ ...ctx, timeoutMs: remaining(ctx, 'rendering the chart') }, chartRef, values).catch((err: Error) => {
    throw new PipelineError('verification', `rendering the chart from ${chartRef.registry} failed: ${err.message.split('\n')[0]}`, { cause: err });
  });
}

/** An image: its own signature and, for an index, each platform manifest's (what a node may pull). */
async function verifyImage(ctx: VerifyContext, policy: Policy, ref: DigestReference, usedBy: string[], source: ProvenanceFinding): Promise<ImageVerdict> {
  const what = `image ${formatDigestReference(ref)}`;
  const [signed, provenance, sbom] = await concurrently([
    () => verifySignedImage(ctx, policy, ref, usedBy),
    () => provenanceOf(ctx, policy, ref, what, source),
    () => sbomOf(ctx, policy, ref, what),
  ]);
  if (!signed.verified) return signed;
  const verdict: ImageVerdict = {
    ...signed,
    provenance: 'found' in provenance ? provenance.found : undefined,
    sbom: 'found' in sbom ? sbom.found : undefined,
  };
  const reason = 'reason' in provenance ? provenance.reason : 'reason' in sbom ? sbom.reason : undefined;
  return reason ? { ...verdict, verified: false, reason: `signed, but ${reason}` } : verdict;
}

async function verifySignedImage(ctx: VerifyContext, policy: Policy, ref: DigestReference, usedBy: string[]): Promise<ImageVerdict> {
  // The image's own signature, and (as soon as its manifest is read) each platform manifest's, at once.
  const platforms = async () => {
    let manifest;
    try {
      manifest = await manifestOf({ ...ctx, timeoutMs: remaining(ctx, `reading the manifest of ${formatDigestReference(ref)}`) }, ref);
    } catch {
      return undefined; // said as "its manifest could not be read" below
    }
    return eachConcurrently(manifest.manifests ?? [], async (m) => {
      const platform = m.platform ? `${m.platform.os}/${m.platform.architecture}` : m.digest;
      return { platform, digest: m.digest, verdict: await verifyArtifact(ctx, policy, atDigest(ref, m.digest), `the ${platform} manifest`) };
    });
  };
  const [verdict, children] = await concurrently([() => verifyArtifact(ctx, policy, ref, `image ${formatDigestReference(ref)}`), platforms]);
  if (!verdict.verified) return { ...verdict, usedBy };
  if (!children) return { ...verdict, verified: false, reason: `signed, but its manifest could not be read from ${ref.registry}`, usedBy };
  const bad = children.find((c) => !c.verdict.verified);
  if (bad) return { ...verdict, verified: false, reason: `its ${bad.platform} manifest ${bad.digest}: ${bad.verdict.reason}`, usedBy };
  return { ...verdict, usedBy };
}

/** Why an image reference is not acceptable, as one line. */
function unpinned(image: string): string | undefined {
  try {
    parseDigestReference(image, 'image');
    return undefined;
  } catch (err) {
    if (err instanceof InvalidReferenceError && err.problem === 'not-by-digest')
      return 'not pinned by digest: a tag can move after signing; deploy repository@sha256:<64 hex>';
    return (err as Error).message;
  }
}

export async function verifyRelease(chartRef: DigestReference, policy: Policy, ctx: VerifyContext): Promise<ReleaseVerdict> {
  const bounded: VerifyContext = { ...ctx, deadline: ctx.deadline ?? Date.now() + 120_000 };
  const values = ctx.render ?? PACKAGED_VALUES;
  // The chart's signature and its provenance first: nothing reads the chart beyond its digest (its
  // templates, its values schema) before both hold.
  const [signedChart, provenance] = await concurrently([
    () => verifyArtifact(bounded, policy, chartRef, 'the chart'),
    () => provenanceOf(bounded, policy, chartRef, 'the chart'),
  ]);
  const chart: ArtifactVerdict =
    !signedChart.verified || 'found' in provenance
      ? { ...signedChart, provenance: 'found' in provenance ? provenance.found : undefined }
      : { ...signedChart, verified: false, reason: `signed, but ${provenance.reason}` };
  if (!chart.verified || !chart.provenance) return releaseVerdict(chart, []);
  const source = chart.provenance;
  // Every Kubernetes version the chart may meet (a template can choose its image by version), or
  // the one the caller named; what any of them deploys must verify.
  const kube = values.kubeVersion ? { versions: [values.kubeVersion] } : await chartKubernetesVersions(bounded, chartRef);
  const described = `${describeValues(values)}${values.kubeVersion ? '' : 'versions' in kube ? `, Kubernetes ${kube.versions.join(', ')}` : ''}`;
  if ('reason' in kube) return releaseVerdict({ ...chart, verified: false, reason: `signed, but ${kube.reason}` }, [], [], described);
  const renderings = await eachConcurrently(kube.versions, (version) =>
    renderChart(bounded, chartRef, { ...values, kubeVersion: version }).then(
      (text) => ({ version, text }),
      (err: Error) => ({ version, error: err }),
    ),
  );
  const failed = renderings.find((r) => 'error' in r);
  if (failed && 'error' in failed) {
    const reason = `signed, but it does not render for Kubernetes ${failed.version}: ${failed.error.message.split('\n')[0]}`;
    return releaseVerdict({ ...chart, verified: false, reason }, [], [], described);
  }
  const found = imagesOfRenderings(renderings as Array<{ version: string; text: string }>);
  const images = await eachConcurrently(found.images, async ({ image, usedBy }): Promise<ImageVerdict> => {
    const reason = unpinned(image);
    if (reason) return { ref: image, usedBy, verified: false, reason };
    return verifyImage(bounded, policy, parseDigestReference(image, 'image'), usedBy, source);
  });
  return releaseVerdict(chart, images, found.problems, described);
}

/** The chart's kubeVersion (its Chart.yaml, read from the registry by digest), as the versions to render for. */
async function chartKubernetesVersions(ctx: VerifyContext, chartRef: DigestReference): Promise<{ versions: string[] } | { reason: string }> {
  try {
    const stdout = await helmShowChart({ ...ctx, timeoutMs: remaining(ctx, 'reading the chart') }, chartRef);
    const kubeVersion = (parse(stdout) as { kubeVersion?: unknown } | null)?.kubeVersion;
    return kubernetesVersionsFor(typeof kubeVersion === 'string' ? kubeVersion : undefined);
  } catch (err) {
    return { reason: `its Chart.yaml could not be read: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Every image of every rendering; one a version alone deploys says which. */
function imagesOfRenderings(renderings: ReadonlyArray<{ version: string; text: string }>): { images: ImageUse[]; problems: string[] } {
  const uses = new Map<string, { usedBy: Set<string>; versions: Set<string> }>();
  const problems = new Set<string>();
  for (const r of renderings) {
    const parsed = parseRendered(r.text);
    const found = imagesIn(parsed.objects);
    for (const p of [...parsed.problems, ...found.problems]) problems.add(p);
    for (const { image, usedBy } of found.images) {
      const use = uses.get(image) ?? { usedBy: new Set<string>(), versions: new Set<string>() };
      for (const u of usedBy) use.usedBy.add(u);
      use.versions.add(r.version);
      uses.set(image, use);
    }
  }
  const images = [...uses.entries()].map(([image, use]) => {
    const only = use.versions.size < renderings.length ? ` (on Kubernetes ${[...use.versions].join(', ')})` : '';
    return { image, usedBy: [...use.usedBy].map((u) => `${u}${only}`) };
  });
  return { images: images.sort((a, b) => a.image.localeCompare(b.image)), problems: [...problems] };
}
