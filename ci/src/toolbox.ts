// The toolbox container every function runs in: the pinned Node image, the runtime tools built from
// tools.lock by scripts/install-tools.sh (the host's own script and pins), and the repository
// bootstrapped by scripts/bootstrap.sh, which compiles the pipeline CLI. Functions then run
// `node pipeline/dist/cli.mjs <step> …`: the code the host runs and this repository tests.
import { randomUUID } from 'node:crypto';
import { dag, type Container, type Directory, type Secret, type Service } from '@dagger.io/dagger';
import { registryConfig } from './core/registry-config.js';
import { GO_IMAGE, NODE_IMAGE } from './images.js';

export const SRC = '/src';
export const TOOLS = '/opt/tools/bin';
/** The pipeline's output folder (.out on a host); its step cache is a cache volume. */
export const OUT = '/out';
export const CLI = ['node', 'pipeline/dist/cli.mjs'] as const;
/** Where mounted secrets live. The toolbox runs as root, so root-owned 0400 mounts are readable. */
export const SECRETS = '/run/secrets';

/** cosign, helm, crane and the registry at the versions in tools.lock, built with the host's script. */
export function runtimeTools(source: Directory): Directory {
  return dag
    .container()
    .from(GO_IMAGE)
    .withMountedCache('/go/pkg/mod', dag.cacheVolume('release-pipeline-go-mod'))
    .withMountedCache('/root/.cache/go-build', dag.cacheVolume('release-pipeline-go-build'))
    .withEnvVariable('GOMODCACHE', '/go/pkg/mod')
    .withEnvVariable('GOCACHE', '/root/.cache/go-build')
    .withEnvVariable('PIPELINE_TOOLS_DIR', TOOLS)
    .withEnvVariable('TOOLS_SCOPE', 'runtime')
    .withDirectory('/build', source, { include: ['tools.lock', 'scripts/install-tools.sh', 'scripts/locations.sh'] })
    .withWorkdir('/build')
    .withExec(['bash', 'scripts/install-tools.sh'])
    .directory(TOOLS);
}

/** The pinned Node image with the runtime tools, running as root. */
export function toolsContainer(source: Directory): Container {
  return dag
    .container()
    .from(NODE_IMAGE)
    .withUser('0:0')
    .withDirectory(TOOLS, runtimeTools(source))
    .withEnvVariable('PATH', `${TOOLS}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)
    .withEnvVariable('PIPELINE_TOOLS_DIR', TOOLS);
}

/** Node, the tools, and the repository bootstrapped for running the pipeline CLI. */
export function toolbox(source: Directory): Container {
  return (
    toolsContainer(source)
      .withMountedCache('/root/.npm', dag.cacheVolume('release-pipeline-npm'))
      .withDirectory(SRC, source)
      .withWorkdir(SRC)
      // The source belongs to another uid than root inside the container: let git read it.
      .withEnvVariable('GIT_CONFIG_COUNT', '1')
      .withEnvVariable('GIT_CONFIG_KEY_0', 'safe.directory')
      .withEnvVariable('GIT_CONFIG_VALUE_0', SRC)
      .withEnvVariable('BOOTSTRAP_PROFILE', 'runtime')
      .withExec(['bash', 'scripts/bootstrap.sh'])
      .withEnvVariable('PIPELINE_OUT_DIR', OUT)
      // Named in the provenance as the runner (the host pipeline says "host").
      .withEnvVariable('PIPELINE_RUNNER', 'dagger')
      .withEnvVariable('PIPELINE_CACHE_DIR', `${OUT}/cache`)
      .withMountedCache(`${OUT}/cache`, dag.cacheVolume('release-pipeline-steps'))
      // Temporary files (the registry credentials the CLI writes for the tools) never reach a layer.
      .withMountedTemp('/tmp')
  );
}

/** Credentials and keys, each a Dagger Secret: environment variables or files, never arguments. */
export interface ToolboxSecrets {
  registryUsername?: string;
  registryPassword?: Secret;
  /** A cosign private key, mounted as a file; its password in COSIGN_PASSWORD. */
  key?: Secret;
  keyPassword?: Secret;
  /** Keyless signing in GitHub Actions: cosign asks this URL for the OIDC token, with this bearer token. */
  oidcRequestUrl?: string;
  oidcRequestToken?: Secret;
}

export const KEY_PATH = `${SECRETS}/cosign.key`;

export function withSecrets(ctr: Container, s: ToolboxSecrets): Container {
  let c = ctr;
  if (s.registryUsername && s.registryPassword) {
    c = c.withEnvVariable('REGISTRY_USERNAME', s.registryUsername).withSecretVariable('REGISTRY_PASSWORD', s.registryPassword);
  }
  if (s.key) c = c.withMountedSecret(KEY_PATH, s.key, { owner: '0:0', mode: 0o400 });
  if (s.keyPassword) c = c.withSecretVariable('COSIGN_PASSWORD', s.keyPassword);
  if (s.oidcRequestUrl && s.oidcRequestToken) {
    // Exactly what a GitHub Actions step sees, so cosign takes its GitHub provider path.
    c = c
      .withEnvVariable('GITHUB_ACTIONS', 'true')
      .withEnvVariable('ACTIONS_ID_TOKEN_REQUEST_URL', s.oidcRequestUrl)
      .withSecretVariable('ACTIONS_ID_TOKEN_REQUEST_TOKEN', s.oidcRequestToken);
  }
  return c;
}

/** The variable that makes each call of a function with side effects an exec of its own. */
export const CALL_NONCE = 'PIPELINE_CALL_NONCE';

/**
 * The toolbox for one call of a function with side effects (publish, cosign-sign, release,
 * end-to-end): `cache: 'never'` reaches the function's result, not the execs inside it, which a warm
 * engine replays from its layer cache when they are identical. A value of this call's own, set
 * before the exec, makes the exec new; the toolbox's layers before it stay cached.
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
  return toolsContainer(source)
    .withNewFile('/etc/registry/config.yml', registryConfig('/var/lib/registry', '0.0.0.0:5000'))
    .withExposedPort(5000)
    .asService({ args: [`${TOOLS}/registry`, 'serve', '/etc/registry/config.yml'] });
}
