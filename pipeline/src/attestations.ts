// What a release attests, and where its facts come from: SLSA provenance for the image and the
// chart (source, commit, resolved inputs, builder), the image's SBOM, and the Rego policy that
// holds them to this release. Reads the lockfiles and tools.lock; the shapes are in the core.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { provenanceRego } from '@release-pipeline/core/attestation-policy.js';
import { PredicateType, type Policy } from '@release-pipeline/core/cosign-args.js';
import { LOCAL_BUILDER, parseToolsLock, provenancePredicate, type PinnedTool, type ProvenanceInput } from '@release-pipeline/core/provenance.js';
import { sha256File } from './cache.js';
import type { StepContext } from './context.js';
import type { Published } from './artifacts.js';
import type { Session } from './session.js';
import type { Attestation } from './artifacts.js';
import type { Sbom } from './artifacts.js';
import { tool, type ToolName } from './tools.js';
import { hasCode } from '@release-pipeline/core/errors.js';

/** The lockfiles a build resolves packages from, by repository path. */
export const LOCKFILES = ['package-lock.json', 'app/package-lock.json'] as const;

/** Who built it: the signing workflow's identity when keyless (what a hosted builder is), else the runner. */
export function builderId(policy: Policy): string {
  return policy.kind === 'identity' && 'exact' in policy.identity ? policy.identity.exact : LOCAL_BUILDER;
}

/**
 * This run: the GitHub Actions run it belongs to (its URL, the attempt included, as the signing
 * certificate records it), or an id of its own elsewhere.
 */
export function invocationId(env: NodeJS.ProcessEnv = process.env): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (server && repository && run) return `${server}/${repository}/actions/runs/${run}${attempt ? `/attempts/${attempt}` : ''}`;
  return `urn:uuid:${randomUUID()}`;
}

/**
 * The runtime tools of tools.lock, each with the sha256 of the binary this run has (a Dagger
 * toolbox has only the tools its function runs: the others carry no digest).
 */
async function toolsThatRan(pins: readonly PinnedTool[]): Promise<Array<PinnedTool & { sha256?: string }>> {
  const binary = (name: string): string | undefined => {
    try {
      return tool(name as ToolName);
    } catch (err) {
      if (hasCode(err, 'tool-missing')) return undefined;
      throw err;
    }
  };
  return Promise.all(
    pins.map(async (pin) => {
      const path = pin.scope === 'runtime' ? binary(pin.name) : undefined;
      return path ? { ...pin, sha256: await sha256File(path) } : pin;
    }),
  );
}

/** Where this run happens: the Dagger toolbox sets PIPELINE_RUNNER=dagger. */
export const runnerName = (env: NodeJS.ProcessEnv = process.env) => env.PIPELINE_RUNNER ?? 'host';

export async function releaseAttestations(
  s: Session,
  p: Published,
  sbom: Sbom,
  policy: Policy,
  startedOn: string,
): Promise<{ attestations: Attestation[]; policyFile: string }> {
  const { ctx, commit } = s;
  const lockfiles: Record<string, string> = {};
  for (const path of LOCKFILES) lockfiles[path] = await sha256File(join(ctx.root, path));
  const common: Omit<ProvenanceInput, 'image'> = {
    parameters: {
      source: { repository: ctx.release.source, revision: ctx.release.revision },
      commit: { time: commit.commitTime, count: commit.commitCount, tag: commit.tag },
      version: ctx.release.version,
    },
    builderId: builderId(policy),
    runner: runnerName(),
    dirty: commit.dirty,
    platforms: p.image.platforms,
    base: p.base.ref,
    lockfiles,
    tools: await toolsThatRan(parseToolsLock(await readFile(join(ctx.root, 'tools.lock'), 'utf8'))),
    node: process.version,
    startedOn,
    finishedOn: new Date().toISOString(),
    invocationId: invocationId(),
  };
  const policyFile = await writeProvenancePolicy(ctx, [p.imageRef.digest, p.chartRef.digest]);
  return {
    policyFile,
    attestations: [
      { ref: p.imageRef, type: PredicateType.provenance, predicate: { json: provenancePredicate(common) } },
      { ref: p.imageRef, type: PredicateType.sbom, predicate: { file: sbom.path } },
      { ref: p.chartRef, type: PredicateType.provenance, predicate: { json: provenancePredicate({ ...common, image: p.imageRef }) } },
    ],
  };
}

/** .out/policy/provenance.rego: the release's own policy, for `cosign verify-attestation --policy`. */
async function writeProvenancePolicy(ctx: StepContext, subjects: string[]): Promise<string> {
  const dir = join(ctx.out.root, 'policy');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'provenance.rego');
  await writeFile(file, provenanceRego({ repository: ctx.release.source, revision: ctx.release.revision, subjects }));
  return file;
}
