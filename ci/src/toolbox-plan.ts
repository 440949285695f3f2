// The toolbox's container steps as data, in one place: the Dagger module renders them into
// containers (./toolbox.ts), and `npm run toolbox -- replay` executes the same steps for real on a
// Debian root file system standing in for each pinned image (ci/replay/). Pure: no
// Dagger import, so the replay reads exactly what the module runs.
import type { ToolboxImage } from './core/images.js';

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

/** What a tool's stage copies from the repository: the pins and the script that builds them. */
export const TOOLS_INPUTS = ['tools.lock', 'scripts/install-tools.sh', 'scripts/locations.sh'] as const;

/** The tools the pipeline CLI runs (tools.lock's runtime scope; a test holds the two equal). */
export const RUNTIME_TOOLS = ['cosign', 'crane', 'helm', 'registry', 'syft'] as const;
export type RuntimeTool = (typeof RUNTIME_TOOLS)[number];

/**
 * The tools each function's command runs (the `tool(…)` calls of the steps it takes), so a call
 * builds only those, each in a container of its own that Dagger builds at once with the others:
 * `test` needs none, so it compiles no Go at all.
 */
export const FUNCTION_TOOLS = {
  build: ['crane'],
  test: [],
  chartPackage: ['helm'],
  publish: ['crane', 'helm'],
  cosignSign: ['cosign', 'crane'],
  verify: ['cosign', 'crane', 'helm'],
  release: ['cosign', 'crane', 'helm', 'syft'],
  endToEnd: ['cosign', 'crane', 'helm', 'syft'],
  registryService: ['registry'],
} as const satisfies Record<string, readonly RuntimeTool[]>;

/** One pinned tool from tools.lock, built with the host's script in the pinned Go image. */
export function toolStage(tool: RuntimeTool): Stage {
  return {
    name: `tool ${tool}`,
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
      { op: 'exec', args: ['bash', 'scripts/install-tools.sh', tool] },
    ],
    output: TOOLS,
  };
}

/** The tools, merged into one folder on PATH. */
function withTools(tools: readonly RuntimeTool[]): Op[] {
  return [
    ...tools.map((tool): Op => ({ op: 'stage', path: TOOLS, stage: toolStage(tool) })),
    { op: 'env', name: 'PATH', value: `${TOOLS}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
    { op: 'env', name: 'PIPELINE_TOOLS_DIR', value: TOOLS },
  ];
}

/** The pinned Node image with these tools, running as root (the registry service's container). */
export function toolsContainer(tools: readonly RuntimeTool[]): Stage {
  return { name: 'tools-container', ops: [{ op: 'from', image: 'NODE_IMAGE' }, { op: 'user', user: '0:0' }, ...withTools(tools)] };
}

/** What the npm layer copies: the lockfiles and what the bootstrap reads, so it is cached while sources change. */
export const PACKAGE_INPUTS = [
  'package.json',
  'package-lock.json',
  // The root's workspaces, which npm ci links from their package.json alone.
  'pipeline/package.json',
  'ci/src/core/package.json',
  'app/package.json',
  'app/package-lock.json',
  'scripts/bootstrap.sh',
  'scripts/locations.sh',
  'tools.lock',
] as const;

/** Node, the repository bootstrapped (npm packages, then the compiled CLI) and these tools: where a function's step runs. */
export function toolbox(tools: readonly RuntimeTool[]): Stage {
  return {
    name: 'toolbox',
    ops: [
      { op: 'from', image: 'NODE_IMAGE' },
      { op: 'user', user: '0:0' },
      { op: 'cache', path: '/root/.npm', volume: 'release-pipeline-npm' },
      { op: 'workdir', path: SRC },
      // The source belongs to another uid than root inside the container: let git read it.
      { op: 'env', name: 'GIT_CONFIG_COUNT', value: '1' },
      { op: 'env', name: 'GIT_CONFIG_KEY_0', value: 'safe.directory' },
      { op: 'env', name: 'GIT_CONFIG_VALUE_0', value: SRC },
      { op: 'files', path: SRC, include: PACKAGE_INPUTS },
      { op: 'env', name: 'BOOTSTRAP_PROFILE', value: 'toolbox-packages' },
      { op: 'exec', args: ['bash', 'scripts/bootstrap.sh'] },
      { op: 'files', path: SRC },
      { op: 'env', name: 'BOOTSTRAP_PROFILE', value: 'toolbox' },
      { op: 'exec', args: ['bash', 'scripts/bootstrap.sh'] },
      ...withTools(tools),
      { op: 'env', name: 'PIPELINE_OUT_DIR', value: OUT },
      // Named in the provenance as the runner (the host pipeline says "host").
      { op: 'env', name: 'PIPELINE_RUNNER', value: 'dagger' },
      { op: 'env', name: 'PIPELINE_CACHE_DIR', value: `${OUT}/cache` },
      { op: 'cache', path: `${OUT}/cache`, volume: 'release-pipeline-steps' },
      // Temporary files (the registry credentials the CLI writes for the tools) never reach a layer.
      { op: 'temp', path: '/tmp' },
    ],
  };
}
