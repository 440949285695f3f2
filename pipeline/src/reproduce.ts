// `npm run reproduce -- CHART@sha256:… (--key PUB | identity flags)`: from the release's verified
// provenance alone, check out the recorded revision into a temporary folder, rebuild the image and
// the chart there with the recorded inputs (commit facts, source URL, base image by digest) using
// that revision's own pipeline, and report whether the digests match the released ones.
import { expectingLogs } from './trusted-root.js';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PredicateType, type Policy } from '@release-pipeline/core/cosign-args.js';
import { lockfilePath, provenanceFacts, type ProvenancePredicate, type Statement } from '@release-pipeline/core/provenance.js';
import { formatDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';
import { sha256File } from './cache.js';
import { confinedLockfile, isInside, refuseCommittedLinks, UnconfinedPathError } from './confine.js';
import { onCleanup } from './cleanup.js';
import type { ToolAccess } from './context.js';
import { withRegistryAccess } from './credentials.js';
import { timeLeft } from './deadline.js';
import { run } from './exec.js';
import { projectRoot } from './paths.js';
import { cosignReason } from './clients/cosign.js';
import { verifiedStatements } from './clients/cosign.js';
import type { ReproduceOptions } from './verify-options.js';
import { goCaches, toolsDirFor } from '../locations.mjs';
import { toolsFolder } from './tools.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { flag } from '@release-pipeline/core/command-line.js';
import { commitArgs } from '@release-pipeline/core/step-args.js';
import { checkoutRevision } from './git.js';

export interface Reproduction {
  revision: string;
  source: string;
  image: { released: string; rebuilt: string; matches: boolean };
  chart: { released: string; rebuilt: string; matches: boolean };
  matches: boolean;
}

/** The one provenance statement of `ref` (verified, about this digest), read strictly. */
async function recorded(ctx: ToolAccess, policy: Policy, ref: DigestReference, what: string) {
  const [statement] = await verifiedStatements(ctx, policy, ref, PredicateType.provenance).catch((err: Error) => {
    throw new PipelineError('verification', `the ${what} has no valid SLSA provenance: ${cosignReason(err)}`, { cause: err });
  });
  return { statement: statement as Statement<ProvenancePredicate>, facts: provenanceFacts(statement!) };
}

/** What is left of the rebuild's deadline, for one command. */
type Left = () => { timeoutMs?: number };

/** Check out `revision` of this repository into `dir`, with node_modules for its lockfiles. */
async function checkout(dir: string, revision: string, lockfiles: Array<{ path: string; sha256: string }>, left: Left): Promise<void> {
  await checkoutRevision(projectRoot, revision, dir, left());
  const root = await realpath(dir);
  for (const lock of lockfiles) {
    const there = join(dir, lock.path);
    // A symlink in the revision must not lead the install out of the source either.
    if (existsSync(there) && !isInside(root, await realpath(there)))
      throw new UnconfinedPathError(`the lockfile ${lock.path} at ${revision.slice(0, 12)} resolves outside the source: refused`);
    if (!existsSync(there) || (await sha256File(there)) !== lock.sha256)
      throw new PipelineError('verification', `${lock.path} at ${revision.slice(0, 12)} is not the lockfile the provenance records`);
    const modules = join(lock.path, '..', 'node_modules');
    // npm ci empties node_modules first, following a symlink: the revision must not bring one
    // (nor a symlinked folder above it), or the install would delete and write outside the source.
    await refuseCommittedLinks(dir, join(dir, lock.path, '..'), join(dir, modules), revision);
    // This clone's packages, when installed from the very same lockfile; otherwise a clean install.
    if ((await sha256File(join(projectRoot, lock.path)).catch(() => '')) === lock.sha256 && existsSync(join(projectRoot, modules))) {
      await symlink(join(projectRoot, modules), join(dir, modules), 'dir');
    } else {
      await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: join(dir, lock.path, '..'), ...left() });
    }
  }
}

/**
 * The tools the rebuild runs: this checkout's when the revision pins the same tools.lock, otherwise
 * that revision's own pins, installed by its own script into a folder of this rebuild's (never the
 * shared one other releases use: the script is the revision's code).
 */
async function revisionTools(src: string, scratch: string, env: NodeJS.ProcessEnv, log: (line: string) => void, left: Left): Promise<string> {
  const theirs = toolsDirFor(await readFile(join(src, 'tools.lock'), 'utf8'));
  if (theirs === toolsDirFor(await readFile(join(projectRoot, 'tools.lock'), 'utf8'))) {
    log(`tools: this checkout's (${toolsFolder()}), the revision pins the same tools.lock`);
    return toolsFolder();
  }
  const own = join(scratch, 'tools');
  log(`tools: the revision pins other tools; installing its tools.lock into ${own}`);
  const go = goCaches();
  await run('bash', ['scripts/install-tools.sh'], {
    cwd: src,
    env: { ...env, ...go, GOPROXY: process.env.GOPROXY, PIPELINE_TOOLS_DIR: own, TOOLS_SCOPE: 'runtime' },
    ...left(),
  });
  return own;
}

export async function reproduce(options: ReproduceOptions, ctx: ToolAccess, log: (line: string) => void): Promise<Reproduction> {
  // One deadline for the whole rebuild: each command gets what is left of it.
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const left: Left = () => timeLeft(deadline);
  const policy = await expectingLogs(options.policy);
  const chart = await recorded(ctx, policy, options.chart, 'chart');
  const image = chart.facts.image;
  if (!image) throw new PipelineError('verification', 'the chart provenance does not name the image it deploys');
  const imageRecord = await recorded(ctx, policy, image, `image ${formatDigestReference(image)}`);
  const { source, commit, version } = chart.facts.parameters;
  const other = imageRecord.facts.parameters.source;
  if (other.repository !== source.repository || other.revision !== source.revision) {
    throw new PipelineError(
      'verification',
      `the image was built from ${other.repository}@${other.revision}, the chart from ${source.repository}@${source.revision}`,
    );
  }
  if (chart.facts.dirty || imageRecord.facts.dirty)
    throw new PipelineError('verification', `release ${version} was built from a work tree with uncommitted changes: no revision holds its sources`);
  const lockfiles = chart.statement.predicate.buildDefinition.resolvedDependencies
    .filter((d) => d.name === 'lockfile' && lockfilePath(d) !== undefined && d.digest?.sha256)
    .map((d) => ({ path: confinedLockfile(lockfilePath(d)!), sha256: d.digest!.sha256! }));

  const dir = await mkdtemp(join(tmpdir(), 'reproduce-'));
  const release = onCleanup(() => rm(dir, { recursive: true, force: true }));
  try {
    const src = join(dir, 'src');
    log(`checking out ${source.revision.slice(0, 12)} into ${src}`);
    await checkout(src, source.revision, lockfiles, left);
    // The revision's code (its CLI build, its tool script, its CLI) runs with what it needs only.
    const minimal = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
    await run(process.execPath, ['scripts/build-cli.mjs'], { cwd: src, env: minimal, ...left() });
    const tools = await revisionTools(src, dir, minimal, log, left);
    const facts = [
      ...commitArgs({ revision: source.revision, commitTime: commit.time, commitCount: commit.count, tag: commit.tag }, source.repository),
      ...flag('plain-http', options.plainHttp),
      ...flag('json', true),
    ];
    // The revision's code runs with what it needs, not with this shell's whole environment.
    const env = {
      ...minimal,
      ...ctx.toolEnv,
      PIPELINE_TOOLS_DIR: tools,
      PIPELINE_OUT_DIR: join(dir, 'out'),
      PIPELINE_CACHE_DIR: join(dir, 'out', 'cache'),
    };
    const cli = (args: string[]) =>
      run(process.execPath, [join(src, 'pipeline', 'dist', 'cli.mjs'), ...args], { cwd: src, env, secrets: ctx.secrets, ...left() });
    log(`rebuilding the image on ${formatDigestReference(chart.facts.base)}`);
    const rebuiltImage = JSON.parse((await cli(['image', '--base-image', formatDigestReference(chart.facts.base), ...facts])).stdout) as { digest: string };
    log('repackaging the chart');
    const rebuiltChart = JSON.parse((await cli(['chart-package', '--image', formatDigestReference(image), ...facts])).stdout) as { digest: string };
    const result = {
      revision: source.revision,
      source: source.repository,
      image: { released: image.digest, rebuilt: rebuiltImage.digest, matches: image.digest === rebuiltImage.digest },
      chart: { released: options.chart.digest, rebuilt: rebuiltChart.digest, matches: options.chart.digest === rebuiltChart.digest },
    };
    return { ...result, matches: result.image.matches && result.chart.matches };
  } finally {
    await release();
  }
}

export function formatReproduction(r: Reproduction): string {
  const line = (what: string, x: { released: string; rebuilt: string; matches: boolean }) =>
    `${x.matches ? '✔' : '✘'} ${what} released ${x.released}\n  ${' '.repeat(what.length)} rebuilt  ${x.rebuilt}`;
  return [
    `rebuilt ${r.source}@${r.revision.slice(0, 12)}`,
    line('image', r.image),
    line('chart', r.chart),
    r.matches ? 'REPRODUCED: the rebuilt image and chart have the released digests' : 'NOT REPRODUCED',
  ].join('\n');
}

export async function reproduceCommand(options: ReproduceOptions): Promise<number> {
  const result = await withRegistryAccess(options.chart.registry, options.plainHttp, (ctx) =>
    reproduce(options, ctx, (l) => process.stderr.write(`reproduce: ${l}\n`)),
  );
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatReproduction(result)}\n`);
  return result.matches ? 0 : 1;
}
