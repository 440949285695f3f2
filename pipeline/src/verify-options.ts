// `npm run verify` arguments: the chart by digest, the signing policy, and what the chart will be
// installed with (values, release name, namespace), all checked before anything runs.
import type { AttestSigner } from '@release-pipeline/core/signing-mode.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '@release-pipeline/core/cosign-args.js';
import { looseIdentityPattern } from './identity-policy.js';
import type { DigestReference } from '@release-pipeline/core/reference.js';
import { UsageError } from '@release-pipeline/core/errors.js';
import { digestArgument, flagList as list, flagText as text, type FlagValues } from './command-line.js';
import { outPaths } from './paths.js';
import { EMBEDDED_KEY } from '@release-pipeline/core/signing-mode.js';

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
  allowDirty: boolean;
  plainHttp: boolean;
  json: boolean;
  /** Sign a SLSA verification summary onto the chart and each image, as this signer. */
  attest?: AttestSigner;
}

export interface ReproduceOptions {
  chart: DigestReference;
  policy: Policy;
  plainHttp: boolean;
  json: boolean;
  /** The whole rebuild's limit, seconds. */
  timeoutSeconds: number;
}

/** The verify command's options, from its operands and flags. */
export function verifyOptions(operands: readonly string[], f: FlagValues): VerifyOptions {
  const chart = chartOperand(operands);
  const render: RenderOptions = {
    releaseName: text(f['release-name']) ?? 'release',
    namespace: text(f.namespace) ?? 'default',
    valuesFiles: list(f.values),
    set: list(f.set),
    setString: list(f['set-string']),
    kubeVersion: text(f['kube-version']),
    apiVersions: f['api-versions'] === undefined ? undefined : list(f['api-versions']),
  };
  const attestKeyGiven = text(f['attest-key']);
  const [fulcioUrl, rekorUrl, timestampUrl] = [text(f['fulcio-url']), text(f['rekor-url']), text(f['timestamp-url'])];
  if ((attestKeyGiven || f['attest-keyless']) && !f.attest) throw new UsageError('--attest-key and --attest-keyless are for --attest; give both');
  if (attestKeyGiven && f['attest-keyless']) throw new UsageError('give --attest-key or --attest-keyless, not both');
  if ((fulcioUrl || rekorUrl || timestampUrl) && !f['attest-keyless'])
    throw new UsageError('--fulcio-url, --rekor-url and --timestamp-url are for --attest-keyless (who signs the summaries)');
  const policy = policyFrom(f);
  // As for a release: a Sigstore of one's own is the one whose trusted root the verify trusts.
  if ((fulcioUrl || rekorUrl) && !(policy.kind === 'identity' && policy.trustedRootPath))
    throw new UsageError(
      '--fulcio-url and --rekor-url need a certificate identity with --trusted-root: the trust material of that Sigstore (cosign trusted-root create makes one)',
    );
  // The embedded key by default (made when missing, as a release would make it: a keyless release
  // has none); a key named with --attest-key must exist.
  if (attestKeyGiven && !existsSync(attestKeyGiven))
    throw new UsageError(`--attest-key ${attestKeyGiven}: no such file; give the cosign private key that signs verification summaries`);
  const attest: AttestSigner | undefined = !f.attest
    ? undefined
    : f['attest-keyless']
      ? { kind: 'keyless', fulcioUrl, rekorUrl, timestampUrl }
      : attestKeyGiven
        ? { kind: 'key', keyPath: attestKeyGiven }
        : { kind: 'embedded-key', keyPath: join(outPaths().keys, EMBEDDED_KEY.key) };
  const missing = render.valuesFiles.find((file) => !existsSync(file));
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
  return {
    chart,
    policy,
    render,
    timeoutSeconds: seconds(f.timeout, 120),
    allowDirty: f['allow-dirty'] === true,
    plainHttp: f['plain-http'] === true,
    json: f.json === true,
    attest,
  };
}

/** The reproduce command's options, from its operands and flags. */
export function reproduceOptions(operands: readonly string[], f: FlagValues): ReproduceOptions {
  const chart = chartOperand(operands);
  return { chart, policy: policyFrom(f), plainHttp: f['plain-http'] === true, json: f.json === true, timeoutSeconds: seconds(f.timeout, 1800) };
}

function chartOperand(operands: readonly string[]): DigestReference {
  if (operands.length !== 1) throw new UsageError('give exactly one chart reference, repository@sha256:<64 hex>; see --help');
  return digestArgument(operands[0]!, 'the chart');
}

function seconds(raw: FlagValues[keyof FlagValues], fallback: number): number {
  const value = text(raw);
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout "${value}" must be a number of seconds above 0`);
  return n;
}

/** Who may have signed, from the policy flags verify and reproduce share: a key, or a certificate identity. */
export function policyFrom(v: FlagValues): Policy {
  const missing = [v.key, v['certificate-chain'], v['ca-roots'], v['trusted-root']].map(text).find((f) => f !== undefined && !existsSync(f));
  if (missing) throw new UsageError(`${missing}: no such file`);
  const key = text(v.key);
  const identity = text(v['certificate-identity']);
  const identityRegexp = text(v['certificate-identity-regexp']);
  const issuer = text(v['certificate-oidc-issuer']);
  if (key) {
    if (identity || identityRegexp || issuer) throw new UsageError('give either --key or a certificate identity and issuer, not both');
    return { kind: 'key', publicKeyPath: key };
  } else {
    if (!identity === !identityRegexp) throw new UsageError('give --key, or exactly one of --certificate-identity and --certificate-identity-regexp');
    if (!issuer)
      throw new UsageError('--certificate-oidc-issuer is required with a certificate identity (GitHub Actions: https://token.actions.githubusercontent.com)');
    if (identityRegexp && !v['allow-loose-identity']) {
      const loose = looseIdentityPattern(identityRegexp);
      if (loose) throw new UsageError(`--certificate-identity-regexp ${loose}; anchor it and escape its dots, or pass --allow-loose-identity if you mean it`);
    }
    const repository = text(v['certificate-github-workflow-repository']);
    const trigger = text(v['certificate-github-workflow-trigger']);
    if (!repository !== !trigger)
      throw new UsageError('give --certificate-github-workflow-repository and --certificate-github-workflow-trigger together (e.g. OWNER/REPO and push)');
    const [certificateChainPath, caRootsPath, trustedRootPath] = [text(v['certificate-chain']), text(v['ca-roots']), text(v['trusted-root'])];
    return {
      kind: 'identity',
      identity: identity ? { exact: identity } : { regexp: identityRegexp! },
      issuer,
      workflow: repository && trigger ? { repository, trigger } : undefined,
      certificateChainPath,
      caRootsPath,
      trustedRootPath,
      // A private CA has no log; a trusted root says for itself whether it names one (./trusted-root.ts).
      offline: Boolean(certificateChainPath ?? caRootsPath ?? trustedRootPath),
    };
  }
}
