// The Dagger toolbox, executed here: its steps (ci/src/toolbox-plan.ts, what the module renders) run
// for real on Debian root file systems standing in for the pinned images, with the images' own Go,
// Node and environment (ci/replay/). Then a release inside it publishes the same
// digests as this machine's release of the same commit. And the replay fails, as a user would, when
// the Go that builds the tools is put back to the image's own, older than a tool needs.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_FACTS } from '@release-pipeline/core/images.js';
import { FUNCTION_TOOLS, toolbox, TOOLS_INPUTS, toolStage } from '../src/toolbox-plan.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';
import { CommandError } from '@release-pipeline/pipeline/exec.js';
import { replayHome } from '../replay/image-root.js';
import { compareReleases } from '../replay/release-check.js';
import { execIn, machineVolumes, replayStage, type ReplayOptions } from '../replay/replay.js';

const said: string[] = [];
let work: string;
const options = (source = projectRoot): ReplayOptions => ({ source, work, volume: machineVolumes(join(work, 'step-cache')), log: (l) => said.push(l) });

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the toolbox replay enters a chroot: run the integration tests as root (CI runs `sudo npm test`)');
  await mkdir(replayHome(), { recursive: true });
  work = await mkdtemp(join(replayHome(), 'test-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the toolbox, replayed', () => {
  it('builds the runtime tools with the image Go switched to the pinned toolchain, bootstraps, and releases the digests this machine releases', async () => {
    const plan = toolbox(FUNCTION_TOOLS.release);
    const box = await replayStage(plan, options());
    // Nothing of this machine is visible inside: only the image's PATH and the tools.
    const { stdout: env } = await execIn(box, ['sh', '-c', 'echo "$PATH"; command -v go || echo no-go; node --version; npm --version; ls /opt/tools/bin']);
    const [path, go, node, npm, ...tools] = env.trim().split('\n');
    expect(path).toBe(Object.fromEntries(plan.ops.flatMap((o) => (o.op === 'env' ? [[o.name, o.value]] : []))).PATH);
    expect([go, node, npm]).toEqual(['no-go', IMAGE_FACTS.NODE_IMAGE.node, IMAGE_FACTS.NODE_IMAGE.npm]);
    expect(tools.sort()).toEqual([...FUNCTION_TOOLS.release].sort());
    const comparison = await compareReleases(box, (l) => said.push(l));
    expect(comparison.toolbox).toEqual(comparison.host);
    expect(comparison.host.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  }, 2_400_000);
});

describe('a Go pin older than a tool needs', () => {
  it("fails the tools stage with the go command's own reason", async () => {
    // The pins as they were: the image's own Go builds the tools (go1.26.4), syft needs go 1.26.8.
    const source = await mkdtemp(join(work, 'old-pin-'));
    for (const f of TOOLS_INPUTS) await cp(join(projectRoot, f), join(source, f), { recursive: true });
    const lock = await readFile(join(source, 'tools.lock'), 'utf8');
    await writeFile(join(source, 'tools.lock'), lock.replace(/^(go\s+golang\.org\/toolchain\s+)go\S+/m, `$1${IMAGE_FACTS.GO_IMAGE.go}`));
    const failed = await replayStage(toolStage('syft'), options(source)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(CommandError);
    expect((failed as CommandError).output).toMatch(/requires go >= 1\.26\.8 \(running go 1\.26\.4; GOTOOLCHAIN=go1\.26\.4\)/);
  }, 600_000);
});
