// Verifies a whole release from its chart reference: the chart's signature (with cosign, so what we
// accept is what cosign accepts), then the chart, pulled by that digest and rendered with its
// packaged values, for every image it would deploy; each must be digest-pinned and signed.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Policy } from '../../ci/src/core/cosign-args.js';
import { helmPullArgs, helmTemplateArgs } from '../../ci/src/core/helm-args.js';
import { formatDigestReference, parseDigestReference, type DigestReference, type RegistryAccess } from '../../ci/src/core/reference.js';
import { releaseVerdict, type ArtifactVerdict, type ImageVerdict, type ReleaseVerdict } from '../../ci/src/core/verification-report.js';
import { collectImages } from '../../ci/src/core/workload-images.js';
import { run } from './exec.js';
import { cosignReason, cosignVerify } from './steps/verify.js';
import { tool } from './tools.js';

export interface VerifyContext {
  toolEnv: NodeJS.ProcessEnv;
  secrets: string[];
  access?: RegistryAccess;
}

async function verifyArtifact(ctx: VerifyContext, policy: Policy, ref: DigestReference): Promise<ArtifactVerdict> {
  try {
    const { signer } = await cosignVerify(ctx, policy, ref);
    return { ref: formatDigestReference(ref), verified: true, signer };
  } catch (err) {
    return { ref: formatDigestReference(ref), verified: false, reason: cosignReason(err) };
  }
}

/** Renders the chart exactly as stored under its digest, with its packaged values. */
async function renderChart(ctx: VerifyContext, chartRef: DigestReference): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'verify-chart-'));
  try {
    await run(tool('helm'), helmPullArgs(chartRef, dir, ctx.access), { env: ctx.toolEnv, secrets: ctx.secrets });
    const [tgz] = await readdir(dir);
    const { stdout } = await run(tool('helm'), helmTemplateArgs(join(dir, tgz!)), { env: ctx.toolEnv, secrets: ctx.secrets });
    return parseAllDocuments(stdout).map((d) => d.toJS() as unknown);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function verifyRelease(chartRef: DigestReference, policy: Policy, ctx: VerifyContext): Promise<ReleaseVerdict> {
  const chart = await verifyArtifact(ctx, policy, chartRef);
  if (!chart.verified) return releaseVerdict(chart, []);

  let objects: unknown[];
  try {
    objects = await renderChart(ctx, chartRef);
  } catch (err) {
    return releaseVerdict({ ...chart, verified: false, reason: `signed, but it does not render: ${(err as Error).message.split('\n')[0]}` }, []);
  }
  const images: ImageVerdict[] = [];
  for (const { image, usedBy } of collectImages(objects)) {
    let ref: DigestReference;
    try {
      ref = parseDigestReference(image, 'image');
    } catch {
      images.push({ ref: image, usedBy, verified: false, reason: 'not pinned by digest: a tag can move after signing; deploy repository@sha256:<64 hex>' });
      continue;
    }
    images.push({ ...(await verifyArtifact(ctx, policy, ref)), usedBy });
  }
  return releaseVerdict(chart, images);
}
