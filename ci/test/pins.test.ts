// The built tools against tools.lock: each is the pinned module at the pinned version, built by the
// pinned Go, and that Go is new enough for every tool module's go.mod, read the way
// scripts/install-tools.sh reads modules (its GOMODCACHE, GOPROXY and GOTOOLCHAIN, from
// scripts/locations.sh; never a cache only some machines have). pins.unit.test.ts: the pins' shape.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '@release-pipeline/pipeline/exec.js';
import { tool, type ToolName } from '@release-pipeline/pipeline/tools.js';
import { parseToolsLock } from '@release-pipeline/core/provenance.js';
import { goSatisfies } from './go-version.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pins = parseToolsLock(await readFile(join(root, 'tools.lock'), 'utf8'));
const toolchain = pins.find((p) => p.scope === 'toolchain')!.version;
const tools = pins.filter((p) => p.scope !== 'toolchain');

/** `go` as install-tools.sh runs it: the same locations and toolchain. */
const goAsInstalled = (...args: string[]) =>
  run('bash', ['-c', 'source scripts/locations.sh && GOTOOLCHAIN="$0" exec go "$@"', toolchain, ...args], { cwd: root });

describe('the installed tools', () => {
  it.each(tools.map((p) => [p.name, p] as const))('%s is the pinned module at the pinned version, built by the pinned Go', async (_name, p) => {
    const { stdout } = await run('go', ['version', '-m', tool(p.name as ToolName)]);
    expect(stdout).toMatch(new RegExp(`^\\s+path\\s+${p.module.replace(/\./g, '\\.')}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^\\s+mod\\s+\\S+\\s+${p.version.replace(/\./g, '\\.')}\\s`, 'm'));
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`: ${toolchain.replace(/\./g, '\\.')}$`));
  });

  it.each(tools.map((p) => [p.name, p] as const))("%s: the pinned Go satisfies its module's go directive", async (_name, p) => {
    const module = (await run('go', ['version', '-m', tool(p.name as ToolName)])).stdout.match(/^\s+mod\s+(\S+)\s/m)![1]!;
    const info = JSON.parse((await goAsInstalled('mod', 'download', '-json', `${module}@${p.version}`)).stdout) as { GoMod: string };
    const directive = /^go (\S+)/m.exec(await readFile(info.GoMod, 'utf8'))![1]!;
    expect(goSatisfies(toolchain, directive), `${p.name} needs go ${directive}; tools.lock pins ${toolchain}`).toBe(true);
  });
});
