// The Dagger module without an engine: its lazy container chains are built and inspected (nothing
// runs until awaited), its images are all pinned, and no secret ever reaches an argument list.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dag, type Container } from '@dagger.io/dagger';
import { describe, expect, it } from 'vitest';
import { PINNED_IMAGES } from '../src/images.js';
import { ReleasePipeline } from '../src/index.js';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));
const D = `sha256:${'ef'.repeat(32)}`;

interface Step {
  operation: string;
  args?: Record<string, unknown>;
}

function steps(c: Container): Step[] {
  return (c as unknown as { _ctx: { _queryTree: Step[] } })._ctx._queryTree;
}

function execArgs(c: Container): string[][] {
  return steps(c)
    .filter((s) => s.operation === 'withExec')
    .map((s) => s.args!.args as string[]);
}

describe('pinned images', () => {
  it('every image carries a tag for people and a digest for machines', () => {
    for (const [name, ref] of Object.entries(PINNED_IMAGES)) {
      expect(ref, name).toMatch(/^[a-z0-9.-]+(\/[a-z0-9._-]+)*:[A-Za-z0-9._-]+@sha256:[a-f0-9]{64}$/);
    }
  });

  it('no module source names an image anywhere but images.ts', () => {
    const files = readdirSync(srcDir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts') && f !== 'images.ts');
    for (const f of files) {
      const text = readFileSync(join(srcDir, f), 'utf8');
      expect(text, f).not.toMatch(/\.from\(\s*['"`]/);
      expect(text, f).not.toMatch(/['"`][a-z0-9.-]+\/[a-z0-9/._-]+:[A-Za-z0-9._-]+['"`]/);
    }
  });

  it('no module source reads a secret as plain text', () => {
    for (const f of readdirSync(srcDir, { recursive: true }).map(String).filter((x) => x.endsWith('.ts'))) {
      expect(readFileSync(join(srcDir, f), 'utf8'), f).not.toMatch(/\.plaintext\s*\(/);
    }
  });
});

describe('the module object, built with no engine', () => {
  const pipeline = new ReleasePipeline(dag.directory());
  const password = dag.setSecret('registry-password', 'Very-Secret-Registry-Pw');
  const key = dag.setSecret('cosign-key', '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----');
  const keyPassword = dag.setSecret('cosign-key-password', 'Very-Secret-Key-Pw');
  const token = dag.setSecret('oidc-token', 'Very-Secret-Oidc-Token');

  it('signs by digest with a key: secrets mounted or in secret variables, never in arguments', () => {
    const c = pipeline.signer(`ghcr.io/o/koa-service@${D}`, { key, keyPassword, registryUsername: 'bot', registryPassword: password });
    const all = steps(c);
    const execs = execArgs(c);
    expect(execs).toEqual([
      ['login', 'ghcr.io', '--username', 'bot', '--password-stdin'],
      ['sign', '--yes', '--new-bundle-format=false', '--key', '/run/secrets/cosign.key', '--tlog-upload=false', '--use-signing-config=false', `ghcr.io/o/koa-service@${D}`],
    ]);
    const login = all.find((s) => s.operation === 'withExec' && (s.args!.args as string[])[0] === 'login')!;
    expect(login.args!.redirectStdin).toBe('/run/secrets/registry-password');
    expect(all.filter((s) => s.operation === 'withMountedSecret').map((s) => s.args!.path)).toEqual(['/run/secrets/registry-password', '/run/secrets/cosign.key']);
    expect(all.filter((s) => s.operation === 'withSecretVariable').map((s) => s.args!.name)).toEqual(['COSIGN_PASSWORD']);
    for (const args of execs) for (const a of args) expect(a).not.toMatch(/Very-Secret|password=|^-p$|--registry-password|--key-password|env:\/\//);
  });

  it('signs keyless with the GitHub OIDC request token as a secret variable', () => {
    const c = pipeline.signer(`ghcr.io/o/koa-service@${D}`, { oidcRequestUrl: 'https://token.example/req', oidcRequestToken: token });
    const all = steps(c);
    expect(execArgs(c)).toEqual([['sign', '--yes', '--new-bundle-format=false', `ghcr.io/o/koa-service@${D}`]]);
    expect(all.find((s) => s.operation === 'withSecretVariable')?.args?.name).toBe('ACTIONS_ID_TOKEN_REQUEST_TOKEN');
    expect(all.find((s) => s.operation === 'withEnvVariable' && s.args!.name === 'ACTIONS_ID_TOKEN_REQUEST_URL')?.args?.value).toBe('https://token.example/req');
  });

  it('every argument of every exec is a plain string (no Secret object can slip in)', () => {
    const c = pipeline.signer(`ghcr.io/o/koa-service@${D}`, { key, keyPassword, registryUsername: 'bot', registryPassword: password });
    for (const args of execArgs(c)) for (const a of args) expect(typeof a).toBe('string');
  });

  it('refuses to sign a tag, or without a way to sign', () => {
    expect(() => pipeline.signer('ghcr.io/o/koa-service:latest', { key })).toThrow(/must be referenced by digest/);
    expect(() => pipeline.signer(`ghcr.io/o/koa-service@${D}`, {})).toThrow(/sign needs --key/);
  });

  it('the cosign image is the pinned one', () => {
    const c = pipeline.signer(`ghcr.io/o/koa-service@${D}`, { key });
    expect(steps(c).find((s) => s.operation === 'from')?.args?.address).toBe(PINNED_IMAGES.COSIGN_IMAGE);
  });
});
