// Shared test fixtures: free ports, throwaway output folders (with one cache per test run), real
// registries, and the compiled CLI run as a process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outPaths, projectRoot, type OutPaths } from '../src/paths.js';
import { startLocalRegistry, type LocalRegistry } from '../src/registry/local-registry.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { cosignAttestArgs, type Policy, type PredicateType, type Signer } from '@release-pipeline/core/cosign-args.js';
import { parseToolsLock } from '@release-pipeline/core/provenance.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { run } from '../src/exec.js';
import { freePort } from '../src/free-port.js';
import { gitFacts } from '../src/git.js';
import { verifiedStatements } from '../src/clients/cosign.js';
import { tool } from '../src/tools.js';

/**
 * One cache for this test run, made by the global setup and removed after it (so the host base image
 * is built once per run, never reused from an earlier run).
 */
export const SHARED_CACHE = process.env.PIPELINE_TEST_CACHE ?? join(tmpdir(), `pipeline-test-cache-${process.pid}`);

export { freePort } from '../src/free-port.js';

export async function tempOut(label: string): Promise<OutPaths> {
  const root = await mkdtemp(join(tmpdir(), `pipeline-${label}-`));
  return { ...outPaths(root), cache: SHARED_CACHE };
}

export async function testRegistry(label: string, htpasswd?: string): Promise<LocalRegistry & { storage: string }> {
  const storage = await mkdtemp(join(tmpdir(), `registry-${label}-`));
  const registry = await startLocalRegistry({ storageDir: storage, port: await freePort(), htpasswd });
  return { ...registry, storage };
}

export async function readSummary(out: OutPaths): Promise<ReleaseSummary> {
  return JSON.parse(await readFile(out.release, 'utf8')) as ReleaseSummary;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * This checkout's HEAD, as facts given on the command line: a release made with them says what was
 * committed, whatever uncommitted changes the work tree has (those would mark it dirty).
 */
export async function headCommit(): Promise<{ revision: string; commitTime: number; commitCount: number }> {
  const { revision, commitTime, commitCount } = await gitFacts(projectRoot);
  return { revision, commitTime, commitCount };
}

/** The verification-summary check the README prints: only PASSED summaries pass (policy/vsa-passed.rego). */
export function vsaCheckArgs(target: string, publicKey: string): string[] {
  const policy = join(projectRoot, 'policy', 'vsa-passed.rego');
  return ['verify-attestation', '--type', 'https://slsa.dev/verification_summary/v1', '--policy', policy, '--key', publicKey, '--insecure-ignore-tlog', target];
}

/** The host's Node base image, pushed by digest to REGISTRY/bases (what `image --base-image host` does); its reference. */
export async function hostBaseIn(registry: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCli(['image', '--registry', `${registry}/bases`, '--base-image', 'host', '--json'], env);
  if (r.code !== 0) throw new Error(`the host base image did not build: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { base: string }).base;
}

/** A PATH where `cosign` is the given major, so a printed command runs unchanged. */
export async function pathWithCosign(binary: 'cosign' | 'cosign-v2'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${binary}-path-`));
  await symlink(tool(binary), join(dir, 'cosign'));
  return `${dir}:${process.env.PATH}`;
}

/**
 * `npm run pipeline -- --sigstore local --skip-tests`, as a user runs it (the CLI makes its own
 * network namespace), then its registry's storage served again on the host, as `npm run registry`
 * does: the printed commands work against it. Stop `served` after.
 */
export async function localKeylessRelease(label: string): Promise<{ summary: ReleaseSummary; output: string; served: LocalRegistry }> {
  const out = await mkdtemp(join(tmpdir(), `${label}-out-`));
  const port = await freePort();
  const r = await runCli(['--sigstore', 'local', '--skip-tests', '--json'], {
    PIPELINE_OUT_DIR: out,
    PIPELINE_CACHE_DIR: SHARED_CACHE,
    PIPELINE_REGISTRY_PORT: String(port),
  });
  if (r.code !== 0) throw new Error(`the keyless release failed: ${r.stderr}`);
  const served = await startLocalRegistry({ storageDir: join(out, 'registry'), port });
  return { summary: JSON.parse(r.stdout) as ReleaseSummary, output: r.stdout + r.stderr, served };
}

/** The compiled command line (pipeline/dist/cli.mjs, built by the tests' global setup), as a real process. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child: ChildProcess = spawn(process.execPath, [join(projectRoot, 'pipeline', 'dist', 'cli.mjs'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Attaches to `to` the predicate of `from`'s verified attestation of `type` (edited if asked), signed
 * by `signer` with the real cosign: crafted charts and images get a release's provenance this way.
 */
export async function attestLike(
  from: string,
  to: string,
  type: PredicateType,
  trust: { policy: Policy; signer: Signer; password?: string },
  edit: (predicate: any) => unknown = (p) => p,
): Promise<void> {
  const [statement] = await verifiedStatements({ toolEnv: process.env, secrets: [], access: {} }, trust.policy, parseDigestReference(from), type);
  const dir = await mkdtemp(join(tmpdir(), 'attest-like-'));
  const file = join(dir, 'predicate.json');
  await writeFile(file, JSON.stringify(edit(structuredClone(statement!.predicate))));
  await run(tool('cosign'), cosignAttestArgs(parseDigestReference(to), trust.signer, file, type), {
    env: { ...process.env, COSIGN_PASSWORD: trust.password ?? '' },
  });
}

/**
 * Builds a Go helper of the tests (a folder under pipeline/test with its own go.mod and go.sum) as
 * install-tools.sh builds the tools: its Go caches and tools.lock's toolchain; the binary's path.
 */
export async function buildGoHelper(folder: string): Promise<string> {
  const toolchain = parseToolsLock(await readFile(join(projectRoot, 'tools.lock'), 'utf8')).find((p) => p.scope === 'toolchain')!.version;
  const binary = join(await mkdtemp(join(tmpdir(), `${folder}-`)), folder);
  await run(
    'bash',
    ['-c', 'source "$0/scripts/locations.sh" && GOTOOLCHAIN="$1" GOFLAGS=-mod=readonly exec go build -o "$2" .', projectRoot, toolchain, binary],
    { cwd: join(projectRoot, 'pipeline', 'test', folder), timeoutMs: 600_000 },
  );
  return binary;
}
