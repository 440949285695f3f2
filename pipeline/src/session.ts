// What every command starts from: the registry (the embedded one, started for the run, or the
// given one, checked), credentials, the commit's facts and the release identity. Everything it
// starts is registered for cleanup, so it is stopped on every exit path, signals included.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseVersion, rfc3339 } from '@release-pipeline/core/chart-package.js';
import { parseRegistryTarget, type RegistryTarget } from '@release-pipeline/core/reference.js';
import { StepCache } from './cache.js';
import { onCleanup } from './cleanup.js';
import type { StepContext } from './context.js';
import { checkCredentialEnv, registryCredentials } from './credentials.js';
import { gitFacts, sourceUrl, type LocalCommit } from './git.js';
import type { PipelineOptions } from './options.js';
import { outPaths, projectRoot, type OutPaths } from './paths.js';
import { Progress } from './progress.js';
import { defaultRegistryPort, startLocalRegistry } from './registry/local-registry.js';
import { checkRegistryReachable } from './registry/preflight.js';
import { IMAGE_NAME } from './artifacts.js';

export interface PipelineEnvironment {
  root?: string;
  out?: OutPaths;
  env?: NodeJS.ProcessEnv;
  progress?: Progress;
}

export interface Session {
  ctx: StepContext;
  /** The commit released: given, or read from .git (with whether the work tree had changes). */
  commit: LocalCommit;
  /** True when the registry is the embedded one this run started. */
  embedded: boolean;
  /** Stops and removes what the session started (also run on signals). */
  close(): Promise<void>;
  /** Adds something started during the session to what close() stops. */
  adopt(release: () => Promise<void>): void;
}

/** What a command needs from its session: a registry (started or checked) and the commit's facts. */
export interface SessionNeeds {
  registry: boolean;
  /** False for commands that stamp no commit (build, test, sign): they run on a source without .git. */
  commit: boolean;
}

/** The facts of a command that stamps no commit, run on a source without .git: never written anywhere. */
const NO_COMMIT: LocalCommit = { revision: '0'.repeat(40), commitTime: 0, commitCount: 0, dirty: false };

/** Opens a session; on any failure while opening, what was already started is stopped again. */
export async function openSession(
  options: PipelineOptions,
  environment: PipelineEnvironment = {},
  needs: SessionNeeds = { registry: true, commit: true },
): Promise<Session> {
  const root = environment.root ?? projectRoot;
  const out = environment.out ?? outPaths();
  const env = environment.env ?? process.env;
  const progress = environment.progress ?? new Progress();
  const releases: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const release of releases.reverse()) await release();
  };
  checkCredentialEnv(env);
  try {
    await mkdir(out.root, { recursive: true });
    let target: RegistryTarget = { registry: '', namespace: '' };
    let embedded = false;
    if (options.registry) {
      target = parseRegistryTarget(options.registry);
      if (needs.registry) await progress.step('registry', async () => checkRegistryReachable(target.registry, { plainHttp: options.plainHttp }));
    } else if (needs.registry) {
      const port = defaultRegistryPort(env);
      const registry = await progress.step('registry', () => startLocalRegistry({ storageDir: out.registry, port, log: (l) => progress.info(l) }));
      releases.push(onCleanup(() => registry.stop()));
      target = { registry: registry.address, namespace: '' };
      embedded = true;
    } else {
      target = { registry: `127.0.0.1:${defaultRegistryPort(env)}`, namespace: '' };
    }
    const credentials = await registryCredentials(target.registry, env);
    releases.push(onCleanup(() => credentials.dispose()));

    const commit: LocalCommit = options.commit
      ? { ...options.commit, dirty: false }
      : await gitFacts(root).catch((err: unknown) => {
          if (needs.commit) throw err;
          return NO_COMMIT;
        });
    const appPackage = JSON.parse(await readFile(join(root, 'app', 'package.json'), 'utf8')) as { version: string };
    const version = releaseVersion(appPackage.version, commit);
    const ctx: StepContext = {
      root,
      out,
      cache: new StepCache(join(out.cache, 'steps')),
      progress,
      release: {
        title: IMAGE_NAME,
        version,
        revision: commit.revision,
        source: options.sourceUrl ?? sourceUrl(commit.remote, env),
        created: rfc3339(commit.commitTime),
      },
      target,
      access: { plainHttp: options.plainHttp },
      toolEnv: credentials.env,
      helmRegistryConfig: credentials.helmRegistryConfig,
      secrets: [...credentials.secrets],
    };
    return { ctx, commit, embedded, close, adopt: (release) => void releases.push(release) };
  } catch (err) {
    await close();
    throw err;
  }
}
