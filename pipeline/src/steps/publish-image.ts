// Step 5: push the image and the chart, each by digest and untagged (see push-layout.ts).
import { chartRepository } from '@release-pipeline/core/helm-args.js';
import { digestReference, repositoryIn, type DigestReference } from '@release-pipeline/core/reference.js';
import type { StepContext } from '../context.js';
import { noted, type Noted } from '../progress.js';
import { IMAGE_NAME, type BuiltImage, type PackagedChart } from '../artifacts.js';
import { pushLayout } from '../clients/crane.js';

export async function publishImage(ctx: StepContext, image: BuiltImage): Promise<Noted<DigestReference>> {
  const ref = digestReference(repositoryIn(ctx.target, IMAGE_NAME), image.descriptor.digest);
  await pushLayout(ctx, image.layout, ref, 'the image');
  return noted(ref, `${ref.registry}/${ref.repository}`);
}

export async function publishChart(ctx: StepContext, chart: PackagedChart): Promise<Noted<DigestReference>> {
  const ref = digestReference(chartRepository(ctx.target, chart.name), chart.descriptor.digest);
  await pushLayout(ctx, chart.layout, ref, 'the chart');
  return noted(ref, `${ref.registry}/${ref.repository}`);
}
