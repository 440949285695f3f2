// What every host step is given: where things are, how to run tools, and the release identity.
import type { ReleaseIdentity } from '@release-pipeline/core/image-config.js';
import type { RegistryAccess, RegistryTarget } from '@release-pipeline/core/reference.js';
import type { StepCache } from './cache.js';
import type { OutPaths } from './paths.js';
import type { Progress } from './progress.js';

/** What running a registry tool takes: its environment, the secrets to scrub, how the registry is reached, a limit. */
export interface ToolAccess {
  /** Environment for crane, helm and cosign (DOCKER_CONFIG when credentials were given). */
  toolEnv: NodeJS.ProcessEnv;
  /** Every secret value in play, scrubbed from all output. */
  secrets: string[];
  /** How the registry is reached (plain HTTP or not). */
  access: RegistryAccess;
  /** Stop each tool after this long. */
  timeoutMs?: number;
}

/** How a tool runs under `ctx`: its environment, the secrets scrubbed from what it says, its limit. */
export const toolRun = (ctx: ToolAccess) => ({ env: ctx.toolEnv, secrets: ctx.secrets, timeoutMs: ctx.timeoutMs });

export interface StepContext extends ToolAccess {
  root: string;
  out: OutPaths;
  cache: StepCache;
  progress: Progress;
  release: ReleaseIdentity;
  target: RegistryTarget;
  /** helm --registry-config, when credentials were given. */
  helmRegistryConfig?: string;
}
