// The release pipeline as a Dagger module. Each function runs one command of the pipeline CLI
// (pipeline/src/cli.ts, compiled) in the toolbox container (./toolbox.ts): the same step code, tool
// versions and argument lists the host runs with `npm run pipeline`, and that this repository
// tests. This file is wiring only: inputs checked, secrets mounted, results returned as Dagger types.
import { argument, dag, func, object, type Container, type Directory, type File, type Secret } from '@dagger.io/dagger';
import { provenanceRego } from './core/attestation-policy.js';
import { parseDigestReference, parseRegistryTarget } from './core/reference.js';
import type { ReleaseSummary } from './core/release-summary.js';
import type { CommitFacts } from './core/chart-package.js';
import { GITHUB_ACTIONS_ISSUER, type Policy } from './core/cosign-args.js';
import { EMBEDDED_KEY, type AttestSigner, type SigningMode } from './core/signing-mode.js';
import { chartPackageArgs, imageArgs, publishArgs, releaseArgs, signArgs, verifyArgs } from './core/step-args.js';
import { RUNTIME_BASE_IMAGE } from './core/images.js';
import { FUNCTION_TOOLS } from './toolbox-plan.js';
import {
  CLI,
  forThisCall,
  KEY_PATH,
  OUT,
  PUBLIC_KEY_PATH,
  registryService,
  step,
  toolbox,
  TRUSTED_ROOT_PATH,
  withSecrets,
  type ToolboxSecrets,
} from './toolbox.js';
import { PipelineError } from './core/errors.js';

/** A published release: both artifacts by digest, how they were signed, and how to check them. */
@object()
export class Release {
  /** The release version (from the app version and the commit, or the release tag). */
  @func() version = '';
  /** The git commit released. */
  @func() revision = '';
  /** The image, repository@sha256:… (the index; its platform manifests are signed too). */
  @func() image = '';
  /** The image's platforms. */
  @func() platforms: string[] = [];
  /** The chart, repository@sha256:…, with the image digest written in. */
  @func() chart = '';
  /** Who signed: "key <public key>" or "<identity> (<issuer>)". */
  @func() signer = '';
  /** The stock `cosign verify` command for the image. */
  @func() verifyImage = '';
  /** The stock `cosign verify` command for the chart. */
  @func() verifyChart = '';
  /** The stock `cosign verify-attestation --type slsaprovenance1 --policy …` command for the image. */
  @func() verifyProvenance = '';
  /** The stock `cosign verify-attestation --type spdxjson` command for the image's SBOM. */
  @func() verifySbom = '';
  /** The Rego policy (cosign `--policy`) holding the provenance to this release's repository, revision and digests. */
  @func() provenancePolicy = '';
  /** The whole release.json, as the host pipeline writes it. */
  @func() json = '';

  /** The release the pipeline CLI printed (release.json). */
  static fromSummary(text: string): Release {
    const s = JSON.parse(text) as ReleaseSummary;
    const r = new Release();
    r.version = s.version;
    r.revision = s.revision;
    r.image = s.image.ref;
    r.platforms = s.image.platforms;
    r.chart = s.chart.ref;
    r.signer = s.signing.kind === 'key' ? `key ${s.signing.publicKey}` : `${s.signing.identity} (${s.signing.issuer})`;
    r.verifyImage = s.verify.image;
    r.verifyChart = s.verify.chart;
    r.verifyProvenance = s.verify.provenance?.image ?? '';
    r.verifySbom = s.verify.sbom ?? '';
    r.provenancePolicy = provenanceRego({ repository: s.source, revision: s.revision, subjects: [s.image.digest, s.chart.digest] });
    r.json = text;
    return r;
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

/** The base image given (checked: by digest), or the pinned runtime base. */
function baseImageOrDefault(baseImage?: string): string {
  const base = baseImage ?? RUNTIME_BASE_IMAGE;
  parseDigestReference(base, '--base-image');
  return base;
}

/**
 * Builds, tests, packages, publishes, signs and verifies the Koa service image and its Helm chart.
 * What a call needs beyond its own arguments is set by chaining: `with-commit` (a source without
 * .git), `with-registry-auth`, and one signer: `with-key` or `with-keyless` (plus `with-sigstore`).
 */
@object()
export class ReleasePipeline {
  source: Directory;
  /** The commit's facts (with-commit); absent: read from the source's .git. */
  revision?: string;
  commitTime?: number;
  commitCount?: number;
  gitTag?: string;
  sourceUrl?: string;
  /** The registry login (with-registry-auth). */
  username?: string;
  password?: Secret;
  /** A cosign private key and its password (with-key). */
  key?: Secret;
  keyPassword?: Secret;
  /** Keyless signing in GitHub Actions (with-keyless). */
  oidcRequestUrl?: string;
  oidcRequestToken?: Secret;
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  /** A Sigstore of one's own (with-sigstore). */
  trustedRoot?: File;
  fulcioUrl?: string;
  rekorUrl?: string;
  timestampUrl?: string;

  constructor(
    /** The repository (default: this module's git repository). */
    @argument({ defaultPath: '/', ignore: ['**/node_modules', '**/dist', '.out', '.tools', '**/*.tgz'] })
    source: Directory,
  ) {
    this.source = source;
  }

  /**
   * The commit released, for a source without .git (a shallow CI checkout): its full hash, time and
   * count, and the release tag on it.
   * Example: dagger call with-commit --revision $SHA --commit-time 1700000000 --commit-count 42 build
   */
  @func()
  withCommit(
    /** The full commit hash. */
    revision: string,
    /** The commit time, seconds since the epoch. */
    commitTime: number,
    /** The number of commits reachable from it (git rev-list --count). */
    commitCount: number,
    /** A release tag on the commit (vX.Y.Z), which sets the version. */
    gitTag?: string,
    /** The source repository URL written into the image and chart (default: the origin remote). */
    sourceUrl?: string,
  ): ReleasePipeline {
    return Object.assign(this, { revision, commitTime, commitCount, gitTag: gitTag || undefined, sourceUrl: sourceUrl || undefined });
  }

  /**
   * The registry login every later call uses.
   * Example: dagger call with-registry-auth --username me --password env://GHCR_TOKEN publish --registry ghcr.io/acme
   */
  @func()
  withRegistryAuth(
    /** The registry user. */
    username: string,
    /** The registry password or token. */
    password: Secret,
  ): ReleasePipeline {
    return Object.assign(this, { username, password });
  }

  /**
   * Sign with a cosign private key.
   * Example: dagger call with-key --key file://cosign.key --key-password env://COSIGN_PASSWORD cosign-sign --ref …
   */
  @func()
  withKey(
    /** A cosign private key. */
    key: Secret,
    /** The cosign key's password. */
    keyPassword?: Secret,
  ): ReleasePipeline {
    return Object.assign(this, { key, keyPassword });
  }

  /**
   * Sign keylessly in GitHub Actions: cosign asks the runner's OIDC endpoint for a token, and the
   * certificate names this identity.
   * Example: dagger call with-keyless --oidc-request-url "$ACTIONS_ID_TOKEN_REQUEST_URL" --oidc-request-token env://ACTIONS_ID_TOKEN_REQUEST_TOKEN --certificate-identity … release --registry ghcr.io/acme
   */
  @func()
  withKeyless(
    /** $ACTIONS_ID_TOKEN_REQUEST_URL. */
    oidcRequestUrl: string,
    /** $ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
    oidcRequestToken: Secret,
    /** The identity the signing certificate must name (the workflow ref). */
    certificateIdentity: string,
    /** The OIDC issuer of that identity. */
    certificateOidcIssuer = GITHUB_ACTIONS_ISSUER,
    /** An RFC 3161 timestamp authority: signatures verify after the certificate expires. */
    timestampUrl?: string,
  ): ReleasePipeline {
    return Object.assign(this, { oidcRequestUrl, oidcRequestToken, certificateIdentity, certificateOidcIssuer, timestampUrl });
  }

  /**
   * Keyless with a Sigstore of your own instead of the public one.
   * Example: dagger call with-sigstore --trusted-root trusted_root.json --fulcio-url https://fulcio.example --rekor-url https://rekor.example with-keyless … release …
   */
  @func()
  withSigstore(
    /** Its trusted root (cosign trusted-root create): its Fulcio, timestamp authority and logs. */
    trustedRoot: File,
    /** Its Fulcio. */
    fulcioUrl?: string,
    /** Its transparency log (Rekor v1), where signatures and attestations are logged. */
    rekorUrl?: string,
  ): ReleasePipeline {
    return Object.assign(this, { trustedRoot, fulcioUrl, rekorUrl });
  }

  /**
   * The service image, built on the pinned runtime base with the pipeline's `image` step.
   * Example: dagger call build terminal --cmd=/nodejs/bin/node
   */
  @func()
  build(
    /** The runtime base image, by digest (default: the pinned distroless Node 20). */
    baseImage?: string,
  ): Container {
    const base = baseImageOrDefault(baseImage);
    const built = step(
      toolbox(this.source, FUNCTION_TOOLS.build),
      imageArgs({ baseImage: base, output: `${OUT}/image`, commit: this.commit(), sourceUrl: this.sourceUrl }),
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
  ): File {
    const ref = parseDigestReference(image, '--image');
    return step(
      toolbox(this.source, FUNCTION_TOOLS.chartPackage),
      chartPackageArgs({ image: ref, output: `${OUT}/chart.tgz`, commit: this.commit(), sourceUrl: this.sourceUrl }),
    ).file(`${OUT}/chart.tgz`);
  }

  /**
   * Build and push the image and the chart by digest, untagged and unsigned (sign and verify next).
   * Example: dagger call with-registry-auth --username me --password env://GHCR_TOKEN publish --registry ghcr.io/acme
   */
  @func({ cache: 'never' })
  async publish(
    /** Where to publish: host[:port]/namespace. */
    registry: string,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
    /** The runtime base image, by digest (default: the pinned distroless Node 20). */
    baseImage?: string,
    /** Skip the service's tests. */
    skipTests = false,
  ): Promise<Published> {
    parseRegistryTarget(registry);
    const base = baseImageOrDefault(baseImage);
    const args = publishArgs({ registry, plainHttp, baseImage: base, skipTests, commit: this.commit(), sourceUrl: this.sourceUrl });
    const out = JSON.parse(await step(forThisCall(withSecrets(toolbox(this.source, FUNCTION_TOOLS.publish), this.login())), args).stdout()) as {
      image: string;
      chart: string;
    };
    return new Published(out.image, out.chart);
  }

  /**
   * Sign artifacts by digest (an image index: its platform manifests too), then verify them.
   * Example: dagger call with-key --key file://cosign.key --key-password env://COSIGN_PASSWORD cosign-sign --ref ghcr.io/acme/koa-service@sha256:…
   */
  @func({ cache: 'never' })
  async cosignSign(
    /** What to sign: repository@sha256:…, one or more. */
    ref: string[],
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
  ): Promise<string[]> {
    const refs = ref.map((r) => parseDigestReference(r, 'the artifact to sign'));
    const signing = this.signing();
    const out = await step(this.signingToolbox(FUNCTION_TOOLS.cosignSign), signArgs({ refs, signing, plainHttp })).stdout();
    return (JSON.parse(out) as { signed: string[] }).signed;
  }

  /**
   * Verify a release from its chart: the chart's signature, then every image it deploys.
   * Example: dagger call verify --chart ghcr.io/acme/charts/koa-service@sha256:… --public-key cosign.pub
   */
  @func({ cache: 'never' })
  async verify(
    /** The chart to verify: repository@sha256:…. */
    chart: string,
    /** The cosign public key the release was signed with. */
    publicKey?: File,
    /** Keyless: the identity the signing certificate must name (the workflow ref). */
    certificateIdentity?: string,
    /** Keyless: the OIDC issuer of that identity. */
    certificateOidcIssuer = GITHUB_ACTIONS_ISSUER,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
    /**
     * Sign a SLSA verification summary onto the chart and each image, as the chained signer:
     * with-keyless (keylessly, logged, as the workflow) or with-key.
     */
    attest = false,
  ): Promise<string> {
    const ref = parseDigestReference(chart, '--chart');
    if (!publicKey === !certificateIdentity)
      throw new PipelineError('usage', 'verify needs --public-key, or --certificate-identity (with --certificate-oidc-issuer)');
    const signer = attest ? this.attestSigner() : undefined;
    // The chained signer's secrets only when summaries are signed; every call checks the registry
    // again (signatures and summaries change there), its toolbox layers cached.
    let box = signer ? this.signingToolbox(FUNCTION_TOOLS.verify) : this.callToolbox(FUNCTION_TOOLS.verify, this.login());
    if (publicKey) box = box.withFile(PUBLIC_KEY_PATH, publicKey);
    const policy: Policy = publicKey
      ? { kind: 'key', publicKeyPath: PUBLIC_KEY_PATH }
      : {
          kind: 'identity',
          identity: { exact: certificateIdentity! },
          issuer: certificateOidcIssuer,
          trustedRootPath: this.trustedRoot ? TRUSTED_ROOT_PATH : undefined,
        };
    return step(box, verifyArgs({ chart: ref, policy, plainHttp, attest: signer })).stdout();
  }

  /**
   * The whole release: build, test, publish by digest, sign, verify (with the same credentials), tag last.
   * Example: dagger call with-registry-auth --username me --password env://GHCR_TOKEN with-key --key file://cosign.key release --registry ghcr.io/acme image
   */
  @func({ cache: 'never' })
  async release(
    /** Where to publish: host[:port]/namespace. */
    registry: string,
    /** Reach the registry over plain HTTP. */
    plainHttp = false,
    /** The runtime base image, by digest (default: the pinned distroless Node 20). */
    baseImage?: string,
    /** Skip the service's tests. */
    skipTests = false,
  ): Promise<Release> {
    parseRegistryTarget(registry);
    const signing = this.signing();
    const base = baseImageOrDefault(baseImage);
    const args = releaseArgs({ registry, plainHttp, signing, baseImage: base, skipTests, commit: this.commit(), sourceUrl: this.sourceUrl });
    return Release.fromSummary(await step(this.signingToolbox(FUNCTION_TOOLS.release), args).stdout());
  }

  /**
   * The whole release against a throwaway registry service (started once, stopped at the end), with
   * a throwaway key, then verified from its chart. Needs no secrets: CI runs it on every change.
   * Example: dagger call end-to-end chart
   */
  @func({ cache: 'never' })
  async endToEnd(): Promise<Release> {
    const registry = await registryService(this.source).start();
    try {
      const target = { registry: 'registry:5000/e2e', plainHttp: true };
      const released = step(
        forThisCall(toolbox(this.source, FUNCTION_TOOLS.endToEnd)).withServiceBinding('registry', registry),
        releaseArgs({ ...target, signing: { kind: 'embedded-key' }, baseImage: RUNTIME_BASE_IMAGE, skipTests: false, commit: this.commit() }),
      );
      const release = Release.fromSummary(await released.stdout());
      await released
        .withExec([
          ...CLI,
          ...verifyArgs({
            chart: parseDigestReference(release.chart),
            policy: { kind: 'key', publicKeyPath: `${OUT}/keys/${EMBEDDED_KEY.pub}` },
            plainHttp: true,
          }),
        ])
        .sync();
      return release;
    } finally {
      await registry.stop();
    }
  }

  /** The commit's facts from with-commit; absent: the CLI reads them from .git. */
  private commit(): CommitFacts | undefined {
    if (this.revision === undefined || this.commitTime === undefined || this.commitCount === undefined) return undefined;
    return { revision: this.revision, commitTime: this.commitTime, commitCount: this.commitCount, tag: this.gitTag };
  }

  private login(): ToolboxSecrets {
    return { login: this.username && this.password ? { username: this.username, password: this.password } : undefined };
  }

  /** Who signs verification summaries: the chained signer (with-keyless, or with-key). */
  private attestSigner(): AttestSigner {
    const signing = this.signing();
    switch (signing.kind) {
      case 'keyless':
        return { kind: 'keyless', fulcioUrl: signing.sigstore?.fulcioUrl, rekorUrl: signing.sigstore?.rekorUrl, timestampUrl: signing.timestampUrl };
      case 'key':
        return { kind: 'key', keyPath: signing.keyPath };
      default:
        throw new PipelineError('internal', `verify --attest: no summaries are signed ${signing.kind}`);
    }
  }

  /** The signer chained in: a key, or keyless (with a Sigstore of one's own); checked before any side effect. */
  private signing(): SigningMode {
    const keyless = this.oidcRequestUrl !== undefined;
    if (this.key && keyless) throw new PipelineError('usage', 'chain with-key or with-keyless, not both');
    if (this.trustedRoot && !keyless) throw new PipelineError('usage', 'with-sigstore is for keyless signing: chain with-keyless too');
    if (this.key) return { kind: 'key', keyPath: KEY_PATH };
    if (!keyless || !this.certificateIdentity || !this.certificateOidcIssuer)
      throw new PipelineError('usage', 'signing needs a signer: chain with-key (a cosign private key) or with-keyless (GitHub Actions) before this call');
    const sigstore = this.trustedRoot ? { trustedRootPath: TRUSTED_ROOT_PATH, fulcioUrl: this.fulcioUrl, rekorUrl: this.rekorUrl } : undefined;
    return { kind: 'keyless', identity: this.certificateIdentity, issuer: this.certificateOidcIssuer, timestampUrl: this.timestampUrl, sigstore };
  }

  /** The toolbox of a signing call: the login, the key or the OIDC request, the trusted root, a nonce. */
  private signingToolbox(tools: (typeof FUNCTION_TOOLS)[keyof typeof FUNCTION_TOOLS]): Container {
    const secrets: ToolboxSecrets = {
      ...this.login(),
      key: this.key,
      keyPassword: this.keyPassword,
      oidcRequest: this.oidcRequestUrl && this.oidcRequestToken ? { url: this.oidcRequestUrl, token: this.oidcRequestToken } : undefined,
    };
    return this.callToolbox(tools, secrets);
  }

  /** The toolbox of one call with these secrets and the trusted root of with-sigstore. */
  private callToolbox(tools: (typeof FUNCTION_TOOLS)[keyof typeof FUNCTION_TOOLS], secrets: ToolboxSecrets): Container {
    const box = withSecrets(toolbox(this.source, tools), secrets);
    return forThisCall(this.trustedRoot ? box.withFile(TRUSTED_ROOT_PATH, this.trustedRoot) : box);
  }
}
