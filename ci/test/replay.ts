// Runs one toolbox exec of the pipeline CLI on this host, exactly as the module's container would:
// the same compiled CLI and arguments, the same environment and secret variables, secret and input
// files written where the mounts would put them (their paths in the arguments mapped to them). The
// module's own folders (PIPELINE_OUT_DIR=/out …) point at this host's instead.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, TOOLS } from '../src/toolbox.js';
import { tool, type ToolName } from '@release-pipeline/pipeline/tools.js';
import { runCli } from '@release-pipeline/pipeline/test/fixtures.js';
import { execState, FakeEngine, type Call, type Ref } from './fake-engine.js';

export interface Replay {
  /** The CLI's arguments, as run. */
  args: string[];
  stdout: string;
  stderr: string;
}

/** What the replayed execs ran (their CLI arguments) and said (stdout, stderr, failures). */
export interface ReplayLog {
  replayed: string[][];
  said: string[];
}

/** A started fake engine that replays each exec the module awaits output of on this host, into `log`. */
export async function replayingEngine(folders: { out: string; cache: string }, log: ReplayLog): Promise<FakeEngine> {
  const engine = new FakeEngine(async (chain) => {
    if (chain.at(-1)!.field !== 'stdout') return '';
    const r = await replayOnHost(chain, folders).catch((err: Error) => {
      log.said.push(err.message);
      throw err;
    });
    log.replayed.push(r.args);
    log.said.push(r.stdout, r.stderr);
    return r.stdout;
  });
  await engine.start();
  return engine;
}

/** A folder with this machine's builds of exactly the tools the chain's toolbox copies in (one stage each). */
async function toolsOf(chain: readonly Call[], files: string): Promise<string> {
  const dir = join(files, 'tools');
  await mkdir(dir);
  for (const c of chain) {
    if (c.field !== 'withDirectory' || c.args.path !== TOOLS) continue;
    const built = execState((c.args.source as Ref).chain).execs.at(-1)!;
    const name = built.at(-1)! as ToolName;
    await symlink(tool(name), join(dir, name));
  }
  return dir;
}

export async function replayOnHost(chain: readonly Call[], folders: { out: string; cache: string }): Promise<Replay> {
  const state = execState(chain);
  const argv = state.execs.at(-1)!;
  if (argv[0] !== CLI[0] || argv[1] !== CLI[1]) throw new Error(`not a pipeline CLI exec: ${argv.join(' ')}`);
  let args = argv.slice(2);
  const files = await mkdtemp(join(tmpdir(), 'mounts-'));
  const place = async (i: string, mounted: string, contents: string, mode: number) => {
    const path = join(files, i);
    await writeFile(path, contents, { mode });
    args = args.map((a) => (a === mounted ? path : a));
  };
  for (const [i, m] of state.secretMounts.entries()) await place(`secret-${i}`, m.path, m.plaintext, 0o400);
  for (const [i, f] of state.files.entries()) await place(`file-${i}`, f.path, f.contents ?? '', 0o644);
  const env: Record<string, string> = { ...state.env, PIPELINE_OUT_DIR: folders.out, PIPELINE_CACHE_DIR: folders.cache };
  delete env.PATH;
  // Only the tools this function's toolbox builds: a step that runs another one fails as in the engine.
  env.PIPELINE_TOOLS_DIR = await toolsOf(chain, files);
  const r = await runCli(args, { ...env, ...state.secretEnv });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return { args, stdout: r.stdout, stderr: r.stderr };
}
