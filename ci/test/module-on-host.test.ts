// The Dagger module's functions, run for real without an engine: the SDK sends its queries to the
// fake engine session, and each exec of the pipeline CLI is replayed on this host exactly as the
// toolbox would run it: the same compiled CLI, the same argument list, the same environment and
// secret variables, the secret files written where the mounts would put them. Against a real
// registry that wants a login, with the real cosign, helm and crane. Then the same release made
// directly with `npm run pipeline`'s CLI must give the same digests.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { dag } from '@dagger.io/dagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { ReleasePipeline, type Release } from '../src/index.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { gitFacts } from '@release-pipeline/pipeline/git.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';
import { statementsIn } from '@release-pipeline/pipeline/clients/cosign.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { hostBaseIn, runCli, SHARED_CACHE, testRegistry } from '@release-pipeline/pipeline/test/fixtures.js';
import { callModule, type FakeEngine } from './fake-engine.js';
import { replayingEngine } from './replay.js';

const USER = 'release-bot';
const PASSWORD = 'Module-Registry-Pw-5e1d';
const KEY_PASSWORD = 'Module-Key-Pw-90ab';

let registry: Awaited<ReturnType<typeof testRegistry>>;
let engine: FakeEngine;
let keyDir: string;
let out: string;
let base: string;
let git: { revision: string; commitTime: number; commitCount: number };
const said: string[] = [];
const replayed: string[][] = [];

beforeAll(async () => {
  const htpasswd = join(await mkdtemp(join(tmpdir(), 'htpasswd-')), 'htpasswd');
  await writeFile(htpasswd, `${USER}:${bcrypt.hashSync(PASSWORD, 10)}\n`);
  registry = await testRegistry('module-on-host', htpasswd);
  keyDir = await mkdtemp(join(tmpdir(), 'module-key-'));
  await run(tool('cosign'), ['generate-key-pair', '--output-key-prefix', join(keyDir, 'release')], { env: { ...process.env, COSIGN_PASSWORD: KEY_PASSWORD } });
  await chmod(join(keyDir, 'release.key'), 0o600);
  out = await mkdtemp(join(tmpdir(), 'module-out-'));
  const facts = await gitFacts(projectRoot);
  git = { revision: facts.revision, commitTime: facts.commitTime, commitCount: facts.commitCount };

  // A base image by digest in the same registry (the host's Node: this machine cannot pull distroless).
  base = await hostBaseIn(registry.address, { REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: PASSWORD, PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE });

  engine = await replayingEngine({ out, cache: SHARED_CACHE }, { said, replayed });
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  await registry?.stop();
});

const call = <T>(work: (p: ReleasePipeline) => Promise<T>): Promise<T> => callModule(engine, work);

describe('dagger call release, replayed on this host', () => {
  let release: Release;
  let direct: ReleaseSummary;

  beforeAll(async () => {
    const key = await readFile(join(keyDir, 'release.key'), 'utf8');
    release = await call((p) =>
      p
        .withCommit(git.revision, git.commitTime, git.commitCount)
        .withRegistryAuth(USER, dag.setSecret('password', PASSWORD))
        .withKey(dag.setSecret('key', key), dag.setSecret('key-password', KEY_PASSWORD))
        .release(`${registry.address}/team`, false, base, true),
    );
    // The same release, made directly with the CLI and the same inputs.
    const r = await runCli(
      ['release', '--registry', `${registry.address}/team`, '--key', join(keyDir, 'release.key'), '--base-image', base, '--skip-tests', '--json'],
      {
        REGISTRY_USERNAME: USER,
        REGISTRY_PASSWORD: PASSWORD,
        COSIGN_PASSWORD: KEY_PASSWORD,
        PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'direct-out-')),
        PIPELINE_CACHE_DIR: SHARED_CACHE,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    said.push(r.stdout, r.stderr);
    direct = JSON.parse(r.stdout) as ReleaseSummary;
    expect(r.stderr).toContain('cached: all 3 already signed by this signer');
  }, 300_000);

  it('publishes, signs and verifies with the secrets the module mounts, and returns the release', () => {
    expect(release.image).toMatch(new RegExp(`^${registry.address}/team/koa-service@sha256:[a-f0-9]{64}$`));
    expect(release.chart).toMatch(new RegExp(`^${registry.address}/team/charts/koa-service@sha256:[a-f0-9]{64}$`));
    expect(release.revision).toBe(git.revision);
    expect(replayed.at(-1)).toEqual(expect.arrayContaining(['release', '--key', '--base-image', base, '--revision', git.revision]));
  });

  it('gives the same image and chart digests as the same release made directly', () => {
    expect(release.image).toBe(direct.image.ref);
    expect(release.chart).toBe(direct.chart.ref);
  });

  it('the stock cosign verifies what the module signed, against the public key', async () => {
    for (const ref of [release.image, release.chart]) {
      await run(tool('cosign'), ['verify', '--key', join(keyDir, 'release.pub'), '--insecure-ignore-tlog', ref], {
        env: { ...process.env, REGISTRY_USERNAME: '', DOCKER_CONFIG: await dockerConfig() },
      });
    }
  });

  it('the module attached the SBOM and SLSA provenance: the stock cosign verifies them, and they name the dagger runner', async () => {
    const env = { ...process.env, REGISTRY_USERNAME: '', DOCKER_CONFIG: await dockerConfig() };
    const trust = ['--key', join(keyDir, 'release.pub'), '--insecure-ignore-tlog'];
    const policy = join(await mkdtemp(join(tmpdir(), 'rego-')), 'provenance.rego');
    await writeFile(policy, release.provenancePolicy);
    for (const [type, ref, extra] of [
      ['slsaprovenance1', release.image, ['--policy', policy]],
      ['slsaprovenance1', release.chart, ['--policy', policy]],
      ['spdxjson', release.image, []],
    ] as const) {
      const { stdout } = await run(tool('cosign'), ['verify-attestation', '--type', type, ...extra, ...trust, ref], { env });
      const statement = statementsIn(stdout).pop()! as { predicate: any };
      if (type === 'slsaprovenance1') expect(statement.predicate.buildDefinition.internalParameters.runner).toBe('dagger');
    }
    expect(release.verifyProvenance).toMatch(/^cosign verify-attestation --type slsaprovenance1 --policy /);
    expect(release.verifySbom).toMatch(/^cosign verify-attestation --type spdxjson /);
    // The same release made directly found them there already: one implementation, the same attestations.
    expect(said.join('\n')).toContain('cached: all 3 already attached by this signer');
  });

  it('dagger call verify, with the same credentials, verifies the whole release from its chart', async () => {
    const pub = await readFile(join(keyDir, 'release.pub'), 'utf8');
    const tree = await call((p) =>
      p.withRegistryAuth(USER, dag.setSecret('password', PASSWORD)).verify(release.chart, dag.directory().withNewFile('cosign.pub', pub).file('cosign.pub')),
    );
    expect(tree).toContain('VERIFIED');
    expect(tree).toContain(release.image);
  });

  it('never shows a secret in any output', () => {
    for (const text of said) for (const secret of [PASSWORD, KEY_PASSWORD]) expect(text).not.toContain(secret);
  });
});

/** A docker config with the test registry's login, for the stock cosign run by hand. */
async function dockerConfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-config-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.address]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
  return dir;
}
