// Secrets (registry password, key password) never appear in output, logs or release.json; they are
// taken from the environment only, and a registry that wants them says so.
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/exec.js';
import { tool } from '../src/tools.js';
import { runCli, SHARED_CACHE, testRegistry } from './fixtures.js';

const USER = 'ci-bot';
const REGISTRY_PASSWORD = 'Reg1stry-Pa55-8c1f0e';
const KEY_PASSWORD = 'K3y-Pa55phrase-77d2a1';
let registry: Awaited<ReturnType<typeof testRegistry>>;
let keyDir: string;

beforeAll(async () => {
  const htpasswd = join(await mkdtemp(join(tmpdir(), 'htpasswd-')), 'htpasswd');
  await writeFile(htpasswd, `${USER}:${bcrypt.hashSync(REGISTRY_PASSWORD, 10)}\n`);
  registry = await testRegistry('auth', htpasswd);
  keyDir = await mkdtemp(join(tmpdir(), 'key-'));
  await run(tool('cosign'), ['generate-key-pair', '--output-key-prefix', join(keyDir, 'release')], { env: { ...process.env, COSIGN_PASSWORD: KEY_PASSWORD } });
});
afterAll(async () => registry?.stop());

async function everyFile(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await everyFile(path)));
    else out.push(path);
  }
  return out;
}

describe('credentials from the environment', () => {
  it('without them, the push fails and says what to set', async () => {
    const r = await runCli(['--registry', `${registry.address}/team`, '--base-image', 'host', '--skip-tests'], {
      PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')),
      PIPELINE_CACHE_DIR: SHARED_CACHE,
      REGISTRY_USERNAME: '',
      REGISTRY_PASSWORD: '',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('wants credentials: set REGISTRY_USERNAME and REGISTRY_PASSWORD');
  }, 180_000);

  it('with them, the release succeeds and no secret shows anywhere', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'out-'));
    const r = await runCli(['--registry', `${registry.address}/team`, '--base-image', 'host', '--skip-tests', '--key', join(keyDir, 'release.key'), '--json'], {
      PIPELINE_OUT_DIR: outDir,
      PIPELINE_CACHE_DIR: SHARED_CACHE,
      REGISTRY_USERNAME: USER,
      REGISTRY_PASSWORD,
      COSIGN_PASSWORD: KEY_PASSWORD,
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { image: { ref: string }; signing: { kind: string } };
    expect(summary.image.ref).toMatch(new RegExp(`^${registry.address}/team/koa-service@sha256:`));
    expect(summary.signing.kind).toBe('key');

    const forbidden = [REGISTRY_PASSWORD, KEY_PASSWORD, Buffer.from(`${USER}:${REGISTRY_PASSWORD}`).toString('base64')];
    const texts = [r.stdout, r.stderr];
    for (const file of await everyFile(outDir)) if (!file.includes(`${join(outDir, 'work')}`)) texts.push(await readFile(file, 'utf8'));
    for (const text of texts) for (const secret of forbidden) expect(text).not.toContain(secret);
    // The private docker config holding the password was removed.
    const leftovers = (await readdir(tmpdir())).filter((n) => n.startsWith('pipeline-auth-'));
    for (const dir of leftovers) expect(await readdir(join(tmpdir(), dir)).catch(() => [])).toEqual([]);
  }, 180_000);

  it('a wrong key password is named without being shown', async () => {
    const r = await runCli(['--registry', `${registry.address}/team`, '--skip-tests', '--key', join(keyDir, 'release.key')], {
      PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')),
      REGISTRY_USERNAME: USER,
      REGISTRY_PASSWORD,
      COSIGN_PASSWORD: 'Wrong-Pa55-0000',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not read the signing key .*release\.key \(is COSIGN_PASSWORD right\?\)/);
    expect(r.stderr).not.toContain('Wrong-Pa55-0000');
  }, 60_000);
});
