// The toolbox container every function runs in, rendered from its steps (./toolbox-plan.ts, the
// data `npm run toolbox -- replay` executes here): the pinned Node image, the runtime tools built
// from tools.lock by scripts/install-tools.sh (the host's own script and pins), and the repository
// bootstrapped by scripts/bootstrap.sh, which compiles the pipeline CLI. Functions then run
// `node pipeline/dist/cli.mjs <step> …`: the code the host runs and this repository tests.
import { randomUUID } from 'node:crypto';
import { dag, type Container, type Directory, type Secret, type Service } from '@dagger.io/dagger';
import { registryConfig } from './core/registry-config.js';
import { PINNED_IMAGES } from './core/images.js';
import {
  CLI,
  FUNCTION_TOOLS,
  TOOLS,
  toolbox as toolboxStage,
  toolsContainer as toolsContainerStage,
  type Op,
  type RuntimeTool,
  type Stage,
} from './toolbox-plan.js';

export { CLI, OUT, SRC, TOOLS } from './toolbox-plan.js';
/** Where mounted secrets live. The toolbox runs as root, so root-owned 0400 mounts are readable. */
export const SECRETS = '/run/secrets';

/** One step of a stage on a container (the first is always `from`). */
function apply(ctr: Container, o: Op, source: Directory): Container {
  switch (o.op) {
    case 'from':
      return ctr.from(PINNED_IMAGES[o.image]);
    case 'user':
      return ctr.withUser(o.user);
    case 'env':
      return ctr.withEnvVariable(o.name, o.value);
    case 'cache':
      return ctr.withMountedCache(o.path, dag.cacheVolume(o.volume));
    case 'files':
      return o.include ? ctr.withDirectory(o.path, source, { include: [...o.include] }) : ctr.withDirectory(o.path, source);
    case 'stage':
      return ctr.withDirectory(o.path, render(o.stage, source).directory(o.stage.output!));
    case 'workdir':
      return ctr.withWorkdir(o.path);
    case 'exec':
      return ctr.withExec([...o.args]);
    case 'temp':
      return ctr.withMountedTemp(o.path);
  }
}

/** A stage's steps, in order, as a container. */
export function render(stage: Stage, source: Directory): Container {
  return stage.ops.reduce((ctr, o) => apply(ctr, o, source), dag.container());
}

/** Node, the repository bootstrapped for running the pipeline CLI, and the tools a function's command runs. */
export function toolbox(source: Directory, tools: readonly RuntimeTool[]): Container {
  return render(toolboxStage(tools), source);
}

/** Credentials and keys, each a Dagger Secret: environment variables or files, never arguments. */
export interface ToolboxSecrets {
  /** The registry login, both or neither. */
  login?: { username: string; password: Secret };
  /** A cosign private key, mounted as a file; its password in COSIGN_PASSWORD. */
  key?: Secret;
  keyPassword?: Secret;
  /** Keyless signing in GitHub Actions: cosign asks this URL for the OIDC token, with this bearer token. */
  oidcRequest?: { url: string; token: Secret };
}

export const KEY_PATH = `${SECRETS}/cosign.key`;
/** Where a call's public inputs go: the public key and the trusted root a verify trusts. */
export const PUBLIC_KEY_PATH = '/run/inputs/cosign.pub';
export const TRUSTED_ROOT_PATH = '/run/inputs/trusted_root.json';

export function withSecrets(ctr: Container, s: ToolboxSecrets): Container {
  let c = ctr;
  if (s.login) c = c.withEnvVariable('REGISTRY_USERNAME', s.login.username).withSecretVariable('REGISTRY_PASSWORD', s.login.password);
  if (s.key) c = c.withMountedSecret(KEY_PATH, s.key, { owner: '0:0', mode: 0o400 });
  if (s.keyPassword) c = c.withSecretVariable('COSIGN_PASSWORD', s.keyPassword);
  if (s.oidcRequest) {
    // Exactly what a GitHub Actions step sees, so cosign takes its GitHub provider path.
    c = c
      .withEnvVariable('GITHUB_ACTIONS', 'true')
      .withEnvVariable('ACTIONS_ID_TOKEN_REQUEST_URL', s.oidcRequest.url)
      .withSecretVariable('ACTIONS_ID_TOKEN_REQUEST_TOKEN', s.oidcRequest.token);
  }
  return c;
}

/** The variable that makes each call of a function with side effects an exec of its own. */
export const CALL_NONCE = 'PIPELINE_CALL_NONCE';

/**
 * The toolbox for one call of a function with side effects (publish, cosign-sign, release,
 * end-to-end) or whose answer changes with the registry (verify): `cache: 'never'` reaches the
 * function's result, not the execs inside it, which a warm engine replays from its layer cache when
 * they are identical. A value of this call's own, set before the exec, makes the exec new; the
 * toolbox's layers before it stay cached.
 */
export function forThisCall(ctr: Container): Container {
  return ctr.withEnvVariable(CALL_NONCE, randomUUID());
}

/** Runs one pipeline command in the toolbox (the CLI's argument list, built by ./step-args.ts). */
export function step(ctr: Container, args: readonly string[]): Container {
  return ctr.withExec([...CLI, ...args]);
}

/** A throwaway registry for end-to-end: the pinned distribution registry from the toolbox, plain HTTP. */
export function registryService(source: Directory): Service {
  return render(toolsContainerStage(FUNCTION_TOOLS.registryService), source)
    .withNewFile('/etc/registry/config.yml', registryConfig('/var/lib/registry', '0.0.0.0:5000'))
    .withExposedPort(5000)
    .asService({ args: [`${TOOLS}/registry`, 'serve', '/etc/registry/config.yml'] });
}
