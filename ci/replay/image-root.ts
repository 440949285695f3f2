// A root file system standing in for a pinned image of the toolbox: Debian bookworm from Debian's
// packages (mmdebstrap, with this machine's apt sources), the image's own Go (the toolchain from the
// Go module proxy) or Node and npm, its folders. Built once per set of facts, outside the clone
// (pipeline/locations.mjs), and copied for each replay.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_FACTS, type ImageFacts, type ToolboxImage } from '@release-pipeline/core/images.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { cacheHome, goCaches } from '@release-pipeline/pipeline/locations.mjs';

/** The apt sources the root file system is built from: this machine's own, when it runs Debian. */
const DEBIAN_SOURCES = ['/etc/apt/sources.list.d/debian.sources'];

export class ReplayError extends Error {
  override name = 'ReplayError';
  constructor(
    readonly code: 'needs-root' | 'no-mmdebstrap' | 'no-node' | 'step-failed' | 'toolchain',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function replayHome(): string {
  return join(cacheHome(), 'toolbox-replay');
}

/** The folder of an image's root file system for these facts (built when missing); read-only by convention. */
export async function imageRoot(image: ToolboxImage, log: (line: string) => void): Promise<string> {
  const facts = IMAGE_FACTS[image];
  const key = createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 16);
  const dir = join(replayHome(), 'images', `${image.toLowerCase()}-${key}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  if (process.getuid?.() !== 0) throw new ReplayError('needs-root', 'the toolbox replay builds and enters a Debian root file system: run it as root');
  await ensureMmdebstrap(log);
  // This machine's Debian sources when it is Debian; mmdebstrap's default Debian mirror otherwise.
  const sources = DEBIAN_SOURCES.find((f) => existsSync(f));
  const building = `${dir}.building`;
  await rm(building, { recursive: true, force: true });
  await mkdir(join(replayHome(), 'images'), { recursive: true });
  log(`replay: building the ${image} root file system (Debian ${facts.debian}, ${facts.packages.length} packages)`);
  const args = ['--variant=apt', '--quiet', `--include=${facts.packages.join(',')}`, facts.debian, building, ...(sources ? [sources] : [])];
  await run('mmdebstrap', args, { timeoutMs: 1_800_000 });
  if (facts.go) await installGo(building, facts.go);
  if (facts.node) await installNode(building, facts);
  await mkdir(join(building, facts.workdir), { recursive: true });
  await writeFile(join(building, '.complete'), `${JSON.stringify(facts)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(building, dir);
  return dir;
}

/** mmdebstrap, from Debian's packages, installed by the replay itself on a machine without it. */
async function ensureMmdebstrap(log: (line: string) => void): Promise<void> {
  const found = await run('sh', ['-c', 'command -v mmdebstrap']).then(
    () => true,
    () => false,
  );
  if (found) return;
  log('replay: installing mmdebstrap (apt)');
  const apt = (...args: string[]) => run('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 600_000 });
  const install = () => apt('install', '-y', '--no-install-recommends', 'mmdebstrap', 'debian-archive-keyring');
  // A fresh machine's package lists may be missing or stale: refresh them once if the install fails.
  await install()
    .catch(() => apt('update').then(install))
    .catch((err: unknown) => {
      throw new ReplayError('no-mmdebstrap', 'could not install mmdebstrap with apt-get: install it (and debian-archive-keyring) and rerun', { cause: err });
    });
}

/** The image's Go at /usr/local/go, from the Go module proxy's toolchain module; GOPATH folders as the image has them. */
async function installGo(root: string, version: string): Promise<void> {
  const module = `golang.org/toolchain@v0.0.1-${version}.linux-amd64`;
  const { stdout } = await run('go', ['mod', 'download', '-json', module], {
    env: { ...process.env, ...goCaches(), GOTOOLCHAIN: 'local' },
    timeoutMs: 900_000,
  }).catch((err: unknown) => {
    throw new ReplayError('toolchain', `could not download ${module} from the Go module proxy`, { cause: err });
  });
  const { Dir } = JSON.parse(stdout) as { Dir: string };
  const goroot = join(root, 'usr', 'local', 'go');
  await cp(Dir, goroot, { recursive: true });
  // The module cache keeps files read-only and not executable; the image's Go is a plain install.
  await run('chmod', ['-R', 'u+w', goroot]);
  for (const dir of [join(goroot, 'bin'), join(goroot, 'pkg', 'tool', 'linux_amd64')]) {
    for (const f of await readdir(dir)) await chmod(join(dir, f), 0o755);
  }
  for (const d of ['src', 'bin']) await mkdir(join(root, 'go', d), { recursive: true });
  await chmod(join(root, 'go'), 0o1777);
}

/** The image's Node (this machine's binary when it is the same release) and the npm that release bundles. */
async function installNode(root: string, facts: ImageFacts): Promise<void> {
  if (process.version !== facts.node) {
    throw new ReplayError('no-node', `the replay needs Node ${facts.node} (the toolbox image's) to run it; this is ${process.version}`);
  }
  const bin = join(root, 'usr', 'local', 'bin');
  await mkdir(bin, { recursive: true });
  await cp(process.execPath, join(bin, 'node'));
  const lib = join(root, 'usr', 'local', 'lib', 'node_modules');
  await mkdir(lib, { recursive: true });
  const { stdout } = await run('npm', ['pack', `npm@${facts.npm}`, '--json', '--pack-destination', lib], { timeoutMs: 300_000 });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await mkdir(join(lib, 'npm'));
  await run('tar', ['-xzf', join(lib, filename), '-C', join(lib, 'npm'), '--strip-components=1']);
  await rm(join(lib, filename));
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(bin, 'npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(bin, 'npx'));
  await symlink('node', join(bin, 'nodejs'));
  const version = JSON.parse(await readFile(join(lib, 'npm', 'package.json'), 'utf8')) as { version: string };
  if (version.version !== facts.npm) throw new ReplayError('no-node', `npm ${facts.npm} was asked for, ${version.version} came`);
}
