// Every container image this project runs, in one place: the tag for people, the digest for
// machines. Renovate (renovate.json) proposes digest updates; nothing is ever pulled by tag.
// The tools themselves (cosign, helm, crane, the registry) are not images: the toolbox builds them
// from tools.lock with scripts/install-tools.sh, the same script and pins the host uses.
// These digests were taken from public pins of the tags shown; the tests check their form and
// that they agree with the host (Node major, Go line); the first `dagger call` resolves them.

/** The toolbox: Node (the host's exact version), git and bash; runs the compiled pipeline CLI. */
export const NODE_IMAGE = 'node:20.20.2-bookworm@sha256:8f693eaa7e0a8e71560c9a82b55fd54c2ae920a2ba5d2cde28bac7d1c01c9ba5';

/**
 * Starts the build of the pinned Go tools from tools.lock for the toolbox. This image's Go (1.26.4,
 * GOTOOLCHAIN=local in its environment) only switches: install-tools.sh sets GOTOOLCHAIN to
 * tools.lock's toolchain line, which is what builds every tool.
 */
export const GO_IMAGE = 'golang:1.26.4-bookworm@sha256:b305420a68d0f229d91eb3b3ed9e519fcf2cf5461da4bef997bf927e8c0bfd2b';

/** The runtime base of the released image: Node 20, no shell, no package manager, uid 65532. */
export const RUNTIME_BASE_IMAGE = 'gcr.io/distroless/nodejs20-debian12:nonroot@sha256:2cd820156cf039c8b54ae2d2a97e424b6729070714de8707a6b79f20d56f6a9a';

export const PINNED_IMAGES = { NODE_IMAGE, GO_IMAGE, RUNTIME_BASE_IMAGE } as const;

/**
 * What the toolbox's two images are, for the replay that stands in for them here
 * (ci/replay/): their Debian release and packages, the Go or Node they carry, and their
 * configuration (environment, working directory, user), read from the images' Dockerfiles
 * (docker-library/golang 1.26/bookworm; nodejs/docker-node 20/bookworm, both FROM buildpack-deps).
 */
export interface ImageFacts {
  debian: 'bookworm';
  /** Debian packages the replay installs: the part of buildpack-deps the toolbox's steps use. */
  packages: readonly string[];
  env: ReadonlyArray<readonly [string, string]>;
  workdir: string;
  user: string;
  go?: string;
  node?: string;
  /** The npm that Node release bundles. */
  npm?: string;
}

const BUILDPACK_SCM = ['ca-certificates', 'curl', 'git', 'gnupg', 'netbase', 'openssh-client', 'procps', 'wget', 'xz-utils'];
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The images the toolbox's stages start from. */
export type ToolboxImage = 'GO_IMAGE' | 'NODE_IMAGE';

export const IMAGE_FACTS: Record<ToolboxImage, ImageFacts> = {
  GO_IMAGE: {
    debian: 'bookworm',
    packages: [...BUILDPACK_SCM, 'g++', 'gcc', 'libc6-dev', 'make', 'pkg-config'],
    env: [
      ['PATH', `/go/bin:/usr/local/go/bin:${DEFAULT_PATH}`],
      ['GOLANG_VERSION', '1.26.4'],
      ['GOTOOLCHAIN', 'local'],
      ['GOPATH', '/go'],
    ],
    workdir: '/go',
    user: '0:0',
    go: 'go1.26.4',
  },
  NODE_IMAGE: {
    debian: 'bookworm',
    packages: [...BUILDPACK_SCM, 'g++', 'gcc', 'libc6-dev', 'make', 'python3'],
    env: [
      ['PATH', DEFAULT_PATH],
      ['NODE_VERSION', '20.20.2'],
      ['YARN_VERSION', '1.22.22'],
    ],
    workdir: '/',
    user: '0:0',
    node: 'v20.20.2',
    npm: '10.8.2',
  },
};
