// The main job on a host with no container engine: build → test → image → chart → publish → sign
// → verify, with the same pure step logic the Dagger module uses.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseVersion, rfc3339 } from '../../ci/src/core/chart-package.js';
import { parseRegistryTarget, repositoryIn, type RegistryTarget } from '../../ci/src/core/reference.js';
import { releaseSummary, type ReleaseSummary } from '../../ci/src/core/release-summary.js';
import { RUNTIME_BASE_IMAGE } from '../../ci/src/images.js';
import { StepCache } from './cache.js';
import type { StepContext } from './context.js';
import { registryCredentials } from './credentials.js';
import { gitFacts, sourceUrl } from './git.js';
import { signingSetup } from './keys.js';
import type { PipelineOptions } from './options.js';
import { outPaths, projectRoot, type OutPaths } from './paths.js';
import { Progress } from './progress.js';
import { checkRegistryReachable } from './registry/preflight.js';
import { defaultRegistryPort, startLocalRegistry, type LocalRegistry } from './registry/local-registry.js';
import { assembleImage } from './steps/assemble-image.js';
import { HOST_BASE, resolveBaseImage } from './steps/base-image.js';
import { buildApp } from './steps/build-app.js';
import { packageChart } from './steps/package-chart.js';
import { publishChart } from './steps/publish-chart.js';
import { IMAGE_NAME, publishImage, tagImage } from './steps/publish-image.js';
import { signArtifacts } from './steps/sign.js';
import { testApp } from './steps/test-app.js';
import { verifyArtifacts } from './steps/verify.js';

export interface PipelineRun {
  summary: ReleaseSummary;
  progress: Progress;
}

export interface PipelineEnvironment {
  root?: string;
  out?: OutPaths;
  env?: NodeJS.ProcessEnv;
  progress?: Progress;
}

export async function runPipeline(options: PipelineOptions, environment: PipelineEnvironment = {}): Promise<PipelineRun> {
  const root = environment.root ?? projectRoot;
  const out = environment.out ?? outPaths();
  const env = environment.env ?? process.env;
  const progress = environment.progress ?? new Progress();
  await mkdir(out.root, { recursive: true });

  let registry: LocalRegistry | undefined;
  let target: RegistryTarget;
  if (options.registry) {
    target = parseRegistryTarget(options.registry);
    await progress.step('registry', async () => checkRegistryReachable(target.registry));
  } else {
    registry = await progress.step('registry', async () =>
      startLocalRegistry({ storageDir: out.registry, port: defaultRegistryPort(env), log: (l) => progress.info(l) }),
    );
    target = { registry: registry.address, namespace: '' };
  }
  const credentials = await registryCredentials(target.registry, env);
  try {
    const git = await gitFacts(root);
    const appPackage = JSON.parse(await readFile(join(root, 'app', 'package.json'), 'utf8')) as { name: string; version: string };
    const version = releaseVersion(appPackage.version, git);
    const signing = await signingSetup(
      { keysDir: out.keys, ...(options.key ? { key: options.key } : {}), ...(options.certificate ? { certificate: options.certificate } : {}), ...(options.certificateChain ? { certificateChain: options.certificateChain } : {}) },
      env,
    );
    const ctx: StepContext = {
      root,
      out,
      cache: new StepCache(join(out.cache, 'steps')),
      progress,
      release: { title: IMAGE_NAME, version, revision: git.revision, source: sourceUrl(git.remote), created: rfc3339(git.commitTime) },
      target,
      toolEnv: credentials.env,
      ...(credentials.helmRegistryConfig ? { helmRegistryConfig: credentials.helmRegistryConfig } : {}),
      secrets: [...credentials.secrets, ...signing.secrets],
    };
    progress.info(`release ${version} of ${git.revision.slice(0, 12)}${git.dirty ? ' (uncommitted changes present)' : ''} → ${target.registry}${target.namespace ? `/${target.namespace}` : ''}`);

    const dist = await progress.step('build', () => buildApp(ctx));
    if (!options.skipTests) await progress.step('test', () => testApp(ctx));
    const baseChoice = options.baseImage ?? (registry ? HOST_BASE : RUNTIME_BASE_IMAGE);
    const base = await progress.step('base image', () => resolveBaseImage(ctx, baseChoice));
    const image = await progress.step('image', () => assembleImage(ctx, base, dist, git.commitTime));
    const imageRepository = repositoryIn(target, IMAGE_NAME);
    const chart = await progress.step('chart', () => packageChart(ctx, `${imageRepository}@${image.index.digest}`, git.commitTime));
    const imageRef = await progress.step('publish image', () => publishImage(ctx, image));
    const chartRef = await progress.step('publish chart', () => publishChart(ctx, chart));
    await progress.step('sign', () => signArtifacts(ctx, signing, [imageRef, chartRef]));
    await progress.step('verify', () => verifyArtifacts(ctx, signing.policy, [imageRef, chartRef]));
    await progress.step('tag', () => tagImage(ctx, imageRef));

    const [chartRepository, chartDigest] = chartRef.split('@') as [string, string];
    const summary = releaseSummary({
      version,
      revision: git.revision,
      source: ctx.release.source,
      image: { repository: imageRepository, digest: image.index.digest, platforms: image.platforms, base: base.ref },
      chart: { repository: chartRepository, digest: chartDigest, name: chart.name, version: chart.version },
      policy: signing.policy,
    });
    const tmp = `${out.release}.tmp`;
    await writeFile(tmp, `${JSON.stringify(summary, null, 2)}\n`);
    await rename(tmp, out.release);
    return { summary, progress };
  } finally {
    await credentials.dispose();
    await registry?.stop();
  }
}
