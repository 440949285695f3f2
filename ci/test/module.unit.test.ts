// The Dagger module's wiring, held to what the real SDK sends an engine: each function is called
// through the SDK's own connection against a fake engine session (./fake-engine.ts) that records
// the GraphQL queries. From them: which image each exec runs in, as which user, with which
// environment, secrets and mounts, and the exact pipeline command. No private SDK field is read.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dag } from '@dagger.io/dagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED_IMAGES, RUNTIME_BASE_IMAGE } from '@release-pipeline/core/images.js';
import { ReleasePipeline, type Release } from '../src/index.js';
import { CALL_NONCE, KEY_PATH, TRUSTED_ROOT_PATH } from '../src/toolbox.js';
import { callModule, execState, FakeEngine, isRef, type Call, type ExecState } from './fake-engine.js';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));
const D = `sha256:${'ef'.repeat(32)}`;
const SECRETS = {
  password: 'Very-Secret-Registry-Pw',
  key: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----Very-Secret',
  keyPassword: 'Very-Secret-Key-Pw',
  token: 'Very-Secret-Oidc-Token',
};

const SUMMARY = {
  schema: 'signed-release-pipeline/release/v1',
  version: '0.1.0-dev.1.gabc',
  revision: 'a'.repeat(40),
  source: 'https://github.com/o/r',
  image: {
    repository: 'ghcr.io/acme/koa-service',
    digest: D,
    ref: `ghcr.io/acme/koa-service@${D}`,
    platforms: ['linux/amd64'],
    manifests: [],
    base: RUNTIME_BASE_IMAGE,
  },
  chart: {
    repository: 'ghcr.io/acme/charts/koa-service',
    digest: D,
    ref: `ghcr.io/acme/charts/koa-service@${D}`,
    name: 'koa-service',
    version: '0.1.0-dev.1.gabc',
  },
  signing: { kind: 'key', publicKey: '/out/keys/signer.pub' },
  verify: { image: 'cosign verify … image', chart: 'cosign verify … chart', release: 'npm run verify -- …' },
};

let engine: FakeEngine;
const outputs: string[] = [];

beforeAll(async () => {
  engine = new FakeEngine((chain) => {
    const leaf = chain[chain.length - 1]!.field;
    if (leaf === 'stdout') {
      const argv = execState(chain).execs.at(-1) ?? [];
      const command = argv[2];
      const answers: Record<string, unknown> = {
        release: SUMMARY,
        sign: { signed: [argv.at(-2)] },
        publish: { image: SUMMARY.image.ref, chart: SUMMARY.chart.ref },
      };
      const out = command && command in answers ? JSON.stringify(answers[command]) : '';
      outputs.push(out);
      return out;
    }
    return '';
  });
  await engine.start();
});
afterAll(() => engine.stop());

/** Runs module code inside an SDK connection to the fake engine; returns what it returned. */
const call = <T>(work: (p: ReleasePipeline) => Promise<T>): Promise<T> => callModule(engine, work);

const secret = (name: keyof typeof SECRETS) => dag.setSecret(name, SECRETS[name]);

/** The state of every container whose output was asked for, in order. */
function asked(field = 'stdout'): ExecState[] {
  return engine.queries.filter((q) => q.at(-1)!.field === field).map((q) => execState(q));
}

/** Every chain the module sent, with referenced objects expanded: what an engine would build. */
function allCalls(): Call[] {
  const seen: Call[] = [];
  const walk = (chain: readonly Call[]) => {
    for (const c of chain) {
      seen.push(c);
      for (const v of Object.values(c.args)) if (isRef(v)) walk(v.chain);
    }
  };
  for (const q of engine.queries) walk(q);
  return seen;
}

function uid(user: string): string {
  return user === '' ? '0' : user.split(':')[0]!;
}

/** The engine mounts a secret with its owner and mode (default root, 0400): can this user read it? */
function canRead(user: string, mount: { owner: string; mode?: number }): boolean {
  const mode = mount.mode ?? 0o400;
  if (uid(user) === '0') return true;
  if (uid(user) === mount.owner.split(':')[0]) return (mode & 0o400) !== 0;
  return (mode & 0o004) !== 0;
}

function expectNoSecretIn(values: readonly string[]): void {
  for (const v of values) for (const s of Object.values(SECRETS)) expect(v).not.toContain(s);
}

describe('release with a key, on a registry that needs a login', () => {
  let release: Release;
  let state: ExecState;

  beforeAll(async () => {
    engine.queries.length = 0;
    release = await call((p) => p.withRegistryAuth('bot', secret('password')).withKey(secret('key'), secret('keyPassword')).release('ghcr.io/acme'));
    state = asked().at(-1)!;
  });

  it('runs the pipeline CLI in the pinned toolbox, as root, after the bootstrap', () => {
    expect(state.image).toBe(PINNED_IMAGES.NODE_IMAGE);
    expect(state.user).toBe('0:0');
    // The npm packages from the lockfiles alone (a layer that stays cached while sources change), then the CLI.
    expect(state.execs.slice(-3, -1)).toEqual([
      ['bash', 'scripts/bootstrap.sh'],
      ['bash', 'scripts/bootstrap.sh'],
    ]);
    expect(state.env.BOOTSTRAP_PROFILE).toBe('toolbox');
    expect(state.execs.at(-1)).toEqual([
      'node',
      'pipeline/dist/cli.mjs',
      'release',
      '--registry',
      'ghcr.io/acme',
      '--key',
      '/run/secrets/cosign.key',
      '--base-image',
      RUNTIME_BASE_IMAGE,
      '--json',
    ]);
  });

  it('passes secrets as secret variables and a secret file the user can read, never as arguments', () => {
    expect(state.env.REGISTRY_USERNAME).toBe('bot');
    expect(state.secretEnv).toEqual({ REGISTRY_PASSWORD: SECRETS.password, COSIGN_PASSWORD: SECRETS.keyPassword });
    expect(state.secretMounts.map((m) => m.path)).toEqual(['/run/secrets/cosign.key']);
    for (const m of state.secretMounts) expect(canRead(state.user, m), m.path).toBe(true);
    expectNoSecretIn(
      allCalls()
        .filter((c) => c.field === 'withExec')
        .flatMap((c) => (c.args.args as string[]).map(String)),
    );
    expectNoSecretIn(
      allCalls()
        .filter((c) => c.field === 'withEnvVariable' || c.field === 'withNewFile')
        .map((c) => JSON.stringify(c.args)),
    );
  });

  it('keeps temporary files (the credentials the CLI writes for the tools) out of every layer', () => {
    expect(state.temps).toContain('/tmp');
  });

  it("builds each tool the release runs from tools.lock with the host's own script, in the pinned Go image, in a container of its own", () => {
    const tools = allCalls().filter((c) => c.field === 'withDirectory' && c.args.path === '/opt/tools/bin');
    const built = tools.map((t) => execState((t.args.source as { chain: Call[] }).chain));
    for (const b of built) {
      expect(b.image).toBe(PINNED_IMAGES.GO_IMAGE);
      expect(b.env.TOOLS_SCOPE).toBe('runtime');
    }
    expect(built.map((b) => b.execs)).toEqual(['cosign', 'crane', 'helm', 'syft'].map((t) => [['bash', 'scripts/install-tools.sh', t]]));
  });

  it('returns the release as an object with fields', () => {
    expect(release.image).toBe(SUMMARY.image.ref);
    expect(release.chart).toBe(SUMMARY.chart.ref);
    expect(release.platforms).toEqual(['linux/amd64']);
    expect(release.signer).toBe('key /out/keys/signer.pub');
    expect(JSON.parse(release.json)).toEqual(SUMMARY);
  });
});

/** A keyless call's last exec: the runner's OIDC request URL in its environment, the token as a secret, the CLI with `args`. */
function expectKeylessExec(args: string[]): ExecState {
  const s = asked().at(-1)!;
  expect(s.env).toMatchObject({ GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://actions.example/token?x=1' });
  expect(s.secretEnv).toEqual({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: SECRETS.token });
  expect(s.execs.at(-1)).toEqual(['node', 'pipeline/dist/cli.mjs', ...args]);
  return s;
}

describe('keyless signing, as in GitHub Actions', () => {
  it("gives cosign the runner's OIDC request URL and, as a secret, its token", async () => {
    engine.queries.length = 0;
    const identity = 'https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main';
    await call((p) => p.withKeyless('https://actions.example/token?x=1', secret('token'), identity).cosignSign([`ghcr.io/acme/koa-service@${D}`]));
    expectKeylessExec([
      'sign',
      '--keyless',
      '--certificate-identity',
      identity,
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      `ghcr.io/acme/koa-service@${D}`,
      '--json',
    ]);
  });
});

describe('verify --attest: verification summaries signed as the chained signer', () => {
  const chart = `ghcr.io/acme/charts/koa-service@${D}`;
  const identity = 'https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main';
  /** The CLI's verify of `chart` under the workflow's identity, then `more`. */
  const verifyCall = (...more: string[]) => [
    'verify',
    chart,
    '--certificate-identity',
    identity,
    '--certificate-oidc-issuer',
    'https://token.actions.githubusercontent.com',
    ...more,
  ];

  it('keyless, as the workflow: the OIDC request as a secret, a call of its own', async () => {
    engine.queries.length = 0;
    await call((p) => p.withKeyless('https://actions.example/token?x=1', secret('token'), identity).verify(chart, undefined, identity, undefined, false, true));
    const s = expectKeylessExec(verifyCall('--attest', '--attest-keyless'));
    expect(s.env[CALL_NONCE]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keyless with a Sigstore of its own: its trusted root, Fulcio, Rekor and the timestamp authority', async () => {
    engine.queries.length = 0;
    const root = dag.directory().withNewFile('r.json', '{}').file('r.json');
    await call((p) =>
      p
        .withSigstore(root, 'https://fulcio.example', 'https://rekor.example')
        .withKeyless('https://actions.example/token?x=1', secret('token'), identity, undefined, 'https://tsa.example')
        .verify(chart, undefined, identity, undefined, false, true),
    );
    const s = expectKeylessExec(
      verifyCall(
        ...['--trusted-root', TRUSTED_ROOT_PATH, '--attest', '--attest-keyless'],
        ...['--fulcio-url', 'https://fulcio.example', '--rekor-url', 'https://rekor.example', '--timestamp-url', 'https://tsa.example'],
      ),
    );
    expect(s.files.map((f) => f.path)).toContain(TRUSTED_ROOT_PATH);
  });

  it('with a key: the key as a secret file, its password as a secret', async () => {
    engine.queries.length = 0;
    await call((p) => p.withKey(secret('key'), secret('keyPassword')).verify(chart, undefined, identity, undefined, false, true));
    const s = asked().at(-1)!;
    expect(s.execs.at(-1)!.slice(-3)).toEqual(['--attest', '--attest-key', KEY_PATH]);
    expect(s.secretMounts.map((m) => m.path)).toEqual([KEY_PATH]);
    expect(s.secretEnv).toEqual({ COSIGN_PASSWORD: SECRETS.keyPassword });
    expect(s.env[CALL_NONCE]).toMatch(/^[0-9a-f-]{36}$/);
    expectNoSecretIn(s.execs.flat());
  });

  it("without --attest: none of the chained signer's secrets, the trusted root still", async () => {
    engine.queries.length = 0;
    const root = dag.directory().withNewFile('r.json', '{}').file('r.json');
    await call((p) =>
      p
        .withRegistryAuth('bot', secret('password'))
        .withSigstore(root)
        .withKeyless('https://actions.example/token?x=1', secret('token'), identity)
        .verify(chart, undefined, identity),
    );
    const s = asked().at(-1)!;
    expect(s.secretEnv).toEqual({ REGISTRY_PASSWORD: SECRETS.password });
    expect(s.secretMounts).toEqual([]);
    expect(s.env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeUndefined();
    expect(s.files.map((f) => f.path)).toContain(TRUSTED_ROOT_PATH);
    expect(s.execs.at(-1)).not.toContain('--attest');
  });

  it('with no signer chained: refused before anything runs', async () => {
    engine.queries.length = 0;
    await expect(call((p) => p.verify(chart, undefined, identity, undefined, false, true))).rejects.toThrow(/signing needs a signer: chain with-key/);
    expect(engine.queries.filter((q) => q.at(-1)!.field !== 'id')).toEqual([]);
  });
});

describe('inputs are checked before any side effect', () => {
  it.each<[string, (p: ReleasePipeline) => Promise<unknown>, RegExp]>([
    [
      'a key and keyless at once',
      (p: ReleasePipeline) => p.withKey(secret('key')).withKeyless('https://u', secret('token'), 'id').release('ghcr.io/acme'),
      /not both/,
    ],
    ['no way to sign', (p: ReleasePipeline) => p.release('ghcr.io/acme'), /signing needs a signer: chain with-key/],
    [
      'a Sigstore of its own without keyless',
      (p: ReleasePipeline) => p.withKey(secret('key')).withSigstore(dag.directory().withNewFile('r.json', '{}').file('r.json')).release('ghcr.io/acme'),
      /with-sigstore is for keyless signing/,
    ],
    ['a registry with a scheme', (p: ReleasePipeline) => p.withKey(secret('key')).release('https://ghcr.io/acme'), /drop the scheme/],
    [
      'a base image by tag',
      (p: ReleasePipeline) => p.withKey(secret('key')).release('ghcr.io/acme', false, 'node:20'),
      /must be referenced by digest|malformed reference/,
    ],
    ['a tag to sign', (p: ReleasePipeline) => p.withKey(secret('key')).cosignSign(['ghcr.io/acme/koa-service:1.0.0']), /must be referenced by digest/],
  ])('%s', async (_name, work, message) => {
    engine.queries.length = 0;
    await expect(call(work)).rejects.toThrow(message);
    expect(engine.queries.filter((q) => q.at(-1)!.field !== 'id')).toEqual([]);
  });
});

describe('calls with side effects', () => {
  /** Where the step's chain sets the call's nonce, and the execs before it (the toolbox's, cached). */
  function nonceOf(chain: readonly Call[]): { value: string | undefined; execsAfter: number } {
    const at = chain.findIndex((c) => c.field === 'withEnvVariable' && c.args.name === CALL_NONCE);
    if (at < 0) return { value: undefined, execsAfter: 0 };
    return { value: String(chain[at]!.args.value), execsAfter: chain.slice(at).filter((c) => c.field === 'withExec').length };
  }
  const stepChains = () => engine.queries.filter((q) => ['stdout', 'sync'].includes(q.at(-1)!.field));

  it('set a value of their own just before the step, so a warm engine runs it again instead of replaying it', async () => {
    engine.queries.length = 0;
    await call((p) => p.publish('ghcr.io/acme'));
    await call((p) => p.publish('ghcr.io/acme'));
    await call((p) => p.withKey(secret('key')).cosignSign([`ghcr.io/acme/koa-service@${D}`]));
    await call((p) => p.withKey(secret('key')).release('ghcr.io/acme'));
    await call((p) => p.endToEnd());
    // verify has no side effect without --attest, but its answer changes with what the registry holds.
    await call((p) => p.verify(`ghcr.io/acme/charts/koa-service@${D}`, undefined, 'https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main'));
    const nonces = stepChains().map(nonceOf);
    expect(nonces).toHaveLength(7); // publish ×2, cosign-sign, release, end-to-end's release and verify, verify
    for (const n of nonces) expect(n.value).toMatch(/^[0-9a-f-]{36}$/);
    // Only the step (and end-to-end's verify after it) comes after the nonce: the toolbox stays cached.
    expect(nonces.map((n) => n.execsAfter)).toEqual([1, 1, 1, 1, 1, 2, 1]);
    expect(new Set(nonces.map((n) => n.value)).size).toBe(6);
  });

  it('leave the calls without side effects to the cache', async () => {
    engine.queries.length = 0;
    await call((p) => p.test());
    await call(async (p) => p.build().sync());
    expect(engine.queries.filter((q) => nonceOf(q).value !== undefined)).toEqual([]);
  });
});

describe('test', () => {
  it('builds no Go tool: its toolbox is Node and the repository only', async () => {
    engine.queries.length = 0;
    await call((p) => p.test());
    expect(
      allCalls()
        .filter((c) => c.field === 'from')
        .map((c) => c.args.address),
    ).toEqual([PINNED_IMAGES.NODE_IMAGE]);
    expect(asked().at(-1)!.execs.at(-1)).toEqual(['node', 'pipeline/dist/cli.mjs', 'test']);
  });
});

describe('end-to-end', () => {
  it('starts one registry service for the whole run, binds it to the release and the verify, and stops it', async () => {
    engine.queries.length = 0;
    await call((p) => p.endToEnd());
    const fields = engine.queries.map((q) => q.at(-1)!.field);
    const started = fields.indexOf('start');
    const stopped = fields.lastIndexOf('stop');
    const release = engine.queries.findIndex((q) => q.at(-1)!.field === 'stdout');
    const verify = engine.queries.findIndex((q) => q.at(-1)!.field === 'sync' && execState(q).execs.at(-1)?.[2] === 'verify');
    expect(started).toBeGreaterThanOrEqual(0);
    expect([started < release, release < verify, verify < stopped]).toEqual([true, true, true]);
    const service = execState(engine.queries[started]!.slice(0, -1));
    expect(service.image).toBe(PINNED_IMAGES.NODE_IMAGE);
    const v = execState(engine.queries[verify]!);
    expect(v.services.map((s) => s.alias)).toEqual(['registry']);
    expect(v.execs.at(-2)?.slice(2, 6)).toEqual(['release', '--registry', 'registry:5000/e2e', '--plain-http']);
    expect(v.execs.at(-1)).toEqual(['node', 'pipeline/dist/cli.mjs', 'verify', SUMMARY.chart.ref, '--key', '/out/keys/cosign.pub', '--plain-http']);
  });
});

describe('build', () => {
  it('imports the OCI layout the image step wrote, so `dagger call build terminal` opens the image', async () => {
    engine.queries.length = 0;
    await call(async (p) => p.build().sync());
    const q = engine.queries.at(-1)!;
    const imported = q.find((c) => c.field === 'import');
    expect(imported).toBeDefined();
    const file = (imported!.args.source as { chain: Call[] }).chain;
    expect(file.at(-1)).toEqual({ field: 'file', args: { path: '/out/image.tar' } });
    const s = execState(file);
    expect(s.execs.at(-2)).toEqual(['node', 'pipeline/dist/cli.mjs', 'image', '--base-image', RUNTIME_BASE_IMAGE, '--output', '/out/image', '--json']);
  });
});

describe('pinned images', () => {
  it('every image carries a tag for people and a digest for machines', () => {
    for (const [name, ref] of Object.entries(PINNED_IMAGES)) {
      expect(ref, name).toMatch(/^[a-z0-9.-]+(\/[a-z0-9._-]+)*:[A-Za-z0-9._-]+@sha256:[a-f0-9]{64}$/);
    }
  });

  it('every image the module pulls is one of them', () => {
    const pulled = new Set(
      allCalls()
        .filter((c) => c.field === 'from')
        .map((c) => String(c.args.address)),
    );
    expect(pulled.size).toBeGreaterThan(0);
    for (const image of pulled) expect(Object.values(PINNED_IMAGES)).toContain(image);
  });

  it('no module source reads a secret as plain text or names an image outside images.ts', () => {
    for (const f of readdirSync(srcDir, { recursive: true })
      .map(String)
      .filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(srcDir, f), 'utf8');
      expect(text, f).not.toMatch(/\.plaintext\s*\(/);
      if (f !== 'core/images.ts') expect(text, f).not.toMatch(/['"`][a-z0-9.-]+\/[a-z0-9/._-]+:[A-Za-z0-9._-]+@sha256/);
    }
  });
});
