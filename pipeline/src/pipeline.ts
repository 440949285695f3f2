// A release, read top to bottom: each step with what it takes; steps joined by ∥ run at once.
//
//   build → (test ∥ base image → image → (chart ∥ SBOM → scan)) → publish → (sign ∥ attest) → verify → tag
//
// The tests gate what leaves the machine, not what is made on it: nothing is published until they
// passed, and a failure of either side stops the other (./concurrently.ts). The same functions run
// on this host (`npm run pipeline`) and, compiled, inside the Dagger module's toolbox container.
import { cp, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { platformString } from '@release-pipeline/core/oci.js';
import { atDigest, digestReference, repositoryIn, type DigestReference } from '@release-pipeline/core/reference.js';
import { releaseSummary, type ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import type { SigningMode } from '@release-pipeline/core/signing-mode.js';
import {
  checkReleaseTag,
  checkSigningIdentity,
  releaseIdentity,
  releaseRef,
  releaseWorkflowRun,
  RELEASE_ISSUER,
  RELEASE_WORKFLOW,
  workflowRepositoryOf,
} from '@release-pipeline/core/trust-rule.js';
import { RUNTIME_BASE_IMAGE } from '@release-pipeline/core/images.js';
import { HOST_BASE, IMAGE_NAME, type BaseImage, type BuiltImage, type Made, type Published, type Sbom } from './artifacts.js';
import { releaseAttestations } from './attestations.js';
import { manifestOf } from './clients/crane.js';
import { concurrently } from './concurrently.js';
import type { StepContext } from './context.js';
import { githubRepository } from './git.js';
import { localKeylessSetup, signingSetup, type SigningSetup } from './keys.js';
import type { PipelineOptions } from './options.js';
import type { Progress } from './progress.js';
import { openSession, type PipelineEnvironment, type Session, type SessionNeeds } from './session.js';
import { startLocalSigstore } from './sigstore/local-stack.js';
import { assembleImage } from './steps/assemble-image.js';
import { attestArtifacts } from './steps/attest.js';
import { resolveBaseImage } from './steps/base-image.js';
import { buildApp } from './steps/build-app.js';
import { packageChart } from './steps/package-chart.js';
import { publishChart, publishImage } from './steps/publish-image.js';
import { imageSbom } from './steps/sbom.js';
import { SCAN_COMMAND_ENV, scanSbom } from './steps/scan.js';
import { signArtifacts } from './steps/sign.js';
import { tagRelease } from './steps/tag.js';
import { testApp } from './steps/test-app.js';
import { verifyAttached } from './steps/verify-attestation.js';
import { verifyArtifacts } from './steps/verify.js';

export type { PipelineEnvironment } from './session.js';

export interface PipelineRun {
  summary: ReleaseSummary;
  progress: Progress;
}

/** The whole release; writes release.json and returns its summary. */
export async function runPipeline(options: PipelineOptions, environment: PipelineEnvironment = {}): Promise<PipelineRun> {
  return inSession(options, environment, { registry: true, commit: true }, async (s) => {
    const { ctx } = s;
    const startedOn = new Date().toISOString();
    checkTrusted(s, options.signing);
    announce(s);
    // Every input is checked (the signing key and its password included) before the first push.
    const signer = await signingFor(s, options.signing);
    const scan = environment.env?.[SCAN_COMMAND_ENV] ?? process.env[SCAN_COMMAND_ENV];

    const { made, sbom } = await builtAndTested(s, options, async (dist) => {
      const { base, image } = await makeImage(s, options, dist);
      const [chart, sbom] = await concurrently([() => packageFor(s, image), () => sbomOf(s, image, base, scan)]);
      return { made: { base, image, chart }, sbom };
    });
    const published = await publish(s, made);
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

    const summary = summarize(s, published, sbom, signer, policyFile);
    await writeAtomically(ctx.out.release, `${JSON.stringify(summary, null, 2)}\n`);
    return { summary, progress: ctx.progress };
  });
}

/** `publish`: build → (test ∥ base image → image → chart) → publish, untagged and unsigned. */
export async function buildAndPublish(s: Session, options: PipelineOptions): Promise<Published> {
  checkTrusted(s, options.signing);
  const made = await builtAndTested(s, options, async (dist): Promise<Made> => {
    const { base, image } = await makeImage(s, options, dist);
    return { base, image, chart: await packageFor(s, image) };
  });
  return publish(s, made);
}

/** `image`: build → base image → image, the image as an OCI layout in the cache (its command skips the tests). */
export async function buildImage(s: Session, options: PipelineOptions): Promise<{ base: BaseImage; image: BuiltImage }> {
  return builtAndTested(s, options, (dist) => makeImage(s, options, dist));
}

/** `sign REF…`: signs each (an index's platform manifests too), then verifies them. */
export async function signOnly(options: PipelineOptions, refs: readonly DigestReference[], environment: PipelineEnvironment = {}): Promise<DigestReference[]> {
  // The registry is the artifacts' own (credentials are looked up for it); nothing is started.
  // The commit's facts only name the local Sigstore's workflow run; a key or a keyless identity needs none.
  const needs = { registry: false, commit: options.signing.kind === 'local-sigstore' };
  return inSession({ ...options, registry: refs[0]!.registry }, environment, needs, async (s) => {
    const signer = await signingFor(s, options.signing);
    const all: DigestReference[] = [];
    for (const ref of refs) all.push(ref, ...(await platformManifests(s.ctx, ref)));
    await s.ctx.progress.step('sign', () => signArtifacts(s.ctx, signer, all));
    await s.ctx.progress.step('verify', () => verifyArtifacts(s.ctx, signer.policy, all));
    return all;
  });
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

// The steps, each with its inputs.

/** build: the service compiled. */
export const build = (s: Session): Promise<string> => s.ctx.progress.step('build', () => buildApp(s.ctx));

/** test: the service's suite, on the build. */
export const test = (s: Session, options: Pick<PipelineOptions, 'skipTests'>, dist: string): Promise<void> =>
  options.skipTests ? Promise.resolve() : s.ctx.progress.step('test', () => testApp(s.ctx, dist));

/**
 * build → (test ∥ `make`): what `make` makes from the build, returned once the tests passed. The
 * tests gate what leaves the machine, not what is made on it; a failure of either stops the other.
 */
async function builtAndTested<T>(s: Session, options: PipelineOptions, make: (dist: string) => Promise<T>): Promise<T> {
  const dist = await build(s);
  const [, made] = await concurrently([() => test(s, options, dist), () => make(dist)]);
  return made;
}

/** base image → image: the image as an OCI layout in the cache. */
async function makeImage(s: Session, options: PipelineOptions, dist: string): Promise<{ base: BaseImage; image: BuiltImage }> {
  const { ctx } = s;
  const baseChoice = options.baseImage ?? (s.embedded ? HOST_BASE : RUNTIME_BASE_IMAGE);
  const base = await ctx.progress.step('base image', () => resolveBaseImage(ctx, baseChoice));
  const image = await ctx.progress.step('image', () => assembleImage(ctx, base, dist, s.commit.commitTime));
  return { base, image };
}

/** The chart, stamped with the digest the image will be published under. */
const packageFor = (s: Session, image: BuiltImage) =>
  s.ctx.progress.step('chart', () => packageChart(s.ctx, imageReference(s.ctx, image), s.commit.commitTime));

/** The image's SBOM, then the scan hook over it, when one is set. */
async function sbomOf(s: Session, image: BuiltImage, base: BaseImage, scan: string | undefined): Promise<Sbom> {
  const sbom = await s.ctx.progress.step('sbom', () => imageSbom(s.ctx, image, base));
  if (scan) await s.ctx.progress.step('scan', () => scanSbom(s.ctx, scan, sbom.path));
  return sbom;
}

/** Image and chart pushed by digest, at once: untagged and unsigned. */
async function publish(s: Session, made: Made): Promise<Published> {
  const { ctx } = s;
  const [imageRef, chartRef] = await concurrently([
    () => ctx.progress.step('publish image', () => publishImage(ctx, made.image)),
    () => ctx.progress.step('publish chart', () => publishChart(ctx, made.chart)),
  ]);
  return { ...made, imageRef, chartRef };
}

/** Where the image is published: TARGET/koa-service@<index digest>. */
export function imageReference(ctx: StepContext, image: BuiltImage): DigestReference {
  return digestReference(repositoryIn(ctx.target, IMAGE_NAME), image.descriptor.digest);
}

/** The image index, each of its platform manifests, and the chart: everything a release signs. */
export function signedArtifacts(p: Published): DigestReference[] {
  return [p.imageRef, ...p.image.manifests.map((m) => atDigest(p.imageRef, m.digest)), p.chartRef];
}

// What the steps are given: the trust rule's checks, the signer, the summary.

function announce(s: Session): void {
  const { ctx, commit } = s;
  const where = `${ctx.target.registry}${ctx.target.namespace ? `/${ctx.target.namespace}` : ''}`;
  ctx.progress.info(`release ${ctx.release.version} of ${commit.revision.slice(0, 12)}${commit.dirty ? ' (uncommitted changes present)' : ''} → ${where}`);
}

/**
 * Refuses, before anything is built or pushed, a release the trust rule would reject: a commit
 * tagged with a version that is not vX.Y.Z, or a keyless identity of this repository's workflows
 * other than the one the rule names for this version.
 */
function checkTrusted(s: Session, signing: SigningMode): void {
  checkReleaseTag(s.commit.tag);
  if (signing.kind === 'keyless' && signing.issuer === RELEASE_ISSUER) {
    checkSigningIdentity(signing.identity, githubRepository(s.ctx.release.source), s.ctx.release.version);
  }
}

/** What cosign signs with and verifies against; the local Sigstore is started here, for the session. */
async function signingFor(s: Session, mode: SigningMode): Promise<SigningSetup> {
  const { ctx } = s;
  if (mode.kind === 'local-sigstore') {
    const repository = githubRepository(ctx.release.source);
    const stack = await ctx.progress.step('sigstore', () =>
      startLocalSigstore(join(ctx.out.root, 'sigstore'), {
        repository,
        workflowPath: RELEASE_WORKFLOW,
        ref: releaseRef(ctx.release.version),
        sha: ctx.release.revision,
      }),
    );
    s.adopt(() => stack.stop());
    const setup = localKeylessSetup(stack, releaseIdentity(repository, ctx.release.version), releaseWorkflowRun(repository));
    ctx.secrets.push(...setup.secrets);
    return setup;
  }
  const setup = await signingSetup(mode, ctx.out.keys, ctx.toolEnv);
  ctx.secrets.push(...setup.secrets);
  // Keyless in GitHub Actions: the certificate must also record the run, in the identity's own
  // repository (a call from another repository records that one) and started by a push. Taken from
  // the identity, so `cosign-sign` needs no source URL.
  const repository = mode.kind === 'keyless' && mode.issuer === RELEASE_ISSUER ? workflowRepositoryOf(mode.identity) : undefined;
  if (setup.policy.kind === 'identity' && repository) {
    return { ...setup, policy: { ...setup.policy, workflow: releaseWorkflowRun(repository) } };
  }
  return setup;
}

function summarize(s: Session, published: Published, sbom: Sbom, signer: SigningSetup, policyFile: string): ReleaseSummary {
  const { release } = s.ctx;
  return releaseSummary({
    version: release.version,
    revision: release.revision,
    source: release.source,
    image: {
      ref: published.imageRef,
      platforms: published.image.platforms,
      manifests: published.image.manifests.map((m) => ({ platform: platformString(m.platform!), digest: m.digest })),
      base: published.base.ref,
    },
    chart: { ref: published.chartRef, name: published.chart.name, version: published.chart.version },
    policy: signer.policy,
    attestations: { provenancePolicy: policyFile, sbom: { packages: sbom.packages, files: sbom.files } },
    dirty: s.commit.dirty,
  });
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function platformManifests(ctx: StepContext, ref: DigestReference): Promise<DigestReference[]> {
  const manifest = await manifestOf(ctx, ref);
  return (manifest.manifests ?? []).map((m) => atDigest(ref, m.digest));
}

/** Copies an OCI layout out of the cache (for `image --output` and the Dagger module's import). */
export async function exportLayout(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}
