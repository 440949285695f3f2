// `npm run verify` arguments: the chart by digest, the signing policy, and what the chart will be
// installed with (values, release name, namespace), all checked before anything runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../ci/src/core/cosign-args.js';
import { looseIdentityPattern } from './identity-policy.js';
import { parseDigestReference, type DigestReference } from '../../ci/src/core/reference.js';
import { strictArgs, UsageError } from './options.js';
import { outPaths } from './paths.js';

/** What `helm install` will be given: the chart is rendered with exactly this before its images are read. */
export interface RenderOptions {
  releaseName: string;
  namespace: string;
  valuesFiles: string[];
  set: string[];
  setString: string[];
  /** The cluster's Kubernetes version; absent: every supported version the chart allows. */
  kubeVersion?: string;
  apiVersions?: string[];
}

export interface VerifyOptions {
  chart: DigestReference;
  policy: Policy;
  render: RenderOptions;
  /** Overall limit, seconds; each call to a registry gets at most what is left. */
  timeoutSeconds: number;
  /** Accept provenance that says the build had uncommitted changes. */
  allowDirty?: boolean;
  plainHttp: boolean;
  json: boolean;
  help: boolean;
  /** Sign a SLSA verification summary onto the chart and each image with this cosign key. */
  attestKey?: string;
  /** The embedded key: made (.out/keys) when missing. */
  attestKeyIsDefault?: boolean;
}

export const VERIFY_USAGE = `usage: npm run verify -- CHART@sha256:… (--key PUB | --certificate-identity[-regexp] ID --certificate-oidc-issuer URL [--certificate-chain PEM | --ca-roots PEM | --trusted-root JSON]) [options]

Verifies a release from its chart: the chart's signature, then every image the chart would deploy
when installed with the values given here (each must be pinned by digest and signed under the same
policy; an image index's platform manifests too), with the stock cosign.

  -f, --values FILE          values file you will install with (repeatable)
  --set K=V, --set-string K=V  values you will install with (repeatable)
  --release-name NAME        release name you will install as (default: release)
  --namespace NS             namespace you will install into (default: default)
  --kube-version X.Y.Z       your cluster's Kubernetes version (default: every one from 1.32 to 1.37
                             that the chart's kubeVersion allows, each rendered and verified)
  --api-versions GROUP/VER   an API your cluster serves beyond the built-in ones (repeatable)
  --timeout SECONDS          limit for the whole verification (default: 120)
  --allow-loose-identity     accept a --certificate-identity-regexp that is unanchored or catch-all
  --certificate-github-workflow-repository OWNER/REPO, --certificate-github-workflow-trigger EVENT
                             the workflow run the certificate must record (a release: push)
  --allow-dirty              accept provenance that says the build had uncommitted changes
  --plain-http               reach the registry over plain HTTP (loopback always is)
  --attest                   sign a SLSA verification summary (VSA) onto the chart and each image,
                             with --attest-key (default: the embedded key, .out/keys/cosign.key;
                             its password in COSIGN_PASSWORD)
  --attest-key KEY           the cosign private key that signs the verification summaries
  --json                     print the verdict as JSON

Exit 0: all verified; 1: a verification failed (named in one line); 2: usage error.`;

export function parseVerifyArgs(argv: readonly string[]): VerifyOptions {
  const parsed = strictArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...POLICY_OPTIONS,
      values: { type: 'string', short: 'f', multiple: true },
      set: { type: 'string', multiple: true },
      'set-string': { type: 'string', multiple: true },
      'release-name': { type: 'string' },
      namespace: { type: 'string' },
      'kube-version': { type: 'string' },
      'api-versions': { type: 'string', multiple: true },
      timeout: { type: 'string' },
      'allow-dirty': { type: 'boolean', default: false },
      'plain-http': { type: 'boolean', default: false },
      attest: { type: 'boolean', default: false },
      'attest-key': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const v = parsed.values;
  const render: RenderOptions = {
    releaseName: v['release-name'] ?? 'release',
    namespace: v.namespace ?? 'default',
    valuesFiles: v.values ?? [],
    set: v.set ?? [],
    setString: v['set-string'] ?? [],
    ...(v['kube-version'] !== undefined ? { kubeVersion: v['kube-version'] } : {}),
    ...(v['api-versions'] ? { apiVersions: v['api-versions'] } : {}),
  };
  if (v.help)
    return {
      chart: { registry: '', repository: '', digest: '' },
      policy: { kind: 'key', publicKeyPath: '' },
      render,
      timeoutSeconds: 0,
      plainHttp: false,
      json: false,
      help: true,
    };
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one chart reference, repository@sha256:<64 hex>; see --help');
  let chart: DigestReference;
  try {
    chart = parseDigestReference(parsed.positionals[0]!, 'the chart');
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  if (v['attest-key'] && !v.attest) throw new UsageError('--attest-key is for --attest; give both');
  // The embedded key by default (made when missing, as a release would make it: a keyless release
  // has none); a key named with --attest-key must exist.
  const attestKey = v.attest ? (v['attest-key'] ?? join(outPaths().keys, 'cosign.key')) : undefined;
  if (v['attest-key'] && !existsSync(v['attest-key']))
    throw new UsageError(`--attest-key ${v['attest-key']}: no such file; give the cosign private key that signs verification summaries`);
  const missing = render.valuesFiles.find((f) => f !== undefined && !existsSync(f));
  if (missing) throw new UsageError(`${missing}: no such file`);
  if (!/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(render.releaseName))
    throw new UsageError(`--release-name "${render.releaseName}" is not a valid Helm release name`);
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(render.namespace))
    throw new UsageError(`--namespace "${render.namespace}" is not a valid Kubernetes namespace`);
  for (const s of [...render.set, ...render.setString]) if (!/^[^=]+=/.test(s)) throw new UsageError(`--set "${s}" is not KEY=VALUE`);
  if (render.kubeVersion !== undefined && !/^v?1\.\d+\.\d+$/.test(render.kubeVersion))
    throw new UsageError(`--kube-version "${render.kubeVersion}" is not a Kubernetes version (1.Y.Z)`);
  for (const a of render.apiVersions ?? [])
    if (!/^[a-z0-9.-]+\/[a-z0-9]+(\/[A-Za-z]+)?$|^v1$/.test(a)) throw new UsageError(`--api-versions "${a}" is not GROUP/VERSION`);
  const timeoutSeconds = v.timeout === undefined ? 120 : Number(v.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout "${v.timeout}" must be a number of seconds above 0`);

  const policy = policyFrom(v);
  return {
    chart,
    policy,
    render,
    timeoutSeconds,
    allowDirty: v['allow-dirty'] ?? false,
    plainHttp: v['plain-http'] ?? false,
    json: v.json ?? false,
    help: false,
    ...(attestKey ? { attestKey, attestKeyIsDefault: !v['attest-key'] } : {}),
  };
}

/** The signing policy flags, shared by verify and reproduce: --key, or a certificate identity and issuer. */
export const POLICY_OPTIONS = {
  key: { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'certificate-chain': { type: 'string' },
  'ca-roots': { type: 'string' },
  'trusted-root': { type: 'string' },
  'allow-loose-identity': { type: 'boolean', default: false },
  'certificate-github-workflow-repository': { type: 'string' },
  'certificate-github-workflow-trigger': { type: 'string' },
} as const;

export interface PolicyValues {
  key?: string;
  'certificate-identity'?: string;
  'certificate-identity-regexp'?: string;
  'certificate-oidc-issuer'?: string;
  'certificate-chain'?: string;
  'ca-roots'?: string;
  'trusted-root'?: string;
  'allow-loose-identity'?: boolean;
  'certificate-github-workflow-repository'?: string;
  'certificate-github-workflow-trigger'?: string;
}

export function policyFrom(v: PolicyValues): Policy {
  const missing = [v.key, v['certificate-chain'], v['ca-roots'], v['trusted-root']].find((f) => f !== undefined && !existsSync(f));
  if (missing) throw new UsageError(`${missing}: no such file`);
  const identity = v['certificate-identity'];
  const identityRegexp = v['certificate-identity-regexp'];
  const issuer = v['certificate-oidc-issuer'];
  if (v.key) {
    if (identity || identityRegexp || issuer) throw new UsageError('give either --key or a certificate identity and issuer, not both');
    return { kind: 'key', publicKeyPath: v.key };
  } else {
    if (!identity === !identityRegexp) throw new UsageError('give --key, or exactly one of --certificate-identity and --certificate-identity-regexp');
    if (!issuer)
      throw new UsageError('--certificate-oidc-issuer is required with a certificate identity (GitHub Actions: https://token.actions.githubusercontent.com)');
    if (identityRegexp && !v['allow-loose-identity']) {
      const loose = looseIdentityPattern(identityRegexp);
      if (loose) throw new UsageError(`--certificate-identity-regexp ${loose}; anchor it and escape its dots, or pass --allow-loose-identity if you mean it`);
    }
    const repository = v['certificate-github-workflow-repository'];
    const trigger = v['certificate-github-workflow-trigger'];
    if (!repository !== !trigger)
      throw new UsageError('give --certificate-github-workflow-repository and --certificate-github-workflow-trigger together (e.g. OWNER/REPO and push)');
    const privateCa = v['certificate-chain'] ?? v['ca-roots'] ?? v['trusted-root'];
    return {
      kind: 'identity',
      ...(identity ? { identity } : { identityRegexp: identityRegexp! }),
      issuer,
      ...(repository && trigger ? { workflow: { repository, trigger } } : {}),
      ...(v['certificate-chain'] ? { certificateChainPath: v['certificate-chain'] } : {}),
      ...(v['ca-roots'] ? { caRootsPath: v['ca-roots'] } : {}),
      ...(v['trusted-root'] ? { trustedRootPath: v['trusted-root'] } : {}),
      ...(privateCa ? { offline: true } : {}),
    };
  }
}
