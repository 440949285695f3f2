// One source of truth per tool, shared by both places the pipeline runs: tools.lock for the Go
// tools (the host's .tools/bin and the Dagger toolbox both build it with scripts/install-tools.sh),
// .node-version for Node (the toolbox image, the runtime base, the host), images.ts for images.
// These tests fail when the places drift apart.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../pipeline/src/exec.js';
import { tool, type ToolName } from '../../pipeline/src/tools.js';
import { parseToolsLock } from '../src/core/provenance.js';
import { GO_IMAGE, NODE_IMAGE, RUNTIME_BASE_IMAGE } from '../src/images.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (p: string) => readFileSync(join(root, p), 'utf8');

const pins = parseToolsLock(read('tools.lock'));

/** The Go toolchain's escaping of module paths in its download cache (uppercase → !lowercase). */
const escape = (path: string) => path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

describe('tools.lock', () => {
  it('names each tool once, pinned to an exact version, with a scope', () => {
    expect(new Set(pins.map((p) => p.name)).size).toBe(pins.length);
    for (const p of pins) {
      expect(p.version, p.name).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(['runtime', 'sigstore', 'test'], p.name).toContain(p.scope);
    }
  });

  it('the runtime scope is exactly what the pipeline code runs (and so what the toolbox holds)', () => {
    const used = new Set<string>();
    const dir = join(root, 'pipeline', 'src');
    for (const f of readdirSync(dir, { recursive: true })
      .map(String)
      .filter((x) => x.endsWith('.ts'))) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/tool\('([a-z0-9-]+)'\)/g)) used.add(m[1]!);
    }
    expect([...used].sort()).toEqual(
      pins
        .filter((p) => p.scope === 'runtime')
        .map((p) => p.name)
        .sort(),
    );
  });

  it('every installed tool is the pinned module at the pinned version', async () => {
    for (const p of pins) {
      const { stdout } = await run('go', ['version', '-m', tool(p.name as ToolName)]);
      expect(stdout, p.name).toMatch(new RegExp(`^\\s+path\\s+${p.module.replace(/\./g, '\\.')}$`, 'm'));
      expect(stdout, p.name).toMatch(new RegExp(`^\\s+mod\\s+\\S+\\s+${p.version.replace(/\./g, '\\.')}\\s`, 'm'));
    }
  });

  it("the toolbox's Go image can build every runtime tool (its Go is at least each module's go directive)", async () => {
    const goLine = GO_IMAGE.match(/^golang:(\d+)\.(\d+)/);
    expect(goLine, GO_IMAGE).not.toBeNull();
    const image = [Number(goLine![1]), Number(goLine![2])];
    const modCache = process.env.GOMODCACHE ?? (await run('go', ['env', 'GOMODCACHE'])).stdout.trim();
    for (const p of pins.filter((x) => x.scope === 'runtime')) {
      const mod = (await run('go', ['version', '-m', tool(p.name as ToolName)])).stdout.match(/^\s+mod\s+(\S+)\s/m)![1]!;
      const goMod = readFileSync(join(modCache, 'cache', 'download', escape(mod), '@v', `${p.version}.mod`), 'utf8');
      const [, major, minor] = goMod.match(/^go (\d+)\.(\d+)/m)!;
      expect(image[0]! * 1000 + image[1]!, `${p.name} needs go ${major}.${minor}`).toBeGreaterThanOrEqual(Number(major) * 1000 + Number(minor));
    }
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
