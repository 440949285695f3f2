// The toolbox's container steps as data, in one place: the Dagger module renders them into
// containers (./toolbox.ts), and `npm run toolbox -- replay` executes the same steps for real on a
// Debian root file system standing in for each pinned image (scripts/toolbox-replay/). Pure: no
// Dagger import, so the replay reads exactly what the module runs.
import type { ToolboxImage } from './images.js';

export const SRC = '/src';
export const TOOLS = '/opt/tools/bin';
/** The pipeline's output folder (.out on a host); its step cache is a cache volume. */
export const OUT = '/out';
export const CLI = ['node', 'pipeline/dist/cli.mjs'] as const;

/** One container step, as Dagger's Container API has it. */
export type Op =
  | { op: 'from'; image: ToolboxImage }
  | { op: 'user'; user: string }
  | { op: 'env'; name: string; value: string }
  /** A cache volume, kept between calls (Dagger: withMountedCache). */
  | { op: 'cache'; path: string; volume: string }
  /** Files of the repository (all of it, or the paths listed), copied in (withDirectory). */
  | { op: 'files'; path: string; include?: readonly string[] }
  /** The output folder of another stage, copied in (withDirectory of its directory). */
  | { op: 'stage'; path: string; stage: Stage }
  | { op: 'workdir'; path: string }
  | { op: 'exec'; args: readonly string[] }
  /** A temporary file system, never in a layer (withMountedTemp). */
  | { op: 'temp'; path: string };

export interface Stage {
  name: string;
  ops: readonly Op[];
  /** The folder the stage produces, when another stage takes it. */
  output?: string;
}

/** What the tools stage copies from the repository: the pins and the script that builds them. */
export const TOOLS_INPUTS = ['tools.lock', 'scripts/install-tools.sh', 'scripts/locations.sh'] as const;

/** cosign, helm, crane, syft and the registry at the versions in tools.lock, built with the host's script. */
export const TOOLS_STAGE: Stage = {
  name: 'tools',
  ops: [
    { op: 'from', image: 'GO_IMAGE' },
    { op: 'cache', path: '/go/pkg/mod', volume: 'release-pipeline-go-mod' },
    { op: 'cache', path: '/root/.cache/go-build', volume: 'release-pipeline-go-build' },
    { op: 'env', name: 'GOMODCACHE', value: '/go/pkg/mod' },
    { op: 'env', name: 'GOCACHE', value: '/root/.cache/go-build' },
    { op: 'env', name: 'PIPELINE_TOOLS_DIR', value: TOOLS },
    { op: 'env', name: 'TOOLS_SCOPE', value: 'runtime' },
    { op: 'files', path: '/build', include: TOOLS_INPUTS },
    { op: 'workdir', path: '/build' },
    { op: 'exec', args: ['bash', 'scripts/install-tools.sh'] },
  ],
  output: TOOLS,
};

/** The pinned Node image with the runtime tools, running as root (also the registry service's). */
export const TOOLS_CONTAINER: Stage = {
  name: 'tools-container',
  ops: [
    { op: 'from', image: 'NODE_IMAGE' },
    { op: 'user', user: '0:0' },
    { op: 'stage', path: TOOLS, stage: TOOLS_STAGE },
    { op: 'env', name: 'PATH', value: `${TOOLS}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
    { op: 'env', name: 'PIPELINE_TOOLS_DIR', value: TOOLS },
  ],
};

/** Node, the tools, and the repository bootstrapped for running the pipeline CLI: where every step runs. */
export const TOOLBOX: Stage = {
  name: 'toolbox',
  ops: [
    ...TOOLS_CONTAINER.ops,
    { op: 'cache', path: '/root/.npm', volume: 'release-pipeline-npm' },
    { op: 'files', path: SRC },
    { op: 'workdir', path: SRC },
    // The source belongs to another uid than root inside the container: let git read it.
    { op: 'env', name: 'GIT_CONFIG_COUNT', value: '1' },
    { op: 'env', name: 'GIT_CONFIG_KEY_0', value: 'safe.directory' },
    { op: 'env', name: 'GIT_CONFIG_VALUE_0', value: SRC },
    { op: 'env', name: 'BOOTSTRAP_PROFILE', value: 'runtime' },
    { op: 'exec', args: ['bash', 'scripts/bootstrap.sh'] },
    { op: 'env', name: 'PIPELINE_OUT_DIR', value: OUT },
    // Named in the provenance as the runner (the host pipeline says "host").
    { op: 'env', name: 'PIPELINE_RUNNER', value: 'dagger' },
    { op: 'env', name: 'PIPELINE_CACHE_DIR', value: `${OUT}/cache` },
    { op: 'cache', path: `${OUT}/cache`, volume: 'release-pipeline-steps' },
    // Temporary files (the registry credentials the CLI writes for the tools) never reach a layer.
    { op: 'temp', path: '/tmp' },
  ],
};
