// The release pipeline as a Dagger module. Each function runs one command of the pipeline CLI
// (pipeline/src/cli.ts, compiled) in the toolbox container (./toolbox.ts): the same step code, tool
// versions and argument lists the host runs with `npm run pipeline`, and that this repository
// tests. This file is wiring only: inputs checked, secrets mounted, results returned as Dagger types.
import { argument, dag, func, object, type Container, type Directory, type File, type Secret } from '@dagger.io/dagger';
import { provenanceRego } from './core/attestation-policy.js';
import { parseDigestReference, parseRegistryTarget } from './core/reference.js';
import type { ReleaseSummary } from './core/release-summary.js';
import type { CommitFacts } from './core/chart-package.js';
import type { SigningMode } from './core/signing-mode.js';
import { chartPackageArgs, imageArgs, publishArgs, releaseArgs, signArgs, verifyArgs } from './core/step-args.js';
import { RUNTIME_BASE_IMAGE } from './core/images.js';
import { FUNCTION_TOOLS } from './toolbox-plan.js';
import { CLI, forThisCall, KEY_PATH, OUT, registryService, step, toolbox, withSecrets, type ToolboxSecrets } from './toolbox.js';
import { PipelineError } from './core/errors.js';

const PUBLIC_KEY_PATH = '/run/inputs/cosign.pub';
const TRUSTED_ROOT_PATH = '/run/inputs/trusted_root.json';

/** A published release: both artifacts by digest, how they were signed, and how to check them. */
@object()
export class Release {
  /** The release version (from the app version and the commit, or the release tag). */
  @func() version: string;
  /** The git commit released. */
  @func() revision: string;
  /** The image, repository@sha256:… (the index; its platform manifests are signed too). */
  @func() image: string;
  /** The image's platforms. */
  @func() platforms: string[];
  /** The chart, repository@sha256:…, with the image digest written in. */
  @func() chart: string;
  /** Who signed: "key <public key>" or "<identity> (<issuer>)". */
  @func() signer: string;
  /** The stock `cosign verify` command for the image. */
  @func() verifyImage: string;
  /** The stock `cosign verify` command for the chart. */
  @func() verifyChart: string;
  /** The stock `cosign verify-attestation --type slsaprovenance1 --policy …` command for the image. */
  @func() verifyProvenance: string;
  /** The stock `cosign verify-attestation --type spdxjson` command for the image's SBOM. */
  @func() verifySbom: string;
  /** The Rego policy (cosign `--policy`) holding the provenance to this release's repository, revision and digests. */
  @func() provenancePolicy: string;
  /** The whole release.json, as the host pipeline writes it. */
  @func() json: string;

  constructor(
    version: string,
    revision: string,
    image: string,
    platforms: string[],
    chart: string,
    signer: string,
    verifyImage: string,
    verifyChart: string,
    verifyProvenance: string,
    verifySbom: string,
    provenancePolicy: string,
    json: string,
  ) {
    this.version = version;
    this.revision = revision;
    this.image = image;
    this.platforms = platforms;
    this.chart = chart;
    this.signer = signer;
    this.verifyImage = verifyImage;
    this.verifyChart = verifyChart;
    this.verifyProvenance = verifyProvenance;
    this.verifySbom = verifySbom;
    this.provenancePolicy = provenancePolicy;
    this.json = json;
  }

  static fromSummary(text: string): Release {
    const s = JSON.parse(text) as ReleaseSummary;
    const signer = s.signing.kind === 'key' ? `key ${s.signing.publicKey}` : `${s.signing.identity} (${s.signing.issuer})`;
    const policy = provenanceRego({ repository: s.source, revision: s.revision, subjects: [s.image.digest, s.chart.digest] });
    return new Release(
      s.version,
      s.revision,
      s.image.ref,
      s.image.platforms,
      s.chart.ref,
      signer,
      s.verify.image,
      s.verify.chart,
      s.verify.provenance?.image ?? '',
      s.verify.sbom ?? '',
      policy,
      text,
    );
  }
}

/** The image and the chart as pushed by `publish`: by digest, untagged, not yet signed. */
@object()
export class Published {
  /** The image, repository@sha256:…. */
  @func() image: string;
  /** The chart, repository@sha256:…. */
  @func() chart: string;

  constructor(image: string, chart: string) {
    this.image = image;
    this.chart = chart;
  }
}

/** The commit's facts, all three or none (then the CLI reads them from .git). */
function commit(revision?: string, commitTime?: number, commitCount?: number, tag?: string): CommitFacts | undefined {
  const given = [revision, commitTime, commitCount].filter((x) => x !== undefined && x !== '').length;
  if (given === 0) return undefined;
  if (given !== 3) throw new PipelineError('usage', 'give --revision, --commit-time and --commit-count together (or none: they are read from .git)');
  return { revision: revision!, commitTime: commitTime!, commitCount: commitCount!, tag: tag || undefined };
}

/** Checks every input before the first side effect, and says what to pass instead. */
function signingChoice(
  key?: Secret,
  certificateIdentity?: string,
  certificateOidcIssuer?: string,
  oidcRequestUrl?: string,
  oidcRequestToken?: Secret,
  own: { fulcioUrl?: string; timestampUrl?: string; trustedRoot?: File } = {},
): SigningMode {
  const keyless = Boolean(oidcRequestUrl || oidcRequestToken || certificateIdentity);
  if (key && keyless)
    throw new PipelineError('usage', 'give --key, or keyless signing (--oidc-request-url, --oidc-request-token, --certificate-identity), not both');
  if (key) return { kind: 'key', keyPath: KEY_PATH };
  if (!keyless)
    throw new PipelineError(
      'usage',
      'signing needs --key (a cosign private key) or keyless signing (--oidc-request-url, --oidc-request-token, --certificate-identity)',
    );
  if (!oidcRequestUrl || !oidcRequestToken || !certificateIdentity || !certificateOidcIssuer) {
    throw new PipelineError(
      'usage',
      'keyless signing needs all of --oidc-request-url, --oidc-request-token, --certificate-identity and --certificate-oidc-issuer',
    );
  }
  if ((own.fulcioUrl || own.timestampUrl) && !own.trustedRoot)
    throw new PipelineError('usage', '--fulcio-url and --timestamp-url need --trusted-root, the trust material of that Sigstore');
  const sigstore = own.trustedRoot ? { trustedRootPath: TRUSTED_ROOT_PATH, fulcioUrl: own.fulcioUrl, timestampUrl: own.timestampUrl } : undefined;
  return { kind: 'keyless', identity: certificateIdentity, issuer: certificateOidcIssuer, sigstore };
}

/** The toolbox with the trusted root of a Sigstore of one's own, where the CLI is told to find it. */
function withTrustedRoot(ctr: Container, trustedRoot?: File): Container {
  return trustedRoot ? ctr.withFile(TRUSTED_ROOT_PATH, trustedRoot) : ctr;
}

function login(username?: string, password?: Secret): Pick<ToolboxSecrets, 'login'> {
  if (Boolean(username) !== Boolean(password))
    throw new PipelineError('usage', 'give --username and --password together (or neither, for a registry that needs no login)');
  return { login: username && password ? { username, password } : undefined };
}

/** The secrets a signing step gets: the registry login, and the key or the keyless OIDC request. */
function signingSecrets(
  key?: Secret,
  keyPassword?: Secret,
  oidcRequestUrl?: string,
  oidcRequestToken?: Secret,
  username?: string,
  password?: Secret,
): ToolboxSecrets {
  return {
    ...login(username, password),
    key,
    keyPassword,
    oidcRequest: oidcRequestUrl && oidcRequestToken ? { url: oidcRequestUrl, token: oidcRequestToken } : undefined,
  };
}

/** The base image given (checked: by digest), or the pinned runtime base. */
function baseImageOrDefault(baseImage?: string): string {
  const base = baseImage ?? RUNTIME_BASE_IMAGE;
  parseDigestReference(base, '--base-image');
  return base;
}

/** Builds, tests, packages, publishes, signs and verifies the Koa service image and its Helm chart. */
@object()
export class ReleasePipeline {
  source: Directory;

  constructor(
    /** The repository (default: this module's git repository). */
    @argument({ defaultPath: '/', ignore: ['**/node_modules', '**/dist', '.out', '.tools', '**/*.tgz'] })
    source: Directory,
  ) {
    this.source = source;
  }

  /**
   * The service image, built on the pinned runtime base with the pipeline's `image` step.
   * Example: dagger call build terminal --cmd=/nodejs/bin/node
   */
  @func()
  build(
    /** The runtime base image, by digest (default: the pinned distroless Node 20). */
    baseImage?: string,
    /** The commit released (full hash); with commit-time and commit-count, when the source has no .git. */
    revision?: string,
    /** The commit time, seconds since the epoch. */
    commitTime?: number,
    /** The number of commits reachable from it (git rev-list --count). */
    commitCount?: number,
    /** A release tag on the commit (vX.Y.Z), which sets the version. */
    gitTag?: string,
    /** The source repository URL written into the image and chart (default: the origin remote). */
    sourceUrl?: string,
  ): Container {
    const base = baseImageOrDefault(baseImage);
    const built = step(
      toolbox(this.source, FUNCTION_TOOLS.build),
      imageArgs({ baseImage: base, output: `${OUT}/image`, commit: commit(revision, commitTime, commitCount, gitTag), sourceUrl }),
    ).withExec(['tar', '-C', `${OUT}/image`, '-cf', `${OUT}/image.tar`, '.']);
    return dag.container().import_(built.file(`${OUT}/image.tar`));
  }

  /**
   * The service's test suite, as the pipeline's `test` step runs it.
   * Example: dagger call test
   */
  @func()
  async test(): Promise<string> {
    return step(toolbox(this.source, FUNCTION_TOOLS.test), ['test']).stdout();
  }

  /**
   * The chart, linted and packaged with the version and the image digest written in.
   * Example: dagger call chart-package --image ghcr.io/acme/koa-service@sha256:… export --path chart.tgz
   */
  @func()
  chartPackage(
    /** The image the chart deploys: repository@sha256:…. */
    image: string,
    /** The commit released (full hash); with commit-time and commit-count, when the source has no .git. */
    revision?: string,
    /** The commit time, seconds since the epoch. */
    commitTime?: number,
    /** The number of commits reachable from it (git rev-list --count). */
    commitCount?: number,
    /** A release tag on the commit (vX.Y.Z), which sets the version. */
    gitTag?: string,
    /** The source repository URL written into the image and chart (default: the origin remote). */
    sourceUrl?: string,
  ): File {
    const ref = parseDigestReference(image, '--image');
    return step(
      toolbox(this.source, FUNCTION_TOOLS.chartPackage),
      chartPackageArgs({ image: ref, output: `${OUT}/chart.tgz`, commit: commit(revision, commitTime, commitCount, gitTag), sourceUrl }),
    ).file(`${OUT}/chart.tgz`);
  }

  /**
   * Build and push the image and the chart by digest, untagged and unsigned (sign and verify next).
   * Example: dagger call publish --registry ghcr.io/acme --username me --password env://GHCR_TOKEN
   */
  @func({ cache: 'never' })
  async publish(
    /** Where to publish: host[:port]/namespace. */
    registry: string,
    /** The registry user. */
    username?: string,
    /** The registry password or token. */
    password?: Secret,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
    /** The runtime base image, by digest (default: the pinned distroless Node 20). */
    baseImage?: string,
    /** Skip the service's tests. */
    skipTests = false,
    /** The commit released (full hash); with commit-time and commit-count, when the source has no .git. */
    revision?: string,
    /** The commit time, seconds since the epoch. */
    commitTime?: number,
    /** The number of commits reachable from it (git rev-list --count). */
    commitCount?: number,
    /** A release tag on the commit (vX.Y.Z), which sets the version. */
    gitTag?: string,
    /** The source repository URL written into the image and chart (default: the origin remote). */
    sourceUrl?: string,
  ): Promise<Published> {
    parseRegistryTarget(registry);
    const base = baseImageOrDefault(baseImage);
    const args = publishArgs({ registry, plainHttp, baseImage: base, skipTests, commit: commit(revision, commitTime, commitCount, gitTag), sourceUrl });
    const out = JSON.parse(await step(forThisCall(withSecrets(toolbox(this.source, FUNCTION_TOOLS.publish), login(username, password))), args).stdout()) as {
      image: string;
      chart: string;
    };
    return new Published(out.image, out.chart);
  }

  /**
   * Sign artifacts by digest (an image index: its platform manifests too), then verify them.
   * Example: dagger call cosign-sign --ref ghcr.io/acme/koa-service@sha256:… --key file://cosign.key --key-password env://COSIGN_PASSWORD
   */
  @func({ cache: 'never' })
  async cosignSign(
    /** What to sign: repository@sha256:…, one or more. */
    ref: string[],
    /** A cosign private key. */
    key?: Secret,
    /** The cosign key's password. */
    keyPassword?: Secret,
    /** Keyless: the identity the signing certificate must name (the workflow ref). */
    certificateIdentity?: string,
    /** Keyless: the OIDC issuer of that identity. */
    certificateOidcIssuer = 'https://token.actions.githubusercontent.com',
    /** Keyless in GitHub Actions: $ACTIONS_ID_TOKEN_REQUEST_URL. */
    oidcRequestUrl?: string,
    /** Keyless in GitHub Actions: $ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
    oidcRequestToken?: Secret,
    /** The registry user. */
    username?: string,
    /** The registry password or token. */
    password?: Secret,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
    /** Keyless with a Sigstore of your own: its Fulcio (default: the public one). */
    fulcioUrl?: string,
    /** Keyless with a Sigstore of your own: its timestamp authority. */
    timestampUrl?: string,
    /** Keyless with a Sigstore of your own: its trusted root (cosign trusted-root create). */
    trustedRoot?: File,
  ): Promise<string[]> {
    const refs = ref.map((r) => parseDigestReference(r, 'the artifact to sign'));
    const signing = signingChoice(key, certificateIdentity, certificateOidcIssuer, oidcRequestUrl, oidcRequestToken, { fulcioUrl, timestampUrl, trustedRoot });
    const secrets = signingSecrets(key, keyPassword, oidcRequestUrl, oidcRequestToken, username, password);
    const out = await step(
      forThisCall(withTrustedRoot(withSecrets(toolbox(this.source, FUNCTION_TOOLS.cosignSign), secrets), trustedRoot)),
      signArgs({ refs, signing, plainHttp }),
    ).stdout();
    return (JSON.parse(out) as { signed: string[] }).signed;
  }

  /**
   * Verify a release from its chart: the chart's signature, then every image it deploys.
   * Example: dagger call verify --chart ghcr.io/acme/charts/koa-service@sha256:… --public-key cosign.pub
   */
  @func({ cache: 'session' })
  async verify(
    /** The chart to verify: repository@sha256:…. */
    chart: string,
    /** The cosign public key the release was signed with. */
    publicKey?: File,
    /** Keyless: the identity the signing certificate must name (the workflow ref). */
    certificateIdentity?: string,
    /** Keyless: the OIDC issuer of that identity. */
    certificateOidcIssuer = 'https://token.actions.githubusercontent.com',
    /** The registry user. */
    username?: string,
    /** The registry password or token. */
    password?: Secret,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
  ): Promise<string> {
    const ref = parseDigestReference(chart, '--chart');
    if (!publicKey === !certificateIdentity)
      throw new PipelineError('usage', 'verify needs --public-key, or --certificate-identity (with --certificate-oidc-issuer)');
    let box = withSecrets(toolbox(this.source, FUNCTION_TOOLS.verify), login(username, password));
    if (publicKey) box = box.withFile(PUBLIC_KEY_PATH, publicKey);
    const policy = publicKey
      ? { kind: 'key' as const, publicKeyPath: PUBLIC_KEY_PATH }
      : { kind: 'identity' as const, identity: { exact: certificateIdentity! }, issuer: certificateOidcIssuer };
    return step(box, verifyArgs({ chart: ref, policy, plainHttp })).stdout();
  }

  /**
   * The whole release: build, test, publish by digest, sign, verify (with the same credentials), tag last.
   * Example: dagger call release --registry ghcr.io/acme --username me --password env://GHCR_TOKEN --key file://cosign.key image
   */
  @func({ cache: 'never' })
  async release(
    /** Where to publish: host[:port]/namespace. */
    registry: string,
    /** A cosign private key. */
    key?: Secret,
    /** The cosign key's password. */
    keyPassword?: Secret,
    /** Keyless: the identity the signing certificate must name (the workflow ref). */
    certificateIdentity?: string,
    /** Keyless: the OIDC issuer of that identity. */
    certificateOidcIssuer = 'https://token.actions.githubusercontent.com',
    /** Keyless in GitHub Actions: $ACTIONS_ID_TOKEN_REQUEST_URL. */
    oidcRequestUrl?: string,
    /** Keyless in GitHub Actions: $ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
    oidcRequestToken?: Secret,
    /** The registry user. */
    username?: string,
    /** The registry password or token. */
    password?: Secret,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
    /** The runtime base image, by digest (default: the pinned distroless Node 20). */
    baseImage?: string,
    /** Skip the service's tests. */
    skipTests = false,
    /** The commit released (full hash); with commit-time and commit-count, when the source has no .git. */
    revision?: string,
    /** The commit time, seconds since the epoch. */
    commitTime?: number,
    /** The number of commits reachable from it (git rev-list --count). */
    commitCount?: number,
    /** A release tag on the commit (vX.Y.Z), which sets the version. */
    gitTag?: string,
    /** The source repository URL written into the image and chart (default: the origin remote). */
    sourceUrl?: string,
    /** Keyless with a Sigstore of your own: its Fulcio (default: the public one). */
    fulcioUrl?: string,
    /** Keyless with a Sigstore of your own: its timestamp authority. */
    timestampUrl?: string,
    /** Keyless with a Sigstore of your own: its trusted root (cosign trusted-root create). */
    trustedRoot?: File,
  ): Promise<Release> {
    parseRegistryTarget(registry);
    const signing = signingChoice(key, certificateIdentity, certificateOidcIssuer, oidcRequestUrl, oidcRequestToken, { fulcioUrl, timestampUrl, trustedRoot });
    const secrets = signingSecrets(key, keyPassword, oidcRequestUrl, oidcRequestToken, username, password);
    const base = baseImageOrDefault(baseImage);
    const args = releaseArgs({
      registry,
      plainHttp,
      signing,
      baseImage: base,
      skipTests,
      commit: commit(revision, commitTime, commitCount, gitTag),
      sourceUrl,
    });
    return Release.fromSummary(
      await step(forThisCall(withTrustedRoot(withSecrets(toolbox(this.source, FUNCTION_TOOLS.release), secrets), trustedRoot)), args).stdout(),
    );
  }

  /**
   * The whole release against a throwaway registry service (started once, stopped at the end), with
   * a throwaway key, then verified from its chart. Needs no secrets: CI runs it on every change.
   * Example: dagger call end-to-end chart
   */
  @func({ cache: 'never' })
  async endToEnd(
    /** The commit released (full hash); with commit-time and commit-count, when the source has no .git. */
    revision?: string,
    /** The commit time, seconds since the epoch. */
    commitTime?: number,
    /** The number of commits reachable from it (git rev-list --count). */
    commitCount?: number,
    /** A release tag on the commit (vX.Y.Z), which sets the version. */
    gitTag?: string,
  ): Promise<Release> {
    const registry = await registryService(this.source).start();
    try {
      const target = { registry: 'registry:5000/e2e', plainHttp: true };
      const released = step(
        forThisCall(toolbox(this.source, FUNCTION_TOOLS.endToEnd)).withServiceBinding('registry', registry),
        releaseArgs({
          ...target,
          signing: { kind: 'embedded-key' },
          baseImage: RUNTIME_BASE_IMAGE,
          skipTests: false,
          commit: commit(revision, commitTime, commitCount, gitTag),
        }),
      );
      const release = Release.fromSummary(await released.stdout());
      await released
        .withExec([
          ...CLI,
          ...verifyArgs({ chart: parseDigestReference(release.chart), policy: { kind: 'key', publicKeyPath: `${OUT}/keys/cosign.pub` }, plainHttp: true }),
        ])
        .sync();
      return release;
    } finally {
      await registry.stop();
    }
  }
}
