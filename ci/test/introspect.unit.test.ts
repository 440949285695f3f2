// The module as the Dagger TypeScript runtime sees it: scanned by the SDK's own introspector (the
// code `dagger functions` and every `dagger call` run first), offline. Functions, arguments, their
// docs and cache policies are read from that scan, not from our sources.
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_ACTIONS_ISSUER } from '@release-pipeline/core/cosign-args.js';

const ci = fileURLToPath(new URL('..', import.meta.url));
const sdk = join(ci, 'node_modules', '@dagger.io', 'dagger', 'dist', 'src');

interface Arg {
  description: string;
  isOptional: boolean;
  defaultValue?: unknown;
  type: { kind: string; name?: string };
}
interface Fn {
  name: string;
  description: string;
  cache?: string;
  arguments: Record<string, Arg>;
  returnType: { kind: string; name?: string };
}
interface Obj {
  description: string;
  methods: Record<string, Fn>;
  properties: Record<string, { description: string; isExposed?: boolean }>;
}
let objects: Record<string, Obj>;

beforeAll(async () => {
  // The runtime scans the module's .ts files together with the generated API client (client.gen.ts);
  // the npm package ships that client as declarations, which the scanner reads as the same classes.
  const client = join(await mkdtemp(join(tmpdir(), 'dagger-client-')), 'client.gen.ts');
  await copyFile(join(sdk, 'api', 'client.gen.d.ts'), client);
  const files = (await readdir(join(ci, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => join(ci, 'src', f));
  const { scan } = (await import(pathToFileURL(join(sdk, 'module', 'introspector', 'index.js')).href)) as {
    scan: (files: string[], name: string, load: boolean) => Promise<{ objects: Record<string, Obj> }>;
  };
  objects = (await scan([...files, client], 'release-pipeline', false)).objects;
}, 60_000);

const FUNCTIONS = ['build', 'test', 'chartPackage', 'publish', 'cosignSign', 'verify', 'release', 'endToEnd'];
/** What a call needs beyond its own arguments, chained before it: each returns the pipeline. */
const BUILDERS = ['withCommit', 'withRegistryAuth', 'withKey', 'withKeyless', 'withSigstore'];
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('the module, as the SDK introspector scans it', () => {
  it('is the ReleasePipeline object with exactly the documented functions', () => {
    expect(Object.keys(objects.ReleasePipeline!.methods).sort()).toEqual([...FUNCTIONS, ...BUILDERS].sort());
    expect(objects.ReleasePipeline!.description).toMatch(/^Builds, tests, packages, publishes, signs and verifies/);
  });

  it('every function shows an example call of itself, and every argument says what it is', () => {
    for (const fn of Object.values(objects.ReleasePipeline!.methods)) {
      // The call itself, after whatever it is chained to.
      expect(fn.description, fn.name).toMatch(new RegExp(`Example: dagger call (\\S.* )?${kebab(fn.name)}( |$)`, 'm'));
      for (const [name, arg] of Object.entries(fn.arguments)) expect(arg.description, `${fn.name} --${kebab(name)}`).not.toBe('');
    }
  });

  it('secrets are Secret arguments, never strings', () => {
    for (const fn of Object.values(objects.ReleasePipeline!.methods)) {
      for (const [name, arg] of Object.entries(fn.arguments)) {
        if (/password|token|^key$/i.test(name)) expect(arg.type, `${fn.name} --${kebab(name)}`).toEqual({ kind: 'OBJECT_KIND', name: 'Secret' });
      }
    }
  });

  it('pushes, signatures and verdicts are never cached (verify reads what the registry holds now, and signs with --attest)', () => {
    const m = objects.ReleasePipeline!.methods;
    for (const name of ['publish', 'cosignSign', 'release', 'endToEnd', 'verify']) expect(m[name]!.cache, name).toBe('never');
  });

  it('defaults the scanner can read are literals, shown in --help', () => {
    const m = objects.ReleasePipeline!.methods;
    // The core's constant, which the scanner resolves into the default --help shows.
    expect(m.withKeyless!.arguments.certificateOidcIssuer!.defaultValue).toBe(GITHUB_ACTIONS_ISSUER);
    expect(m.verify!.arguments.certificateOidcIssuer!.defaultValue).toBe(GITHUB_ACTIONS_ISSUER);
    expect(m.release!.arguments.plainHttp!.defaultValue).toBe(false);
  });

  it('returns Dagger types and objects with fields, so calls chain', () => {
    const m = objects.ReleasePipeline!.methods;
    expect(m.build!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Container' });
    expect(m.chartPackage!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'File' });
    expect(m.release!.returnType).toEqual({ kind: 'OBJECT_KIND', name: 'Release' });
    expect(Object.keys(objects.Release!.properties)).toEqual([
      'version',
      'revision',
      'image',
      'platforms',
      'chart',
      'signer',
      'verifyImage',
      'verifyChart',
      'verifyProvenance',
      'verifySbom',
      'provenancePolicy',
      'json',
    ]);
    expect(objects.ReleasePipeline!.properties.source!.isExposed).toBe(false);
    // The builders return the pipeline, so `dagger call with-commit … with-key … release …` chains.
    for (const b of BUILDERS) expect(m[b]!.returnType, b).toEqual({ kind: 'OBJECT_KIND', name: 'ReleasePipeline' });
    // What they set is state, not a field anyone reads back: a secret never becomes a readable field.
    for (const p of Object.values(objects.ReleasePipeline!.properties)) expect(p.isExposed).toBe(false);
  });
});
