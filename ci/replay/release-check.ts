// The replay's end: the pipeline CLI runs a `release` inside the replayed toolbox, as a Dagger
// function would, against a registry on this machine, and this machine runs the same release of
// the same commit; both must publish the same image and chart digests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommitFacts } from '@release-pipeline/core/chart-package.js';
import { releaseArgs } from '@release-pipeline/core/step-args.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { CLI } from '../src/toolbox-plan.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { freePort } from '@release-pipeline/pipeline/free-port.js';
import { gitFacts } from '@release-pipeline/pipeline/git.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';
import { startLocalRegistry } from '@release-pipeline/pipeline/registry/local-registry.js';
import { execIn, type Replayed } from './replay.js';

export interface ReleaseComparison {
  host: { image: string; chart: string };
  toolbox: { image: string; chart: string };
  same: boolean;
}

/** The commit's facts, given as arguments (the module's source has no .git), as the workflows give them. */
async function commitFacts(): Promise<CommitFacts> {
  const { revision, commitTime, commitCount } = await gitFacts(projectRoot);
  return { revision, commitTime, commitCount };
}

const host = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  run(process.execPath, [join(projectRoot, 'pipeline', 'dist', 'cli.mjs'), ...args], { cwd: projectRoot, env, timeoutMs: 1_800_000 });

/** Releases the commit from the toolbox and from this machine into one registry; compares the digests. */
export async function compareReleases(toolbox: Replayed, log: (line: string) => void): Promise<ReleaseComparison> {
  const storage = await mkdtemp(join(tmpdir(), 'replay-registry-'));
  const out = await mkdtemp(join(tmpdir(), 'replay-host-out-'));
  const registry = await startLocalRegistry({ storageDir: storage, port: await freePort(), log });
  try {
    // One base image for both (the host's Node runtime, pushed by digest): what is compared is the
    // pipeline's work, not which Node each machine has.
    const base = (JSON.parse((await host(['image', '--registry', `${registry.address}/bases`, '--base-image', 'host', '--json'])).stdout) as { base: string })
      .base;
    const args = releaseArgs({
      registry: `${registry.address}/replay`,
      plainHttp: true,
      signing: { kind: 'embedded-key' },
      baseImage: base,
      skipTests: true,
      commit: await commitFacts(),
      sourceUrl: 'https://github.com/OWNER/REPO',
    });
    log(`replay: release on this machine: ${args.join(' ')}`);
    const onHost = JSON.parse((await host(args, { ...process.env, PIPELINE_OUT_DIR: out })).stdout) as ReleaseSummary;
    log('replay: the same release inside the toolbox');
    const inBox = JSON.parse((await execIn(toolbox, [...CLI, ...args], { timeoutMs: 1_800_000 })).stdout) as ReleaseSummary;
    const pick = (s: ReleaseSummary) => ({ image: s.image.ref, chart: s.chart.ref });
    const comparison = { host: pick(onHost), toolbox: pick(inBox) };
    return { ...comparison, same: JSON.stringify(comparison.host) === JSON.stringify(comparison.toolbox) };
  } finally {
    await registry.stop();
    await rm(storage, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
}
