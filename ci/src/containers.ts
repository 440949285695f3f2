// The containers each step runs in, as lazy Dagger chains (nothing executes until awaited). Kept
// apart from the @func layer so tests can build and inspect them with no engine.
import { dag, type Container, type Directory, type Secret } from '@dagger.io/dagger';
import type { AppImageSettings } from './core/image-config.js';
import { COSIGN_IMAGE, CRANE_IMAGE, HELM_IMAGE, NODE_BUILD_IMAGE } from './images.js';

export const APP_OWNER = '65532:65532';
const SECRETS_DIR = '/run/secrets';

/** Node with the npm cache on a volume, the repository's app/ and base tsconfig mounted at /src. */
export function nodeWorkspace(source: Directory): Container {
  return dag
    .container()
    .from(NODE_BUILD_IMAGE)
    .withMountedCache('/root/.npm', dag.cacheVolume('release-pipeline-npm'))
    .withEnvVariable('CI', 'true')
    .withDirectory('/src', source, { include: ['app/**', 'tsconfig.base.json'] })
    .withWorkdir('/src/app');
}

/** app/dist, compiled. */
export function compiledApp(source: Directory): Directory {
  return nodeWorkspace(source).withExec(['npm', 'ci', '--no-audit', '--no-fund']).withExec(['npm', 'run', 'build']).directory('/src/app/dist');
}

/** app/node_modules with production dependencies only. */
export function productionModules(source: Directory): Directory {
  return nodeWorkspace(source)
    .withExec(['npm', 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'])
    .directory('/src/app/node_modules');
}

/** The app on the runtime base, with the settings both engines share. */
export function appImage(base: Container, source: Directory, settings: AppImageSettings): Container {
  let image = base
    .withDirectory(`${settings.workdir}/node_modules`, productionModules(source), { owner: APP_OWNER })
    .withDirectory(`${settings.workdir}/dist`, compiledApp(source), { owner: APP_OWNER })
    .withFile(`${settings.workdir}/package.json`, source.file('app/package.json'), { owner: APP_OWNER })
    .withUser(settings.user)
    .withWorkdir(settings.workdir)
    .withEntrypoint(settings.entrypoint)
    .withDefaultArgs(settings.cmd)
    .withExposedPort(settings.exposedPort);
  for (const [name, value] of Object.entries(settings.env)) image = image.withEnvVariable(name, value);
  for (const [name, value] of Object.entries(settings.labels)) image = image.withLabel(name, value).withAnnotation(name, value);
  return image;
}

export interface RegistryLogin {
  registry: string;
  username: string;
  password: Secret;
}

/**
 * `<tool> login HOST -u USER --password-stdin`, the password read from a mounted secret file: it
 * never becomes an argument, an environment variable of a logged command, or a cached file.
 */
function withLogin(ctr: Container, login: RegistryLogin | undefined, loginArgs: (host: string, user: string) => string[]): Container {
  if (!login) return ctr;
  const path = `${SECRETS_DIR}/registry-password`;
  return ctr
    .withMountedSecret(path, login.password)
    .withExec(loginArgs(login.registry, login.username), { useEntrypoint: true, redirectStdin: path });
}

export function helmContainer(login?: RegistryLogin): Container {
  const base = dag.container().from(HELM_IMAGE).withEnvVariable('HELM_CACHE_HOME', '/tmp/helm-cache');
  return withLogin(base, login, (host, user) => ['registry', 'login', host, '--username', user, '--password-stdin']);
}

export function craneContainer(login?: RegistryLogin): Container {
  const base = dag.container().from(CRANE_IMAGE);
  return withLogin(base, login, (host, user) => ['auth', 'login', host, '--username', user, '--password-stdin']);
}

export interface CosignCredentials {
  login?: RegistryLogin;
  /** Key-based signing: the private key and its password, both secrets. */
  key?: Secret;
  keyPassword?: Secret;
  /** Keyless signing in GitHub Actions: the OIDC request URL and token the runner provides. */
  oidcRequestUrl?: string;
  oidcRequestToken?: Secret;
}

export const COSIGN_KEY_PATH = `${SECRETS_DIR}/cosign.key`;

export function cosignContainer(creds: CosignCredentials = {}): Container {
  let ctr = withLogin(dag.container().from(COSIGN_IMAGE), creds.login, (host, user) => ['login', host, '--username', user, '--password-stdin']);
  if (creds.key) ctr = ctr.withMountedSecret(COSIGN_KEY_PATH, creds.key);
  if (creds.keyPassword) ctr = ctr.withSecretVariable('COSIGN_PASSWORD', creds.keyPassword);
  else if (creds.key) ctr = ctr.withEnvVariable('COSIGN_PASSWORD', '');
  if (creds.oidcRequestUrl) ctr = ctr.withEnvVariable('ACTIONS_ID_TOKEN_REQUEST_URL', creds.oidcRequestUrl);
  if (creds.oidcRequestToken) ctr = ctr.withSecretVariable('ACTIONS_ID_TOKEN_REQUEST_TOKEN', creds.oidcRequestToken);
  return ctr;
}
