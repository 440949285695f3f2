// Runs a published image without a container engine: crane export flattens its layers (applying
// whiteouts) into a root filesystem, and unshare + chroot start its entrypoint as uid 65532.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageConfig } from '@release-pipeline/core/oci.js';
import { run } from '../src/exec.js';
import { tool } from '../src/tools.js';

export interface RunningImage {
  url: string;
  config: ImageConfig;
  rootfs: string;
  logs: string[];
  stop(): Promise<number | null>;
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export async function runImage(ref: string, env: Record<string, string>, port: number): Promise<RunningImage> {
  const platform = `linux/${ARCH[process.arch]}`;
  const rootfs = await mkdtemp(join(tmpdir(), 'rootfs-'));
  await chmod(rootfs, 0o755); // mkdtemp makes it 0700: uid 65532 could not enter it
  await run('sh', ['-c', `"$0" export --platform "$1" "$2" - | tar -x -C "$3"`, tool('crane'), platform, ref, rootfs]);
  const config = JSON.parse((await run(tool('crane'), ['config', '--platform', platform, ref])).stdout) as ImageConfig;
  const c = config.config ?? {};
  const imageEnv = Object.fromEntries((c.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const argv = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
  const child: ChildProcess = spawn(
    'unshare',
    ['--mount', '--pid', '--fork', '--kill-child', 'chroot', `--userspec=${c.User ?? '65532:65532'}`, rootfs, ...argv],
    { cwd: join(rootfs, c.WorkingDir ?? '/'), env: { ...imageEnv, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      logs.push(...d.toString().split('\n').filter(Boolean));
      if (logs.some((l) => l.includes('"msg":"listening"'))) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    void exited.then((code) => reject(new Error(`the image exited with ${code}: ${logs.join('\n')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    rootfs,
    logs,
    stop: async () => {
      // `unshare --fork` ignores SIGTERM itself; the entrypoint (PID 1 of the new namespace) gets it.
      const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').catch(() => '');
      for (const pid of children.trim().split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGTERM');
      const code = await exited;
      await rm(rootfs, { recursive: true, force: true });
      return code;
    },
  };
}
