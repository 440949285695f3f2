// The whole pipeline against a real registry with the real crane, helm and cosign (v3 and v2):
// what it publishes, that it verifies, that it is reproducible, and that the image runs.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseToolsLock, type ProvenancePredicate, type Statement } from '@release-pipeline/core/provenance.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { CommandError, run } from '../src/exec.js';
import { runPipeline } from '../src/pipeline.js';
import { projectRoot, type OutPaths } from '../src/paths.js';
import { Progress } from '../src/progress.js';
import { startLocalRegistry, type LocalRegistry } from '../src/registry/local-registry.js';
import { registryAnswers } from '../src/registry/probe.js';
import { SYFT_ENV } from '../src/clients/syft.js';
import { statementsIn } from '../src/clients/cosign.js';
import { tool } from '../src/tools.js';
import { buildGoHelper, freePort, pathWithCosign, readSummary, runCli, tempOut, vsaCheckArgs } from './fixtures.js';
import { runImage } from './run-image.js';
import { venvDir } from '../locations.mjs';
import { DEFAULT_OPTIONS } from '../src/options.js';

let out: OutPaths;
let port: number;
let env: NodeJS.ProcessEnv;
let first: ReleaseSummary;
let firstLog: string[];
let served: LocalRegistry;
let answeredAfterRun: boolean;

const DIGEST_REF = /^127\.0\.0\.1:\d+\/[a-z0-9/-]+@sha256:[a-f0-9]{64}$/;

beforeAll(async () => {
  out = await tempOut('release');
  port = await freePort();
  env = { ...process.env, PIPELINE_REGISTRY_PORT: String(port) };
  firstLog = [];
  first = (await runPipeline({ ...DEFAULT_OPTIONS, skipTests: false }, { out, env, progress: new Progress((l) => firstLog.push(l)) })).summary;
  answeredAfterRun = await registryAnswers(`127.0.0.1:${port}`);
  // What `npm run registry` does: serve the same storage again, so release.json keeps working.
  served = await startLocalRegistry({ storageDir: out.registry, port });
}, 300_000);

afterAll(async () => {
  await served?.stop();
});

interface SpdxDocument {
  documentNamespace?: string;
  creationInfo: { created?: string };
  packages: Array<{ SPDXID: string; name: string; versionInfo?: string; licenseDeclared?: string }>;
  files?: Array<{ SPDXID: string }>;
  relationships?: unknown[];
}

/** An SPDX document without what differs between two runs (its namespace and date), in a stable order. */
function comparable(doc: SpdxDocument): unknown {
  const bySpdxId = (a: { SPDXID: string }, b: { SPDXID: string }) => a.SPDXID.localeCompare(b.SPDXID);
  const { documentNamespace: _namespace, creationInfo, ...rest } = doc;
  const { created: _created, ...info } = creationInfo;
  return {
    ...rest,
    creationInfo: info,
    packages: [...doc.packages].sort(bySpdxId),
    files: [...(doc.files ?? [])].sort(bySpdxId),
    // Each relationship as text with its keys in one order (cosign hands the predicate back with them sorted).
    relationships: (doc.relationships ?? []).map((r) => JSON.stringify(r, Object.keys(r as object).sort())).sort(),
  };
}

/** The in-toto statement of the last envelope cosign verify-attestation printed. */
const decodeStatement = (stdout: string): Statement => statementsIn(stdout).pop()!;

describe('a release from a fresh output folder', () => {
  it('ran every step, independent ones at once, each stage after the one it needs', () => {
    const steps = firstLog.filter((l) => l.startsWith('✔')).map((l) => l.split(' ')[1]!);
    expect([...steps].sort()).toEqual([
      'attest',
      'base',
      'build',
      'chart',
      'image',
      'publish',
      'publish',
      'registry',
      'sbom',
      'sign',
      'tag',
      'test',
      'verify',
      'verify',
    ]);
    // Stage by stage: every step of a stage finished before any step of the next one did.
    const stages = [['registry', 'build'], ['test', 'base', 'image', 'chart', 'sbom'], ['publish'], ['sign', 'attest'], ['verify'], ['tag']];
    const stageOf = (step: string) => stages.findIndex((stage) => stage.includes(step));
    expect(steps.map(stageOf)).toEqual([...steps.map(stageOf)].sort((a, b) => a - b));
    // Nothing leaves the machine before the tests passed.
    expect(steps.indexOf('test')).toBeLessThan(steps.indexOf('publish'));
    expect(firstLog.find((l) => l.startsWith('✔ attest'))).toContain('3 of 3 attached');
    // Signing covers the index, its platform manifest and the chart.
    expect(firstLog.find((l) => l.startsWith('✔ sign'))).toContain('3 of 3 signed');
  });

  it('writes release.json with digest-only references', async () => {
    expect(await readSummary(out)).toEqual(first);
    expect(first.image.ref).toMatch(DIGEST_REF);
    expect(first.chart.ref).toMatch(DIGEST_REF);
    expect(first.image.ref).toBe(`127.0.0.1:${port}/koa-service@${first.image.digest}`);
    expect(first.chart.ref).toBe(`127.0.0.1:${port}/charts/koa-service@${first.chart.digest}`);
    expect(first.image.platforms).toEqual([`linux/${process.arch === 'x64' ? 'amd64' : 'arm64'}`]);
    expect(first.image.manifests).toEqual([{ platform: first.image.platforms[0], digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) }]);
    expect(first.image.base).toMatch(/^127\.0\.0\.1:\d+\/base\/node-host@sha256:[a-f0-9]{64}$/);
    expect(first.chart.version).toBe(first.version);
    expect(first.signing).toEqual({ kind: 'key', publicKey: join(out.keys, 'cosign.pub') });
    expect(first.revision).toMatch(/^[a-f0-9]{40}$/);
  });

  it('stopped its registry at the end', () => {
    expect(answeredAfterRun).toBe(false);
  });

  for (const binary of ['cosign', 'cosign-v2'] as const) {
    it(`both signatures verify with ${binary} using the printed commands unchanged`, async () => {
      const PATH = await pathWithCosign(binary);
      for (const command of [first.verify.image, first.verify.chart]) {
        expect(command.startsWith('cosign verify ')).toBe(true);
        const { stdout } = await run('sh', ['-c', command], { env: { ...process.env, PATH } });
        const payload = JSON.parse(stdout.trim().split('\n').pop()!) as Array<{ critical: { image: { 'docker-manifest-digest': string } } }>;
        expect(payload.map((p) => p.critical.image['docker-manifest-digest'])).toContain(command.split('@').pop());
      }
    });
  }

  for (const binary of ['cosign', 'cosign-v2'] as const) {
    it(`provenance (image, chart, under the release's Rego policy) and the SBOM verify with ${binary} using the printed commands unchanged`, async () => {
      const PATH = await pathWithCosign(binary);
      const commands = [first.verify.provenance!.image, first.verify.provenance!.chart, first.verify.sbom!];
      for (const command of commands) {
        expect(command.startsWith('cosign verify-attestation --type ')).toBe(true);
        const { stdout } = await run('sh', ['-c', command], { env: { ...process.env, PATH } });
        const statement = decodeStatement(stdout);
        expect(statement.subject.map((x) => `sha256:${x.digest.sha256}`)).toEqual([command.split('@').pop()]);
      }
    });
  }

  it("the provenance passes the in-toto project's own bindings, Python and Go: a SLSA Provenance v1 predicate, valid as a Statement/v1", async () => {
    const goBindings = await buildGoHelper('in-toto-go');
    for (const command of [first.verify.provenance!.image, first.verify.provenance!.chart]) {
      const { stdout } = await run('sh', ['-c', command], { env: { ...process.env, PATH: await pathWithCosign('cosign') } });
      const statement = decodeStatement(stdout);
      const validators: Array<[string, string[]]> = [
        [join(venvDir(), 'bin', 'python'), [join(projectRoot, 'policy', 'validate_provenance.py')]],
        [goBindings, []],
      ];
      for (const [validator, args] of validators) {
        const r = await run(validator, args, { input: JSON.stringify(statement) }).then(
          (ok) => ({ valid: true, said: ok.stdout + ok.stderr }),
          (err: CommandError) => ({ valid: false, said: err.output }),
        );
        expect(r.said).toContain('valid SLSA Provenance v1 predicate; valid as an in-toto Statement/v1');
        expect(r.valid, r.said).toBe(true);
      }
      // The wrapper is cosign's: the pinned cosign writes Statement/v0.1 (docs/local-sigstore.md).
      expect(statement._type).toBe('https://in-toto.io/Statement/v0.1');
    }
  });

  it('the provenance records the source, the commit, the base image, the lockfiles and the pinned tools', async () => {
    const { stdout } = await run('sh', ['-c', first.verify.provenance!.chart], { env: { ...process.env, PATH: await pathWithCosign('cosign') } });
    const st = decodeStatement(stdout) as Statement<ProvenancePredicate>;
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v1');
    const def = st.predicate.buildDefinition;
    expect(def.externalParameters.source).toEqual({ repository: first.source, revision: first.revision });
    expect(def.externalParameters.version).toBe(first.version);
    const deps = Object.fromEntries(def.resolvedDependencies.map((d) => [`${d.name} ${d.uri}`, d.digest]));
    expect(deps[`base-image oci://${first.image.base}`]).toEqual({ sha256: first.image.base.split(':').pop() });
    expect(deps[`image oci://${first.image.ref}`]).toEqual({ sha256: first.image.digest.slice(7) });
    const lock = createHash('sha256')
      .update(await readFile(join(projectRoot, 'app', 'package-lock.json')))
      .digest('hex');
    expect(deps[`lockfile git+${first.source}@${first.revision}#app/package-lock.json`]).toEqual({ sha256: lock });
    // Each runtime tool with the digest of the binary that ran.
    const syft = createHash('sha256')
      .update(await readFile(tool('syft')))
      .digest('hex');
    expect(deps['syft pkg:golang/github.com/anchore/syft/cmd/syft@v1.57.1']).toEqual({ sha256: syft });
    expect(st.predicate.runDetails.metadata.invocationId).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(st.predicate.runDetails.builder.id).toBe('urn:signed-release-pipeline:runner');
  });

  it('the SBOM lists the files of the image and the npm packages the bundle carries, with versions and licences', async () => {
    const { stdout } = await run('sh', ['-c', first.verify.sbom!], { env: { ...process.env, PATH: await pathWithCosign('cosign') } });
    const sbom = decodeStatement(stdout).predicate as {
      packages: Array<{ name: string; versionInfo?: string; licenseDeclared?: string }>;
      files: Array<{ fileName: string }>;
    };
    const koa = sbom.packages.find((p) => p.name === 'koa');
    const lock = JSON.parse(await readFile(join(projectRoot, 'app', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(koa).toMatchObject({ versionInfo: lock.packages['node_modules/koa']!.version, licenseDeclared: 'MIT' });
    expect(sbom.packages.find((p) => p.name === 'pino')?.licenseDeclared).toBe('MIT');
    // Dev-only packages are not in the image, so not in its SBOM.
    expect(sbom.packages.find((p) => p.name === 'esbuild' || p.name === 'typescript')).toBeUndefined();
    const files = sbom.files.map((f) => f.fileName);
    expect(files).toEqual(expect.arrayContaining(['app/dist/main.js', 'app/dist/package-lock.json', 'etc/passwd']));
    expect(files.some((f) => /(^|\/)node$/.test(f))).toBe(true);
  });

  it("the SBOM is valid SPDX 2.3 by the SPDX project's own validator (pyspdxtools, PyPI spdx-tools)", async () => {
    const { stdout } = await run('sh', ['-c', first.verify.sbom!], { env: { ...process.env, PATH: await pathWithCosign('cosign') } });
    const file = join(await mkdtemp(join(tmpdir(), 'spdx-')), 'sbom.spdx.json');
    await writeFile(file, JSON.stringify(decodeStatement(stdout).predicate));
    const r = await run(join(venvDir(), 'bin', 'pyspdxtools'), ['--infile', file]).then(
      (ok) => ({ valid: true, said: ok.stdout + ok.stderr }),
      (err: CommandError) => ({ valid: false, said: err.output }),
    );
    expect(r.said).not.toMatch(/invalid|must contain|error/i);
    expect(r.valid).toBe(true);
    // Its creator is syft at the version tools.lock pins (stamped at link time by install-tools.sh).
    const syft = parseToolsLock(await readFile(join(projectRoot, 'tools.lock'), 'utf8')).find((t) => t.name === 'syft')!;
    const creators = (decodeStatement(stdout).predicate as { creationInfo: { creators: string[] } }).creationInfo.creators;
    expect(creators).toContain(`Tool: syft-${syft.version.replace(/^v/, '')}`);
  });

  it('the SBOM is the document one full syft scan of the published image writes (the base half is scanned once per base)', async () => {
    const { stdout } = await run('sh', ['-c', first.verify.sbom!], { env: { ...process.env, PATH: await pathWithCosign('cosign') } });
    const attested = decodeStatement(stdout).predicate as SpdxDocument;
    // The published image, pulled back as an OCI layout, scanned by syft with every default cataloger
    // (binary classifier included) and the lockfile one, in one go.
    const dir = await mkdtemp(join(tmpdir(), 'sbom-full-'));
    await run(tool('crane'), ['pull', '--format', 'oci', first.image.ref, join(dir, 'layout')]);
    const root = attested.packages.find((p) => p.SPDXID.startsWith('SPDXRef-DocumentRoot-'))!;
    await run(
      tool('syft'),
      [
        'scan',
        `oci-dir:${join(dir, 'layout')}`,
        '--select-catalogers',
        '+javascript-lock-cataloger',
        '--source-name',
        root.name,
        '--source-version',
        root.versionInfo!,
        '--output',
        `spdx-json=${join(dir, 'full.spdx.json')}`,
        '--quiet',
      ],
      { env: { ...process.env, ...SYFT_ENV } },
    );
    const full = JSON.parse(await readFile(join(dir, 'full.spdx.json'), 'utf8')) as SpdxDocument;
    expect(comparable(attested)).toEqual(comparable(full));
    expect(attested.packages.find((p) => p.name === 'node')?.versionInfo).toBe(process.version.slice(1)); // the classifier's finding
  });

  it('npm run verify shows the attestations; --attest signs a verification summary both majors read', async () => {
    const pub = first.signing.kind === 'key' ? first.signing.publicKey : '';
    // The command the release printed (with --allow-dirty when the work tree had changes), plus --attest.
    const printed = first.verify.release.replace(/^npm run verify -- /, 'verify ').split(' ');
    const r = await runCli([...printed, '--attest', '--attest-key', pub.replace(/\.pub$/, '.key')], { COSIGN_PASSWORD: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`✔ provenance: ${first.source}@${first.revision.slice(0, 12)}`));
    expect(r.stdout).toMatch(/✔ SBOM \(SPDX\): \d+ packages/);
    expect(r.stdout).toContain(`verification summary (PASSED) signed onto ${first.image.ref}`);
    // Verified again: the new summary replaces the earlier one (one current summary per artifact).
    const again = await runCli([...printed, '--attest', '--attest-key', pub.replace(/\.pub$/, '.key')], { COSIGN_PASSWORD: '' });
    expect(again.code, again.stderr).toBe(0);
    for (const binary of ['cosign', 'cosign-v2'] as const) {
      for (const target of [first.chart.ref, first.image.ref]) {
        const { stdout } = await run(tool(binary), vsaCheckArgs(target, pub));
        expect(statementsIn(stdout)).toHaveLength(1);
        const vsa = decodeStatement(stdout).predicate as {
          verificationResult: string;
          resourceUri: string;
          inputAttestations: Array<{ uri: string; digest: { sha256: string } }>;
          verifier: { id: string };
          verifiedLevels: string[];
        };
        expect(vsa).toMatchObject({ verificationResult: 'PASSED', resourceUri: target, verifier: { id: 'urn:signed-release-pipeline:verify' } });
        expect(vsa.verifiedLevels).toEqual(['SLSA_BUILD_LEVEL_1']);
        // The provenance (and the image's SBOM) it read, each a signed envelope that still resolves
        // after the summary was attached, with the digest named.
        expect(vsa.inputAttestations).toHaveLength(target === first.image.ref ? 2 : 1);
        for (const input of vsa.inputAttestations) {
          const blob = (await run(tool('crane'), ['blob', input.uri])).stdout;
          expect(createHash('sha256').update(blob).digest('hex')).toBe(input.digest.sha256);
        }
      }
    }
  });

  it('the chart pulls by digest, lints, and deploys exactly the image built', async () => {
    const dest = await mkdtemp(join(tmpdir(), 'pulled-'));
    await run(tool('helm'), ['pull', `oci://${first.chart.ref}`, '--destination', dest, '--plain-http']);
    const pulled = await readdir(dest);
    expect(pulled).toEqual([`koa-service@${first.chart.digest.replace(':', '-')}.tgz`]);
    const tgz = join(dest, pulled[0]!);
    await run(tool('helm'), ['lint', '--strict', tgz]);
    const { stdout } = await run(tool('helm'), ['template', 'r', tgz]);
    const images = [...stdout.matchAll(/image: "([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(images)).toEqual(new Set([first.image.ref]));
    const { stdout: chartYaml } = await run(tool('helm'), ['show', 'chart', tgz]);
    expect(chartYaml).toContain(`org.opencontainers.image.revision: ${first.revision}`);
  });

  it('the image manifest carries the release annotations and runs as 65532', async () => {
    const index = JSON.parse((await run(tool('crane'), ['manifest', first.image.ref])).stdout) as { annotations: Record<string, string> };
    expect(index.annotations).toMatchObject({
      'org.opencontainers.image.revision': first.revision,
      'org.opencontainers.image.version': first.version,
      'org.opencontainers.image.title': 'koa-service',
    });
    const config = JSON.parse((await run(tool('crane'), ['config', first.image.ref])).stdout) as { config: { User: string; Env: string[] } };
    expect(config.config.User).toBe('65532:65532');
    expect(config.config.Env).toContain('NODE_ENV=production');
  });

  it('the published image runs (unshare + chroot, uid 65532) and reports its own digest', async () => {
    const image = await runImage(first.image.ref, { IMAGE_DIGEST: first.image.digest }, await freePort());
    try {
      const health = await fetch(`${image.url}/healthz`);
      expect(health.status).toBe(200);
      const info = (await (await fetch(`${image.url}/`)).json()) as Record<string, string>;
      expect(info).toEqual({ service: 'koa-service', version: first.version, revision: first.revision, imageDigest: first.image.digest });
    } finally {
      expect(await image.stop()).toBe(0);
    }
  });
});

describe('a rerun of the same commit', () => {
  let second: ReleaseSummary;
  let rerunRoot: string;
  const log: string[] = [];

  beforeAll(async () => {
    // A different output folder and an empty cache: the image, its layers, the host base and the
    // chart are all built again from scratch, so equal digests prove the build is reproducible.
    const fresh = await tempOut('rerun');
    rerunRoot = fresh.root;
    const cache = await mkdtemp(join(tmpdir(), 'rerun-cache-'));
    second = (
      await runPipeline(
        { ...DEFAULT_OPTIONS, skipTests: true },
        { out: { ...fresh, cache, registry: out.registry, keys: out.keys }, env, progress: new Progress((l) => log.push(l)) },
      )
    ).summary;
  }, 300_000);

  it('rebuilt everything (nothing came from a cache)', () => {
    for (const step of ['build', 'image']) expect(log.find((l) => l.startsWith(`✔ ${step} `))).not.toContain('cached');
  });

  it('gives byte-identical image and chart digests', () => {
    expect(second.image.digest).toBe(first.image.digest);
    expect(second.chart.digest).toBe(first.chart.digest);
  });

  it('does not sign or attest again what already verifies', () => {
    expect(log.find((l) => l.startsWith('✔ sign'))).toContain('cached: all 3 already signed');
    expect(log.find((l) => l.startsWith('✔ attest'))).toContain('cached: all 3 already attached');
  });

  it('the signature manifest holds one signature per artifact', async () => {
    const signed = [
      [first.image.repository, first.image.digest],
      [first.image.repository, first.image.manifests[0]!.digest],
      [first.chart.repository, first.chart.digest],
    ] as const;
    for (const [repo, digest] of signed) {
      const sig = JSON.parse((await run(tool('crane'), ['manifest', `${repo}:${digest.replace(':', '-')}.sig`])).stdout) as { layers: unknown[] };
      expect(sig.layers).toHaveLength(1);
    }
  });

  it("writes its own release.json, equal to the first run's", async () => {
    // The same but for where it is written (the release's Rego policy lives in its output folder).
    const again = JSON.parse((await readFile(join(rerunRoot, 'release.json'), 'utf8')).replaceAll(rerunRoot, out.root)) as ReleaseSummary;
    second = JSON.parse(JSON.stringify(second).replaceAll(rerunRoot, out.root)) as ReleaseSummary;
    expect(again).toEqual(second);
    expect(again).toEqual(first);
  });

  it('tags only after signing: the version tags name the signed digests', async () => {
    const tag = first.version.replace(/\+/g, '_');
    expect((await run(tool('crane'), ['digest', `${first.image.repository}:${tag}`])).stdout.trim()).toBe(first.image.digest);
    expect((await run(tool('crane'), ['digest', `${first.chart.repository}:${tag}`])).stdout.trim()).toBe(first.chart.digest);
    // The base went in by digest only: its repository has no tags at all (the registry lists none, or knows no name).
    const baseTags = await run(tool('crane'), ['ls', first.image.base.split('@')[0]!]).then(
      (r) => r.stdout.trim().split('\n').filter(Boolean),
      (err: Error) => (/NAME_UNKNOWN/.test(err.message) ? [] : [err.message]),
    );
    expect(baseTags.filter((t) => !t.startsWith('sha256-'))).toEqual([]);
  });
});
