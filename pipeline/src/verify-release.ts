// Verifies a whole release from its chart reference: the chart's signature (with cosign, so what we
// accept is what cosign accepts), then the chart, pulled by that digest and rendered as it will be
// installed, for every image it would have the cluster run (read fail-closed: rendered-images.ts);
// each must be digest-pinned and signed, an image index's platform manifests too. Every call to a
// registry is bounded by the overall deadline; the temporary folder goes on every exit path.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '../../ci/src/core/cosign-args.js';
import { describeValues, helmPullArgs, helmTemplateArgs, PACKAGED_VALUES, type RenderValues } from '../../ci/src/core/helm-args.js';
import { atDigest, formatDigestReference, parseDigestReference, type DigestReference, type RegistryAccess } from '../../ci/src/core/reference.js';
import { imagesIn, parseRendered } from '../../ci/src/core/rendered-images.js';
import { releaseVerdict, type ArtifactVerdict, type ImageVerdict, type ReleaseVerdict } from '../../ci/src/core/verification-report.js';
import { onCleanup } from './cleanup.js';
import { run } from './exec.js';
import { manifestOf } from './steps/inspect.js';
import { cosignReason, cosignVerify } from './steps/verify.js';
import { tool } from './tools.js';

export interface VerifyContext {
  toolEnv: NodeJS.ProcessEnv;
  secrets: string[];
  access?: RegistryAccess;
  /** What the chart will be installed with (default: its packaged values, release "release"). */
  render?: RenderValues;
  /** Epoch ms after which every call fails as timed out (default: two minutes from the start). */
  deadline?: number;
}

/** The time left for one call, or a failure naming what could not be done in time. */
function remaining(ctx: VerifyContext, what: string): number {
  const left = (ctx.deadline ?? Infinity) - Date.now();
  if (left <= 0) throw new Error(`out of time before ${what}; give --timeout more seconds`);
  return Math.min(left, 120_000);
}

async function verifyArtifact(ctx: VerifyContext, policy: Policy, ref: DigestReference, what: string): Promise<ArtifactVerdict> {
  const shown = formatDigestReference(ref);
  try {
    const { signer } = await cosignVerify({ ...ctx, timeoutMs: remaining(ctx, `verifying ${what}`) }, policy, ref);
    return { ref: shown, verified: true, signer };
  } catch (err) {
    const reason = /timed out/.test((err as Error).message)
      ? `${ref.registry} did not answer in time while verifying the signature of ${what} (${(err as Error).message.split('\n')[0]})`
      : cosignReason(err);
    return { ref: shown, verified: false, reason };
  }
}

/** Pulls the chart by digest into a temporary folder and renders it as it will be installed. */
async function renderChart(ctx: VerifyContext, chartRef: DigestReference, values: RenderValues): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'verify-chart-'));
  const release = onCleanup(() => rm(dir, { recursive: true, force: true }));
  try {
    await run(tool('helm'), helmPullArgs(chartRef, dir, ctx.access ?? {}), {
      env: ctx.toolEnv,
      secrets: ctx.secrets,
      timeoutMs: remaining(ctx, 'pulling the chart'),
    }).catch((err: Error) => {
      throw new Error(`pulling the chart from ${chartRef.registry} failed: ${err.message.split('\n')[0]}`, { cause: err });
    });
    const [tgz] = await readdir(dir);
    const { stdout } = await run(tool('helm'), helmTemplateArgs(join(dir, tgz!), values), {
      env: ctx.toolEnv,
      secrets: ctx.secrets,
      timeoutMs: remaining(ctx, 'rendering the chart'),
    });
    return stdout;
  } finally {
    await release();
  }
}

/** An image: its own signature and, for an index, each platform manifest's (what a node may pull). */
async function verifyImage(ctx: VerifyContext, policy: Policy, ref: DigestReference, usedBy: string[]): Promise<ImageVerdict> {
  // The image's own signature, and (as soon as its manifest is read) each platform manifest's, at once.
  const platforms = manifestOf({ ...ctx, access: ctx.access ?? {} }, ref).then(
    (manifest) =>
      Promise.all(
        (manifest.manifests ?? []).map(async (m) => {
          const platform = m.platform ? `${m.platform.os}/${m.platform.architecture}` : m.digest;
          return { platform, digest: m.digest, verdict: await verifyArtifact(ctx, policy, atDigest(ref, m.digest), `the ${platform} manifest`) };
        }),
      ),
    () => undefined,
  );
  const [verdict, children] = await Promise.all([verifyArtifact(ctx, policy, ref, `image ${formatDigestReference(ref)}`), platforms]);
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
    const why = (err as Error).message;
    return /must be referenced by digest/.test(why) ? 'not pinned by digest: a tag can move after signing; deploy repository@sha256:<64 hex>' : why;
  }
}

export async function verifyRelease(chartRef: DigestReference, policy: Policy, ctx: VerifyContext): Promise<ReleaseVerdict> {
  const bounded: VerifyContext = { ...ctx, deadline: ctx.deadline ?? Date.now() + 120_000 };
  const values = ctx.render ?? PACKAGED_VALUES;
  // The chart's signature and its rendering, at once: what was rendered is used only if the signature holds.
  const [chart, rendering] = await Promise.all([
    verifyArtifact(bounded, policy, chartRef, 'the chart'),
    renderChart(bounded, chartRef, values).then(
      (text) => ({ text }),
      (err: Error) => ({ error: err }),
    ),
  ]);
  if (!chart.verified) return releaseVerdict(chart, []);
  if ('error' in rendering) {
    return releaseVerdict(
      { ...chart, verified: false, reason: `signed, but it does not render: ${rendering.error.message.split('\n')[0]}` },
      [],
      [],
      describeValues(values),
    );
  }
  const parsed = parseRendered(rendering.text);
  const found = imagesIn(parsed.objects);
  const images = await Promise.all(
    found.images.map(async ({ image, usedBy }): Promise<ImageVerdict> => {
      const reason = unpinned(image);
      if (reason) return { ref: image, usedBy, verified: false, reason };
      return verifyImage(bounded, policy, parseDigestReference(image, 'image'), usedBy);
    }),
  );
  return releaseVerdict(chart, images, [...parsed.problems, ...found.problems], describeValues(values));
}
