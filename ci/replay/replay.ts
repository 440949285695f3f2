// Executes a stage of the toolbox (ci/src/toolbox-plan.ts, what the Dagger module renders) for real:
// `from` copies the image's root file system (./image-root.ts) and starts from the image's own
// environment, working directory and user; `exec` runs in a chroot with a mount and PID namespace of
// its own, nothing of this machine's PATH or environment visible, as the stage's user; cache volumes
// are folders kept outside the clone; `temp` is a tmpfs; `files` copies the repository (as the
// module's source directory holds it) or the listed paths.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_FACTS, type ToolboxImage } from '@release-pipeline/core/images.js';
import type { Op, Stage } from '../src/toolbox-plan.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { goCaches } from '@release-pipeline/pipeline/locations.mjs';
import { imageRoot, replayHome, ReplayError } from './image-root.js';

/** A container as the replay holds it: a root folder and the configuration Dagger would carry. */
export interface Replayed {
  root: string;
  env: Map<string, string>;
  workdir: string;
  user: string;
  caches: Array<{ path: string; host: string }>;
  temps: string[];
}

export interface ReplayOptions {
  /** The repository as the module's source directory: a folder whose files `files` copies. */
  source: string;
  /** Where the replay's containers live (removed by the caller). */
  work: string;
  /** The host folder of a cache volume. */
  volume(name: string): string;
  log(line: string): void;
  /** Stream the commands' output as they run (the command line does; the tests keep it). */
  echo?: boolean;
  /**
   * Reuse a stage's output when its steps and the files it copies are unchanged, as an engine's
   * layer cache does (default); false: run every step (a cold engine).
   */
  layerCache?: boolean;
}

/**
 * Cache volumes as folders on this machine. Go's caches are content-addressed, so the module's Go
 * volumes are the host's own caches (what install-tools.sh fills): a faster start, the same
 * results. The step cache is fresh for every replay; the rest are kept under the replay's folder.
 */
export function machineVolumes(stepCache: string): (name: string) => string {
  const go = goCaches();
  return (name) =>
    ({ 'release-pipeline-go-mod': go.GOMODCACHE, 'release-pipeline-go-build': go.GOCACHE, 'release-pipeline-steps': stepCache })[name] ??
    join(replayHome(), 'volumes', name);
}

let containers = 0;

/** Runs every step of a stage; returns the container it leaves. */
export async function replayStage(stage: Stage, o: ReplayOptions): Promise<Replayed> {
  let ctr: Replayed | undefined;
  for (const step of stage.ops) {
    if (step.op === 'from') ctr = await fromImage(step.image, o);
    else if (!ctr) throw new ReplayError('step-failed', `stage ${stage.name} does not start with "from"`);
    else await apply(ctr, step, stage, o);
  }
  if (!ctr) throw new ReplayError('step-failed', `stage ${stage.name} has no steps`);
  return ctr;
}

async function fromImage(image: ToolboxImage, o: ReplayOptions): Promise<Replayed> {
  const facts = IMAGE_FACTS[image];
  const root = join(o.work, `container-${++containers}`);
  await run('cp', ['-a', '--reflink=auto', await imageRoot(image, o.log), root]);
  return { root, env: new Map(facts.env), workdir: facts.workdir, user: facts.user, caches: [], temps: [] };
}

async function apply(ctr: Replayed, step: Exclude<Op, { op: 'from' }>, stage: Stage, o: ReplayOptions): Promise<void> {
  switch (step.op) {
    case 'user':
      ctr.user = step.user;
      return;
    case 'env':
      ctr.env.set(step.name, step.value);
      return;
    case 'cache': {
      const host = o.volume(step.volume);
      await mkdir(host, { recursive: true });
      ctr.caches.push({ path: step.path, host });
      return;
    }
    case 'files':
      await copySource(o.source, join(ctr.root, step.path), step.include);
      return;
    case 'stage':
      await mkdir(join(ctr.root, step.path), { recursive: true });
      await cp(await stageOutput(step.stage, o), join(ctr.root, step.path), { recursive: true, verbatimSymlinks: true });
      return;
    case 'workdir':
      ctr.workdir = step.path;
      await mkdir(join(ctr.root, step.path), { recursive: true });
      return;
    case 'exec':
      o.log(`replay [${stage.name}]: ${step.args.join(' ')}`);
      await execIn(ctr, step.args, { echo: o.echo ?? false });
      return;
    case 'temp':
      ctr.temps.push(step.path);
      return;
  }
}

/**
 * A stage's output folder: from the replay's layer cache when the stage's steps, its image's facts
 * and the files it copies are unchanged (an engine's cache key), else replayed and kept there.
 */
async function stageOutput(stage: Stage, o: ReplayOptions): Promise<string> {
  const key = await stageKey(stage, o.source);
  const kept = join(replayHome(), 'layers', key ?? 'none');
  if (key && o.layerCache !== false && existsSync(join(kept, '.complete'))) {
    o.log(`replay [${stage.name}]: cached`);
    return join(kept, 'output');
  }
  const started = performance.now();
  const ctr = await replayStage(stage, o);
  o.log(`replay [${stage.name}]: built in ${Math.round((performance.now() - started) / 100) / 10} s`);
  const output = key ? join(kept, 'output') : join(o.work, `output-${++containers}`);
  try {
    if (key) await rm(kept, { recursive: true, force: true });
    await cp(join(ctr.root, stage.output!), output, { recursive: true, verbatimSymlinks: true });
    if (key) await writeFile(join(kept, '.complete'), `${stage.name}\n`);
    return output;
  } finally {
    await rm(ctr.root, { recursive: true, force: true });
  }
}

/** What an engine keys a stage's layers on: its steps, its images' facts, the files it copies; none for a whole-repository copy. */
async function stageKey(stage: Stage, source: string): Promise<string | undefined> {
  // The replay's own version too: a change in how it builds images or runs steps is a new cache.
  const hash = createHash('sha256').update(REPLAY_VERSION).update(JSON.stringify(stage));
  for (const step of stage.ops) {
    if (step.op === 'from') hash.update(JSON.stringify(IMAGE_FACTS[step.image]));
    if (step.op === 'files' && !step.include) return undefined;
    if (step.op === 'files') for (const f of step.include ?? []) hash.update(f).update(await readFile(join(source, f)));
    if (step.op === 'stage') {
      const inner = await stageKey(step.stage, source);
      if (!inner) return undefined;
      hash.update(inner);
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/** Bumped whenever image-root.ts or execIn change what a step produces. */
const REPLAY_VERSION = 'replay-1';

/** The repository's files (tracked and not ignored), or only the paths given, into a folder. */
async function copySource(source: string, to: string, include?: readonly string[]): Promise<void> {
  await mkdir(to, { recursive: true });
  const files =
    include ?? (await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: source })).stdout.split('\0').filter(Boolean);
  for (const f of files) {
    await mkdir(join(to, f, '..'), { recursive: true });
    await copyFile(join(source, f), join(to, f)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // listed by git, deleted in the work tree
    });
  }
}

/** This machine's own CAs (its network's), as Dagger installs an engine's custom CAs into each container it runs. */
const CUSTOM_CAS = '/usr/local/share/ca-certificates';
async function machineCas(root: string): Promise<string[]> {
  const cas = (await readdir(CUSTOM_CAS).catch(() => [] as string[])).filter((f) => f.endsWith('.crt'));
  await mkdir(join(root, CUSTOM_CAS), { recursive: true });
  for (const ca of cas) await copyFile(join(CUSTOM_CAS, ca), join(root, CUSTOM_CAS, ca));
  return cas;
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Runs a command in the container: its own mount and PID namespaces (every mount and process goes
 * with it), /proc, /dev, the cache volumes and temps mounted, then chroot as the container's user
 * with exactly the container's environment (HOME as the engine sets it for root).
 */
export async function execIn(ctr: Replayed, args: readonly string[], options: { echo?: boolean; timeoutMs?: number } = {}): Promise<{ stdout: string }> {
  const r = ctr.root;
  await copyFile('/etc/resolv.conf', join(r, 'etc', 'resolv.conf')).catch(() => undefined);
  const env = new Map(ctr.env);
  if (!env.has('HOME')) env.set('HOME', '/root');
  const cas = await machineCas(r);
  // Node trusts only its own CA list unless told: the machine's CAs for npm, the replay's network only.
  if (cas.length > 0 && !env.has('NODE_EXTRA_CA_CERTS')) env.set('NODE_EXTRA_CA_CERTS', '/etc/ssl/certs/ca-certificates.crt');
  const mounts = [
    ...(cas.length > 0 ? [`chroot ${quote(r)} /usr/sbin/update-ca-certificates >/dev/null`] : []),
    `mount -t proc proc ${quote(join(r, 'proc'))}`,
    `mount --rbind /dev ${quote(join(r, 'dev'))}`,
    ...ctr.caches.map((c) => `mkdir -p ${quote(join(r, c.path))} && mount --bind ${quote(c.host)} ${quote(join(r, c.path))}`),
    ...ctr.temps.map((t) => `mkdir -p ${quote(join(r, t))} && mount -t tmpfs tmpfs ${quote(join(r, t))}`),
  ];
  const inside = [
    'chroot',
    `--userspec=${ctr.user}`,
    r,
    '/usr/bin/env',
    '-i',
    ...[...env].map(([k, v]) => `${k}=${v}`),
    '/bin/sh',
    '-c',
    'cd "$0" && exec "$@"',
    ctr.workdir,
    ...args,
  ];
  const script = `set -e\n${mounts.join('\n')}\nexec ${inside.map(quote).join(' ')}\n`;
  const file = join(await mkdtemp(join(replayHome(), 'exec-')), 'exec.sh');
  await writeFile(file, script);
  try {
    return await run('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', 'sh', file], {
      ownProcessGroup: true,
      echo: options.echo,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    await rm(join(file, '..'), { recursive: true, force: true });
  }
}
