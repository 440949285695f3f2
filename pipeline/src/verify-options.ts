// `npm run verify` arguments: the chart by digest and the signing policy (pure).
import type { Policy } from '../../ci/src/core/cosign-args.js';
import { parseDigestReference, type DigestReference } from '../../ci/src/core/reference.js';
import { strictArgs, UsageError } from './options.js';

export interface VerifyOptions {
  chart: DigestReference;
  policy: Policy;
  plainHttp: boolean;
  json: boolean;
  help: boolean;
}

export const VERIFY_USAGE = `usage: npm run verify -- CHART@sha256:… (--key PUB | --certificate-identity[-regexp] ID --certificate-oidc-issuer URL [--certificate-chain PEM | --ca-roots PEM]) [--plain-http] [--json]

Verifies a release from its chart alone: the chart's signature, then every image the chart
deploys (each must be pinned by digest and signed under the same policy), with the stock cosign.
Exit 0: all verified; 1: a verification failed; 2: usage error.`;

export function parseVerifyArgs(argv: readonly string[]): VerifyOptions {
  const parsed = strictArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      key: { type: 'string' },
      'certificate-identity': { type: 'string' },
      'certificate-identity-regexp': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      'certificate-chain': { type: 'string' },
      'ca-roots': { type: 'string' },
      'plain-http': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const v = parsed.values;
  if (v.help)
    return { chart: { registry: '', repository: '', digest: '' }, policy: { kind: 'key', publicKeyPath: '' }, plainHttp: false, json: false, help: true };
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one chart reference, repository@sha256:<64 hex>; see --help');
  let chart: DigestReference;
  try {
    chart = parseDigestReference(parsed.positionals[0]!, 'the chart');
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const identity = v['certificate-identity'];
  const identityRegexp = v['certificate-identity-regexp'];
  const issuer = v['certificate-oidc-issuer'];
  let policy: Policy;
  if (v.key) {
    if (identity || identityRegexp || issuer) throw new UsageError('give either --key or a certificate identity and issuer, not both');
    policy = { kind: 'key', publicKeyPath: v.key };
  } else {
    if (!identity === !identityRegexp) throw new UsageError('give --key, or exactly one of --certificate-identity and --certificate-identity-regexp');
    if (!issuer)
      throw new UsageError('--certificate-oidc-issuer is required with a certificate identity (GitHub Actions: https://token.actions.githubusercontent.com)');
    const privateCa = v['certificate-chain'] ?? v['ca-roots'];
    policy = {
      kind: 'identity',
      ...(identity ? { identity } : { identityRegexp: identityRegexp! }),
      issuer,
      ...(v['certificate-chain'] ? { certificateChainPath: v['certificate-chain'] } : {}),
      ...(v['ca-roots'] ? { caRootsPath: v['ca-roots'] } : {}),
      ...(privateCa ? { offline: true } : {}),
    };
  }
  return { chart, policy, plainHttp: v['plain-http'] ?? false, json: v.json ?? false, help: false };
}
