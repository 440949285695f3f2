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

/** What a tool built in its module's directory (a `(devel)` build) says its version is, from the variable install-tools.sh stamps. */
const SELF_REPORTED: Record<string, string[]> = { 'policy-tester': ['-version'], kyverno: ['version'] };

describe('the installed tools', () => {
  it.each(tools.map((p) => [p.name, p] as const))('%s is the pinned module at the pinned version, built by the pinned Go', async (_name, p) => {
    const { stdout } = await run('go', ['version', '-m', tool(p.name as ToolName)]);
    expect(stdout).toMatch(new RegExp(`^\\s+path\\s+${p.module.replace(/\./g, '\\.')}$`, 'm'));
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`: ${toolchain.replace(/\./g, '\\.')}$`));
    if (!p.builtIn) {
      expect(stdout).toMatch(new RegExp(`^\\s+mod\\s+\\S+\\s+${p.version.replace(/\./g, '\\.')}\\s`, 'm'));
      return;
    }
    // Built in the module's directory: Go records the main module as (devel); the version is the one
    // the tool reports, stamped at link time as its own release builds do.
    expect(stdout).toMatch(new RegExp(`^\\s+mod\\s+${p.builtIn.replace(/\./g, '\\.')}\\s+\\(devel\\)`, 'm'));
    const said = await run(tool(p.name as ToolName), SELF_REPORTED[p.name]!);
    expect(said.stdout + said.stderr).toContain(p.version);
  });

  it.each(tools.map((p) => [p.name, p] as const))("%s: the pinned Go satisfies its module's go directive", async (_name, p) => {
    const module = p.builtIn ?? (await run('go', ['version', '-m', tool(p.name as ToolName)])).stdout.match(/^\s+mod\s+(\S+)\s/m)![1]!;
    const info = JSON.parse((await goAsInstalled('mod', 'download', '-json', `${module}@${p.version}`)).stdout) as { GoMod: string };
    const directive = /^go (\S+)/m.exec(await readFile(info.GoMod, 'utf8'))![1]!;
    expect(goSatisfies(toolchain, directive), `${p.name} needs go ${directive}; tools.lock pins ${toolchain}`).toBe(true);
  });
});
