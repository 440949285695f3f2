// The steps of a release, one function each, and `release`, which runs them, independent ones at once:
// build → (test ∥ base image → image → (chart ∥ SBOM → scan)) → publish → (sign ∥ attest) → verify → tag.
// The same functions run on this host (`npm run pipeline`) and, compiled, inside the Dagger module's
// toolbox container.
import { cp, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseSummary, type ReleaseSummary } from '../../ci/src/core/release-summary.js';
import { platformString } from '../../ci/src/core/oci.js';
import { atDigest, digestReference, repositoryIn, type DigestReference } from '../../ci/src/core/reference.js';
import { RUNTIME_BASE_IMAGE } from '../../ci/src/images.js';
import { concurrently } from './concurrently.js';
import type { StepContext } from './context.js';
import { localKeylessSetup, signingSetup, type SigningSetup } from './keys.js';
import { startLocalSigstore } from './sigstore/local-stack.js';
import { githubRepository } from './git.js';
import {
  checkReleaseTag,
  checkSigningIdentity,
  releaseIdentity,
  releaseRef,
  releaseWorkflowRun,
  RELEASE_ISSUER,
  RELEASE_WORKFLOW,
  workflowRepositoryOf,
} from '../../ci/src/core/trust-rule.js';
import type { PipelineOptions } from './options.js';
import type { Progress } from './progress.js';
import { openSession, type PipelineEnvironment, type Session, type SessionNeeds } from './session.js';
import { assembleImage, type BuiltImage } from './steps/assemble-image.js';
import { manifestOf } from './steps/inspect.js';
import { HOST_BASE, resolveBaseImage, type BaseImage } from './steps/base-image.js';
import { buildApp } from './steps/build-app.js';
import { packageChart, type PackagedChart } from './steps/package-chart.js';
import { IMAGE_NAME, publishChart, publishImage } from './steps/publish-image.js';
import { attestArtifacts } from './steps/attest.js';
import { imageSbom } from './steps/sbom.js';
import { SCAN_COMMAND_ENV, scanSbom } from './steps/scan.js';
import { signArtifacts } from './steps/sign.js';
import { verifyAttached } from './steps/verify-attestation.js';
import { releaseAttestations } from './attestations.js';
import { tagRelease } from './steps/tag.js';
import { testApp } from './steps/test-app.js';
import { verifyArtifacts } from './steps/verify.js';

export type { PipelineEnvironment } from './session.js';

export interface PipelineRun {
  summary: ReleaseSummary;
  progress: Progress;
}

/** Runs `work` in a session that is closed (registry stopped, credentials removed) however it ends. */
export async function inSession<T>(
  options: PipelineOptions,
  environment: PipelineEnvironment,
  needs: SessionNeeds,
  work: (s: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(options, environment, needs);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

function announce(s: Session): void {
  const { ctx, git } = s;
  const where = `${ctx.target.registry}${ctx.target.namespace ? `/${ctx.target.namespace}` : ''}`;
  ctx.progress.info(`release ${ctx.release.version} of ${git.revision.slice(0, 12)}${git.dirty ? ' (uncommitted changes present)' : ''} → ${where}`);
}

/** The base image a run builds on: given, or the host's Node for the embedded registry, or the pinned default. */
function baseChoice(options: PipelineOptions, s: Session): string {
  return options.baseImage ?? (s.embedded ? HOST_BASE : RUNTIME_BASE_IMAGE);
}

export interface ImageBuild {
  base: BaseImage;
  image: BuiltImage;
}

/** base image → image: the image as an OCI layout in the cache. */
async function assemble(s: Session, options: PipelineOptions, dist: string): Promise<ImageBuild> {
  const { ctx, git } = s;
  const base = await ctx.progress.step('base image', () => resolveBaseImage(ctx, baseChoice(options, s)));
  const image = await ctx.progress.step('image', () => assembleImage(ctx, base, dist, git.commitTime));
  return { base, image };
}

/**
 * build, then the service's tests and `work` (what is made locally from the build) at once. Tests
 * gate what leaves the machine, not what is assembled on it: `work`'s result is returned only
 * once they passed. A failure of either stops the other (see `concurrently`) and is the error reported.
 */
async function alongsideTests<T>(s: Session, options: PipelineOptions, work: (dist: string) => Promise<T>): Promise<T> {
  const { ctx } = s;
  const dist = await ctx.progress.step('build', () => buildApp(ctx));
  const tests = () => (options.skipTests ? Promise.resolve() : ctx.progress.step('test', () => testApp(ctx, dist)));
  const [, made] = await concurrently([tests, () => work(dist)]);
  return made;
}

/** build → (test ∥ base image → image): the image as an OCI layout in the cache. */
export function buildImage(s: Session, options: PipelineOptions): Promise<ImageBuild> {
  return alongsideTests(s, options, (dist) => assemble(s, options, dist));
}

/** Where the image is published: TARGET/koa-service@<index digest>. */
export function imageReference(ctx: StepContext, image: BuiltImage): DigestReference {
  return digestReference(repositoryIn(ctx.target, IMAGE_NAME), image.index.digest);
}

export interface Packaged extends ImageBuild {
  chart: PackagedChart;
}

export interface Published extends Packaged {
  imageRef: DigestReference;
  chartRef: DigestReference;
}

/** The image, then its chart (stamped with the image's digest) and whatever else needs the image, at once. */
async function assembleAndPackage<T>(
  s: Session,
  options: PipelineOptions,
  dist: string,
  alsoFromImage: (built: ImageBuild) => Promise<T>,
): Promise<Packaged & { also: T }> {
  const { ctx, git } = s;
  const built = await assemble(s, options, dist);
  const planned = imageReference(ctx, built.image);
  const [chart, also] = await concurrently([() => ctx.progress.step('chart', () => packageChart(ctx, planned, git.commitTime)), () => alsoFromImage(built)]);
  return { ...built, chart, also };
}

/** Image and chart pushed by digest, at once: untagged and unsigned. */
async function publish(s: Session, packaged: Packaged): Promise<Published> {
  const { ctx } = s;
  const [imageRef, chartRef] = await concurrently([
    () => ctx.progress.step('publish image', () => publishImage(ctx, packaged.image)),
    () => ctx.progress.step('publish chart', () => publishChart(ctx, packaged.chart)),
  ]);
  return { ...packaged, imageRef, chartRef };
}

/**
 * Refuses, before anything is built or pushed, a release the trust rule would reject: a commit
 * tagged with a version that is not vX.Y.Z, or a keyless identity of this repository's workflows
 * other than the one the rule names for this version.
 */
function checkTrusted(s: Session, options: PipelineOptions): void {
  checkReleaseTag(s.git.exactTag);
  const keyless = options.keyless;
  if (keyless && keyless.issuer === RELEASE_ISSUER) {
    checkSigningIdentity(keyless.identity, githubRepository(s.ctx.release.source), s.ctx.release.version);
  }
}

/** Everything up to the registry: image and chart pushed by digest, untagged and unsigned. */
export async function buildAndPublish(s: Session, options: PipelineOptions): Promise<Published> {
  checkTrusted(s, options);
  const packaged = await alongsideTests(s, options, (dist) => assembleAndPackage(s, options, dist, () => Promise.resolve()));
  return publish(s, packaged);
}

/** The image index, each of its platform manifests, and the chart: everything a release signs. */
export function signedArtifacts(p: Published): DigestReference[] {
  return [p.imageRef, ...p.image.manifests.map((m) => atDigest(p.imageRef, m.digest)), p.chartRef];
}

async function signing(s: Session, options: PipelineOptions): Promise<SigningSetup> {
  if (options.sigstore === 'local') {
    const { release } = s.ctx;
    const repository = githubRepository(release.source);
    const stack = await s.ctx.progress.step('sigstore', () =>
      startLocalSigstore(join(s.ctx.out.root, 'sigstore'), {
        repository,
        workflowPath: RELEASE_WORKFLOW,
        ref: releaseRef(release.version),
        sha: release.revision,
      }),
    );
    s.adopt(() => stack.stop());
    const setup = localKeylessSetup(stack, releaseIdentity(repository, release.version), releaseWorkflowRun(repository));
    s.ctx.secrets.push(...setup.secrets);
    return setup;
  }
  const setup = await signingSetup(
    {
      keysDir: s.ctx.out.keys,
      ...(options.key ? { key: options.key } : {}),
      ...(options.certificate ? { certificate: options.certificate } : {}),
      ...(options.certificateChain ? { certificateChain: options.certificateChain } : {}),
      ...(options.keyless ? { keyless: options.keyless } : {}),
    },
    s.ctx.toolEnv,
  );
  s.ctx.secrets.push(...setup.secrets);
  // Keyless in GitHub Actions: the certificate must also record the run, in the identity's own
  // repository (a call from another repository records that one) and started by a push. Taken from
  // the identity, so `cosign-sign` needs no source URL.
  const repository = options.keyless?.issuer === RELEASE_ISSUER ? workflowRepositoryOf(options.keyless.identity) : undefined;
  if (setup.policy.kind === 'identity' && repository) {
    return { ...setup, policy: { ...setup.policy, workflow: releaseWorkflowRun(repository) } };
  }
  return setup;
}

/** The whole release; writes release.json and returns its summary. */
export async function runPipeline(options: PipelineOptions, environment: PipelineEnvironment = {}): Promise<PipelineRun> {
  return inSession(options, environment, { registry: true, commit: true }, async (s) => {
    const { ctx } = s;
    const startedOn = new Date().toISOString();
    checkTrusted(s, options);
    announce(s);
    // Every input is checked (the signing key and its password included) before the first push.
    const signer = await signing(s, options);
    // Tests run while the image, the chart and the image's SBOM (and its scan) are made locally;
    // nothing is published until all of them are done and the tests passed.
    const scan = environment.env?.[SCAN_COMMAND_ENV] ?? process.env[SCAN_COMMAND_ENV];
    const { also: sbom, ...packaged } = await alongsideTests(s, options, (dist) =>
      assembleAndPackage(s, options, dist, async (built) => {
        const sbom = await ctx.progress.step('sbom', () => imageSbom(ctx, built.image, built.base));
        if (scan) await ctx.progress.step('scan', () => scanSbom(ctx, scan, sbom.path));
        return sbom;
      }),
    );
    const published = await publish(s, packaged);
    const artifacts = signedArtifacts(published);
    const { attestations, policyFile } = await releaseAttestations(s, published, sbom, signer.policy, startedOn);
    // Signatures (.sig) and attestations (.att) are separate attachments: made at once, checked at once.
    await concurrently([
      () => ctx.progress.step('sign', () => signArtifacts(ctx, signer, artifacts)),
      () => ctx.progress.step('attest', () => attestArtifacts(ctx, signer, attestations)),
    ]);
    await concurrently([
      () => ctx.progress.step('verify', () => verifyArtifacts(ctx, signer.policy, artifacts)),
      () => ctx.progress.step('verify attestations', () => verifyAttached(ctx, signer.policy, attestations, policyFile)),
    ]);
    await ctx.progress.step('tag', () => tagRelease(ctx, [published.imageRef, published.chartRef]));

    const summary = releaseSummary({
      version: ctx.release.version,
      revision: ctx.release.revision,
      source: ctx.release.source,
      image: {
        ref: published.imageRef,
        platforms: published.image.platforms,
        manifests: published.image.manifests.map((m) => ({ platform: platformString(m.platform!), digest: m.digest })),
        base: published.base.ref,
      },
      chart: { ref: published.chartRef, name: published.chart.name, version: published.chart.version },
      policy: signer.policy,
      attestations: { provenancePolicy: policyFile, sbom: { packages: sbom.packages, files: sbom.files } },
      dirty: s.git.dirty,
    });
    const tmp = `${ctx.out.release}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(summary, null, 2)}\n`);
    await rename(tmp, ctx.out.release);
    return { summary, progress: ctx.progress };
  });
}

/** `sign REF…`: signs each (an index's platform manifests too), then verifies them. */
export async function signOnly(options: PipelineOptions, refs: readonly DigestReference[], environment: PipelineEnvironment = {}): Promise<DigestReference[]> {
  // The registry is the artifacts' own (credentials are looked up for it); nothing is started.
  // The commit's facts only name the local Sigstore's workflow run; a key or a keyless identity needs none.
  const needs = { registry: false, commit: options.sigstore === 'local' };
  return inSession({ ...options, registry: refs[0]!.registry }, environment, needs, async (s) => {
    const signer = await signing(s, options);
    const all: DigestReference[] = [];
    for (const ref of refs) all.push(ref, ...(await platformManifests(s.ctx, ref)));
    await s.ctx.progress.step('sign', () => signArtifacts(s.ctx, signer, all));
    await s.ctx.progress.step('verify', () => verifyArtifacts(s.ctx, signer.policy, all));
    return all;
  });
}

async function platformManifests(ctx: StepContext, ref: DigestReference): Promise<DigestReference[]> {
  const manifest = await manifestOf(ctx, ref);
  return (manifest.manifests ?? []).map((m) => atDigest(ref, m.digest));
}

/** Copies an OCI layout out of the cache (for `image --output` and the Dagger module's import). */
export async function exportLayout(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}
