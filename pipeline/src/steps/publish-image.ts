// Step 5: push the image and the chart, each by digest and untagged (see push-layout.ts).
import { chartRepository } from '../../../ci/src/core/helm-args.js';
import { digestReference, repositoryIn, type DigestReference } from '../../../ci/src/core/reference.js';
import type { StepContext } from '../context.js';
import { noted, type Noted } from '../progress.js';
import type { BuiltImage } from './assemble-image.js';
import type { PackagedChart } from './package-chart.js';
import { pushLayout } from './push-layout.js';

export const IMAGE_NAME = 'koa-service';

export async function publishImage(ctx: StepContext, image: BuiltImage): Promise<Noted<DigestReference>> {
  const ref = digestReference(repositoryIn(ctx.target, IMAGE_NAME), image.index.digest);
  await pushLayout(ctx, image.layout, ref, 'the image');
  return noted(ref, `${ref.registry}/${ref.repository}`);
}

export async function publishChart(ctx: StepContext, chart: PackagedChart): Promise<Noted<DigestReference>> {
  const ref = digestReference(chartRepository(ctx.target, chart.name), chart.manifest.digest);
  await pushLayout(ctx, chart.layout, ref, 'the chart');
  return noted(ref, `${ref.registry}/${ref.repository}`);
}
