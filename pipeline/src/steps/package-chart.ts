// Step 4: package the chart with this release's version and the image's repository and digest
// written in, lint it with the real helm, and lay it out as an OCI artifact (Helm's media types)
// ready to push by digest. Every file's mtime is the commit time: same commit, same digest.
import { cp, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartAnnotations, chartConfig, chartManifest, type ChartMetadata } from '@release-pipeline/core/chart-artifact.js';
import { stampChartYaml, stampValuesYaml } from '@release-pipeline/core/chart-package.js';
import { MediaType } from '@release-pipeline/core/oci.js';
import { repositoryOf, type DigestReference } from '@release-pipeline/core/reference.js';
import type { PackagedChart } from '../artifacts.js';
import type { StepContext } from '../context.js';
import { OciLayout } from '../oci/layout.js';
import { noted, type Noted } from '../progress.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { helmLint, helmPackage } from '../clients/helm.js';

const CHART_NAME = 'koa-service';

async function setTimes(dir: string, seconds: number): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await setTimes(path, seconds);
    await utimes(path, seconds, seconds);
  }
  await utimes(dir, seconds, seconds);
}

export async function packageChart(ctx: StepContext, image: DigestReference, commitTime: number): Promise<Noted<PackagedChart>> {
  const work = join(ctx.out.work, 'chart');
  const staged = join(work, CHART_NAME);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await cp(join(ctx.root, 'chart'), staged, { recursive: true, filter: (src) => !src.startsWith(join(ctx.root, 'chart', 'test')) });

  const chartYaml = join(staged, 'Chart.yaml');
  const valuesYaml = join(staged, 'values.yaml');
  const version = ctx.release.version;
  const stamped = stampChartYaml(await readFile(chartYaml, 'utf8'), {
    version,
    appVersion: version,
    source: ctx.release.source,
    revision: ctx.release.revision,
  });
  await writeFile(chartYaml, stamped);
  await writeFile(valuesYaml, stampValuesYaml(await readFile(valuesYaml, 'utf8'), { imageRepository: repositoryOf(image), imageDigest: image.digest }));
  await setTimes(staged, commitTime);

  await helmLint(ctx, staged).catch((err: Error) => {
    throw new PipelineError('build', `the chart does not lint; fix chart/ and rerun: ${err.message}`, { cause: err });
  });
  const out = join(work, 'package');
  await helmPackage(ctx, staged, out);
  const path = join(out, `${CHART_NAME}-${version}.tgz`);

  const metadata = parse(stamped) as ChartMetadata;
  const layout = await OciLayout.create(join(work, 'oci'));
  const config = await layout.putJson(MediaType.helmConfig, chartConfig(metadata));
  const content = { mediaType: MediaType.helmChart, ...(await layout.putBytes(await readFile(path))) };
  const manifest = await layout.putJson(MediaType.manifest, chartManifest(config, content, chartAnnotations(metadata, commitTime)));
  await layout.writeIndex([manifest]);
  return noted({ path, name: CHART_NAME, version, layout, descriptor: manifest }, `${CHART_NAME}-${version}.tgz ${manifest.digest.slice(0, 19)}…`);
}
