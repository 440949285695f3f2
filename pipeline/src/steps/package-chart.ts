// Step 4: package the chart with this release's version and the image's repository and digest
// written in, then lint it with the real helm. Every file's mtime (and the archive's, which helm
// push writes into the manifest as its creation time) is the commit time: same commit, same digest.
import { cp, readdir, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stampChartYaml, stampValuesYaml } from '../../../ci/src/core/chart-package.js';
import { helmLintArgs, helmPackageArgs } from '../../../ci/src/core/helm-args.js';
import { parseDigestReference, repositoryOf } from '../../../ci/src/core/reference.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { tool } from '../tools.js';

export const CHART_NAME = 'koa-service';

export interface PackagedChart {
  path: string;
  name: string;
  version: string;
}

async function setTimes(dir: string, seconds: number): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await setTimes(path, seconds);
    await utimes(path, seconds, seconds);
  }
  await utimes(dir, seconds, seconds);
}

export async function packageChart(ctx: StepContext, imageRef: string, commitTime: number): Promise<Noted<PackagedChart>> {
  const image = parseDigestReference(imageRef, 'the image for the chart');
  const work = join(ctx.out.work, 'chart');
  const staged = join(work, CHART_NAME);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await cp(join(ctx.root, 'chart'), staged, { recursive: true, filter: (src) => !src.includes(`${join(ctx.root, 'chart', 'test')}`) });

  const chartYaml = join(staged, 'Chart.yaml');
  const valuesYaml = join(staged, 'values.yaml');
  const version = ctx.release.version;
  await writeFile(chartYaml, stampChartYaml(await readFile(chartYaml, 'utf8'), { version, appVersion: version, source: ctx.release.source, revision: ctx.release.revision }));
  await writeFile(valuesYaml, stampValuesYaml(await readFile(valuesYaml, 'utf8'), { imageRepository: repositoryOf(image), imageDigest: image.digest }));
  await setTimes(staged, commitTime);

  await run(tool('helm'), helmLintArgs(staged), { env: ctx.toolEnv }).catch((err: Error) => {
    throw new Error(`the chart does not lint; fix chart/ and rerun: ${err.message}`);
  });
  const out = join(work, 'package');
  await run(tool('helm'), helmPackageArgs(staged, out), { env: ctx.toolEnv });
  const path = join(out, `${CHART_NAME}-${version}.tgz`);
  // helm push stamps the archive's mtime into the manifest (org.opencontainers.image.created).
  await utimes(path, commitTime, commitTime);
  return noted({ path, name: CHART_NAME, version }, `${CHART_NAME}-${version}.tgz`);
}
