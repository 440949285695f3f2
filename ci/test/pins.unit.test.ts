// One source of truth per tool, shared by both places the pipeline runs: tools.lock for the Go
// tools and the Go that builds them (the host and the Dagger toolbox both run
// scripts/install-tools.sh), .node-version for Node (the toolbox image, the runtime base, the host),
// images.ts for images. These fail when the places drift apart; pins.test.ts checks the built tools.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseToolsLock } from '@release-pipeline/core/provenance.js';
import { GO_IMAGE, IMAGE_FACTS, NODE_IMAGE, PINNED_IMAGES, RUNTIME_BASE_IMAGE } from '@release-pipeline/core/images.js';
import { goSatisfies, parseGoVersion } from './go-version.js';
import { FUNCTION_TOOLS, RUNTIME_TOOLS } from '../src/toolbox-plan.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const pins = parseToolsLock(read('tools.lock'));

describe('tools.lock', () => {
  it('names each tool once, pinned to an exact version, with a scope', () => {
    expect(new Set(pins.map((p) => p.name)).size).toBe(pins.length);
    for (const p of pins.filter((x) => x.scope !== 'toolchain')) {
      expect(p.version, p.name).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(['runtime', 'sigstore', 'test'], p.name).toContain(p.scope);
    }
  });

  it('pins exactly one Go toolchain, by its full release name', () => {
    const toolchains = pins.filter((p) => p.scope === 'toolchain');
    expect(toolchains.map((p) => [p.name, p.module])).toEqual([['go', 'golang.org/toolchain']]);
    expect(toolchains[0]!.version).toMatch(/^go\d+\.\d+\.\d+$/);
  });

  it("the toolbox's tools are exactly the runtime scope, and each function's a part of them", () => {
    const runtime = pins.filter((p) => p.scope === 'runtime').map((p) => p.name);
    expect([...RUNTIME_TOOLS].sort()).toEqual([...runtime].sort());
    for (const [fn, tools] of Object.entries(FUNCTION_TOOLS)) for (const t of tools) expect(runtime, fn).toContain(t);
  });

  it('the runtime scope is exactly what the pipeline code runs (and so what the toolbox holds), the sigstore scope what the local Sigstore runs', () => {
    const used = { runtime: new Set<string>(), sigstore: new Set<string>() };
    const dir = join(root, 'pipeline', 'src');
    for (const f of readdirSync(dir, { recursive: true })
      .map(String)
      .filter((x) => x.endsWith('.ts'))) {
      const scope = f.startsWith('sigstore/') ? used.sigstore : used.runtime;
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/tool\('([a-z0-9_-]+)'\)/g)) scope.add(m[1]!);
    }
    for (const scope of ['runtime', 'sigstore'] as const) {
      expect(used[scope].size).toBeGreaterThan(3);
      expect([...used[scope]].sort()).toEqual(
        pins
          .filter((p) => p.scope === scope)
          .map((p) => p.name)
          .sort(),
      );
    }
  });
});

describe('Go versions, ordered as the go command orders them', () => {
  it.each([
    ['go1.26.8', '1.26.8', true],
    ['go1.26.8', '1.26', true],
    ['go1.26.8', '1.26rc1', true],
    ['go1.26.4', '1.26.8', false], // the toolbox image's own Go against syft v1.57.1's go.mod
    ['go1.26.8', '1.27', false],
    ['go1.26rc2', '1.26.0', false],
    ['go1.27.0', '1.26.8', true],
  ])('%s can build a module needing go %s: %s', (have, need, ok) => {
    expect(goSatisfies(have, need)).toBe(ok);
  });

  it('refuses what is not a Go version', () => {
    expect(() => parseGoVersion('latest')).toThrow(/is not a Go version/);
  });
});

describe('images', () => {
  it('every image names its full version beside its digest', () => {
    for (const [name, image] of Object.entries(PINNED_IMAGES)) {
      expect(image, name).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
      const tag = image.slice(image.lastIndexOf(':', image.indexOf('@')) + 1, image.indexOf('@'));
      expect(tag, `${name} names a floating tag`).toMatch(/\d+\.\d+\.\d+|nonroot/);
    }
  });

  it("the toolbox's Go image switches to the pinned toolchain (it sets GOTOOLCHAIN=local; install-tools.sh overrides it)", () => {
    const image = /^golang:(\d+\.\d+\.\d+)-/.exec(GO_IMAGE)![1]!;
    const toolchain = pins.find((p) => p.scope === 'toolchain')!.version;
    // Switching needs a Go that knows GOTOOLCHAIN (1.21 on); the image is that, not the builder.
    expect(goSatisfies(`go${image}`, '1.21')).toBe(true);
    expect(read('scripts/install-tools.sh')).toMatch(/export GOTOOLCHAIN="\$toolchain"/);
    expect(toolchain).toMatch(/^go/);
  });
});

describe("the images' facts, which the toolbox replay stands in for them with", () => {
  const env = (image: keyof typeof IMAGE_FACTS) => Object.fromEntries(IMAGE_FACTS[image].env);

  it('name the Go and Node the pinned tags name', () => {
    const go = /^golang:(\d+\.\d+\.\d+)-bookworm@/.exec(GO_IMAGE)![1]!;
    expect(IMAGE_FACTS.GO_IMAGE.go).toBe(`go${go}`);
    expect(env('GO_IMAGE')).toMatchObject({ GOLANG_VERSION: go, GOTOOLCHAIN: 'local', GOPATH: '/go' });
    const node = /^node:(\d+\.\d+\.\d+)-bookworm@/.exec(NODE_IMAGE)![1]!;
    expect(IMAGE_FACTS.NODE_IMAGE.node).toBe(`v${node}`);
    expect(env('NODE_IMAGE')).toMatchObject({ NODE_VERSION: node });
  });

  it("put the image's Go first on its PATH, as the golang image does", () => {
    expect(env('GO_IMAGE').PATH!.split(':').slice(0, 2)).toEqual(['/go/bin', '/usr/local/go/bin']);
  });
});

describe('Node', () => {
  const pinned = read('.node-version').trim();

  it('the toolbox runs exactly the pinned Node, and the runtime base the same major', () => {
    expect(NODE_IMAGE.startsWith(`node:${pinned}-`)).toBe(true);
    expect(RUNTIME_BASE_IMAGE).toMatch(new RegExp(`/nodejs${pinned.split('.')[0]}-`));
  });

  it('this host runs the pinned Node (the same compiler output, the same image digests)', () => {
    expect(process.version).toBe(`v${pinned}`);
  });
});
