// The release pipeline as a Dagger module: each function is one containerized step, returning
// Dagger types so calls chain (`dagger call build terminal`). All step logic (references, image
// settings, chart stamping, cosign/helm arguments, the release summary) lives in ./core, shared
// with the daemonless host pipeline (pipeline/), which proves it with the real tools.
import { argument, dag, func, object, type Container, type Directory, type File, type Platform, type Secret, type Service } from '@dagger.io/dagger';
import { stampChartYaml, stampValuesYaml } from './core/chart-package.js';
import { cosignSignArgs, cosignVerifyArgs, GITHUB_ACTIONS_ISSUER, type Policy, type Signer } from './core/cosign-args.js';
import { chartRepository, helmLintArgs, helmPackageArgs, helmPushArgs, parseHelmPushDigest } from './core/helm-args.js';
import { appImageSettings, type ReleaseIdentity } from './core/image-config.js';
import { parseDigestReference, parseRegistryTarget, pinned, repositoryIn, versionTag, type RegistryAccess, type RegistryTarget } from './core/reference.js';
import { releaseSummary } from './core/release-summary.js';
import { appImage, cosignContainer, COSIGN_KEY_PATH, craneContainer, helmContainer, type RegistryLogin } from './containers.js';
import { COSIGN_IMAGE, NODE_BUILD_IMAGE, REGISTRY_IMAGE, RUNTIME_BASE_IMAGE } from './images.js';

export const IMAGE_NAME = 'koa-service';
/** Defaults for a laptop run; CI passes the commit's real values. */
const DEV_VERSION = '0.0.0-dev';
const NO_REVISION = '0'.repeat(40);
const EPOCH = '1970-01-01T00:00:00Z';
const PLACEHOLDER_SOURCE = 'https://github.com/OWNER/REPO';
export const CHART_NAME = 'koa-service';

@object()
export class ReleasePipeline {
  source: Directory;

  constructor(
    @argument({ defaultPath: '/', ignore: ['**/node_modules', '**/dist', '.out', '.tools', '.git', '**/*.tgz'] })
    source: Directory,
  ) {
    this.source = source;
  }

  /** The release identity from explicit values (CI passes the commit's; defaults suit a laptop). */
  identity(version: string, revision: string, created: string, sourceUrl: string): ReleaseIdentity {
    return { title: IMAGE_NAME, version, revision, created, source: sourceUrl };
  }

  /** Build the service image on the pinned runtime base (user 65532, entrypoint, labels). */
  @func()
  async build(
    version = DEV_VERSION,
    revision = NO_REVISION,
    created = EPOCH,
    sourceUrl = PLACEHOLDER_SOURCE,
    platform = 'linux/amd64',
    baseImage = RUNTIME_BASE_IMAGE,
  ): Promise<Container> {
    parseDigestReference(baseImage, 'the base image');
    const base = dag.container({ platform: platform as Platform }).from(baseImage);
    const settings = appImageSettings(this.identity(version, revision, created, sourceUrl), await base.entrypoint());
    return appImage(base, this.source, settings);
  }

  /** Type-check the service and the module, and run the suites that need no external tool; fails when a test fails. */
  @func()
  async test(): Promise<string> {
    return dag
      .container()
      .from(NODE_BUILD_IMAGE)
      .withMountedCache('/root/.npm', dag.cacheVolume('release-pipeline-npm'))
      .withEnvVariable('CI', 'true')
      .withDirectory('/src', this.source, { include: ['app/**', 'ci/**', 'pipeline/**', 'package.json', 'package-lock.json', 'tsconfig*.json', 'vitest.config.ts'] })
      .withWorkdir('/src')
      .withExec(['npm', 'ci', '--no-audit', '--no-fund'])
      .withExec(['npm', 'ci', '--no-audit', '--no-fund', '--prefix', 'app'])
      .withExec(['npm', 'ci', '--no-audit', '--no-fund', '--prefix', 'ci'])
      .withExec(['npx', 'tsc', '-p', 'app/tsconfig.json'])
      .withExec(['npx', 'tsc', '-p', 'ci/tsconfig.json'])
      // The suites that need no external tool; the registry/cosign/helm suites run in the host
      // runner's CI (npm test), which has those tools.
      .withExec(['npx', 'vitest', 'run', 'app/test', 'ci/test/reference', 'ci/test/args', 'ci/test/image-config', 'ci/test/chart-package', 'ci/test/module'])
      .stdout();
  }

  /** Lint and package the chart with version/appVersion and the image repository+digest written in. */
  @func()
  async chartPackage(imageRepository: string, imageDigest: string, version = DEV_VERSION, revision = '', sourceUrl = ''): Promise<File> {
    const chart = this.source.directory('chart');
    const chartYaml = stampChartYaml(await chart.file('Chart.yaml').contents(), { version, appVersion: version, ...(sourceUrl ? { source: sourceUrl } : {}), ...(revision ? { revision } : {}) });
    const valuesYaml = stampValuesYaml(await chart.file('values.yaml').contents(), { imageRepository, imageDigest });
    const staged = chart.withoutDirectory('test').withNewFile('Chart.yaml', chartYaml).withNewFile('values.yaml', valuesYaml);
    return helmContainer()
      .withDirectory(`/work/${CHART_NAME}`, staged)
      .withExec(helmLintArgs(`/work/${CHART_NAME}`), { useEntrypoint: true })
      .withExec(helmPackageArgs(`/work/${CHART_NAME}`, '/work/out'), { useEntrypoint: true })
      .file(`/work/out/${CHART_NAME}-${version}.tgz`);
  }

  /** Push the image (linux/amd64 + linux/arm64) and the chart; returns both digest references as JSON. */
  @func({ cache: 'never' })
  async publish(
    registry: string,
    version = DEV_VERSION,
    revision = NO_REVISION,
    created = EPOCH,
    sourceUrl = PLACEHOLDER_SOURCE,
    username = '',
    password?: Secret,
  ): Promise<string> {
    const target = parseRegistryTarget(registry);
    const login: RegistryLogin | undefined = username && password ? { registry: target.registry, username, password } : undefined;
    const repository = repositoryIn(target, IMAGE_NAME);
    const variants = await Promise.all(['linux/amd64', 'linux/arm64'].map((p) => this.build(version, revision, created, sourceUrl, p)));
    let publisher = dag.container();
    if (login) publisher = publisher.withRegistryAuth(login.registry, login.username, login.password);
    const published = await publisher.publish(`${repository}:${versionTag(version)}`, { platformVariants: variants });
    const imageRef = pinned(repository, parseDigestReference(published.replace(/:[^:/@]+@/, '@')).digest);
    const chart = await this.chartPackage(repository, imageRef.split('@')[1]!, version, revision, sourceUrl);
    const chartRef = await this.pushChart(helmContainer(login), chart, target, version);
    return JSON.stringify({ image: imageRef, chart: chartRef });
  }

  /** `helm push` from the given helm container (logged in, or bound to a registry service). */
  private async pushChart(helm: Container, chart: File, target: RegistryTarget, version: string, access: RegistryAccess = {}): Promise<string> {
    const tgz = `/work/${CHART_NAME}-${version}.tgz`;
    const out = await helm.withFile(tgz, chart).withExec(helmPushArgs(tgz, target, access), { useEntrypoint: true }).combinedOutput();
    return pinned(chartRepository(target, CHART_NAME), parseHelmPushDigest(out));
  }

  /**
   * Sign an artifact by digest with cosign (legacy .sig format, verifiable by cosign v2 and v3).
   * Keyless in GitHub Actions (OIDC request URL + token), or with a key and its password.
   */
  @func({ cache: 'never' })
  async sign(
    ref: string,
    key?: Secret,
    keyPassword?: Secret,
    oidcRequestUrl = '',
    oidcRequestToken?: Secret,
    registryUsername = '',
    registryPassword?: Secret,
    plainHttp = false,
  ): Promise<string> {
    return this.signer(ref, { key, keyPassword, oidcRequestUrl, oidcRequestToken, registryUsername, registryPassword, plainHttp }).stdout();
  }

  /** The signing container, built lazily (tests inspect it without an engine). */
  signer(
    ref: string,
    o: { key?: Secret; keyPassword?: Secret; oidcRequestUrl?: string; oidcRequestToken?: Secret; registryUsername?: string; registryPassword?: Secret; plainHttp?: boolean },
  ): Container {
    const { registry } = parseDigestReference(ref, 'the artifact to sign');
    if (!o.key && !(o.oidcRequestUrl && o.oidcRequestToken)) {
      throw new Error('sign needs --key (and --key-password), or --oidc-request-url and --oidc-request-token for keyless signing');
    }
    const signer: Signer = o.key ? { kind: 'key', keyPath: COSIGN_KEY_PATH } : { kind: 'keyless' };
    const login = o.registryUsername && o.registryPassword ? { registry, username: o.registryUsername, password: o.registryPassword } : undefined;
    const args = cosignSignArgs(ref, signer, { plainHttp: o.plainHttp ?? false });
    // Locally signed keys carry no transparency-log entry; keyless signatures go to the public log.
    return cosignContainer({
      ...(login ? { login } : {}),
      ...(o.key ? { key: o.key } : {}),
      ...(o.keyPassword ? { keyPassword: o.keyPassword } : {}),
      ...(o.oidcRequestUrl ? { oidcRequestUrl: o.oidcRequestUrl } : {}),
      ...(o.oidcRequestToken ? { oidcRequestToken: o.oidcRequestToken } : {}),
    }).withExec(args, { useEntrypoint: true });
  }

  /** Verify an artifact by digest: against a public key, or a keyless identity and issuer. */
  @func()
  async verify(ref: string, publicKey?: File, certificateIdentity = '', certificateOidcIssuer = GITHUB_ACTIONS_ISSUER, plainHttp = false): Promise<string> {
    const policy: Policy = publicKey ? { kind: 'key', publicKeyPath: '/work/cosign.pub' } : { kind: 'identity', identity: certificateIdentity, issuer: certificateOidcIssuer };
    if (!publicKey && !certificateIdentity) throw new Error('verify needs --public-key, or --certificate-identity (and --certificate-oidc-issuer)');
    let ctr = dag.container().from(COSIGN_IMAGE);
    if (publicKey) ctr = ctr.withFile('/work/cosign.pub', publicKey);
    return ctr.withExec(cosignVerifyArgs(ref, policy, { plainHttp }), { useEntrypoint: true }).stdout();
  }

  /** Build, test, publish, sign and verify; returns the release summary (the shape of .out/release.json). */
  @func({ cache: 'never' })
  async release(
    registry: string,
    version = DEV_VERSION,
    revision = NO_REVISION,
    created = EPOCH,
    sourceUrl = PLACEHOLDER_SOURCE,
    username = '',
    password?: Secret,
    key?: Secret,
    keyPassword?: Secret,
    publicKey?: File,
    oidcRequestUrl = '',
    oidcRequestToken?: Secret,
    certificateIdentity = '',
    certificateOidcIssuer = GITHUB_ACTIONS_ISSUER,
    skipTests = false,
  ): Promise<string> {
    if (!skipTests) await this.test();
    const { image, chart } = JSON.parse(await this.publish(registry, version, revision, created, sourceUrl, username, password)) as { image: string; chart: string };
    for (const ref of [image, chart]) {
      await this.sign(ref, key, keyPassword, oidcRequestUrl, oidcRequestToken, username, password);
      await this.verify(ref, publicKey, certificateIdentity, certificateOidcIssuer);
    }
    const [imageRepo, imageDigest] = image.split('@') as [string, string];
    const [chartRepo, chartDigest] = chart.split('@') as [string, string];
    const policy: Policy = key ? { kind: 'key', publicKeyPath: 'cosign.pub' } : { kind: 'identity', identity: certificateIdentity, issuer: certificateOidcIssuer };
    return JSON.stringify(
      releaseSummary({
        version,
        revision,
        source: sourceUrl,
        image: { repository: imageRepo, digest: imageDigest, platforms: ['linux/amd64', 'linux/arm64'], base: RUNTIME_BASE_IMAGE },
        chart: { repository: chartRepo, digest: chartDigest, name: CHART_NAME, version },
        policy,
      }),
      null,
      2,
    );
  }

  /** A throwaway CNCF distribution registry (plain HTTP) for the end-to-end run. */
  @func()
  registry(): Service {
    return dag.container().from(REGISTRY_IMAGE).withExposedPort(5000).asService({ useEntrypoint: true });
  }

  /**
   * The whole release against the throwaway registry with a generated key: build, package, push
   * from containers over plain HTTP, sign, verify. Returns the release summary.
   */
  @func({ cache: 'never' })
  async endToEnd(version = '0.0.0-e2e', revision = NO_REVISION): Promise<string> {
    const registry = this.registry();
    const host = 'registry:5000';
    const repository = `${host}/${IMAGE_NAME}`;
    const created = EPOCH;
    const image = await this.build(version, revision, created);

    const pushed = await craneContainer()
      .withServiceBinding('registry', registry)
      .withFile('/work/image.tar', image.asTarball())
      .withExec(['push', '--insecure', '/work/image.tar', `${repository}:${version}`], { useEntrypoint: true })
      .stdout();
    const imageRef = pinned(repository, parseDigestReference(pushed.trim().split('\n').pop()!).digest);
    const chartFile = await this.chartPackage(repository, imageRef.split('@')[1]!, version);
    const chartRef = await this.pushChart(helmContainer().withServiceBinding('registry', registry), chartFile, { registry: host, namespace: '' }, version, { plainHttp: true });

    // A throwaway key pair that never leaves the containers of this run.
    const keys = dag
      .container()
      .from(COSIGN_IMAGE)
      .withEnvVariable('COSIGN_PASSWORD', '')
      .withWorkdir('/keys')
      .withExec(['generate-key-pair'], { useEntrypoint: true })
      .directory('/keys');
    for (const ref of [imageRef, chartRef]) {
      const cosign = dag.container().from(COSIGN_IMAGE).withServiceBinding('registry', registry).withDirectory('/keys', keys).withEnvVariable('COSIGN_PASSWORD', '');
      await cosign.withExec(cosignSignArgs(ref, { kind: 'key', keyPath: '/keys/cosign.key' }, { plainHttp: true }), { useEntrypoint: true }).sync();
      await cosign.withExec(cosignVerifyArgs(ref, { kind: 'key', publicKeyPath: '/keys/cosign.pub' }, { plainHttp: true }), { useEntrypoint: true }).sync();
    }
    return JSON.stringify(
      releaseSummary({
        version,
        revision,
        source: PLACEHOLDER_SOURCE,
        image: { repository, digest: imageRef.split('@')[1]!, platforms: ['linux/amd64'], base: RUNTIME_BASE_IMAGE },
        chart: { repository: chartRef.split('@')[0]!, digest: chartRef.split('@')[1]!, name: CHART_NAME, version },
        policy: { kind: 'key', publicKeyPath: 'cosign.pub' },
      }),
      null,
      2,
    );
  }
}

