// `npm run verify -- CHART@sha256:… (--key PUB | --certificate-identity … --certificate-oidc-issuer …)`
// Exit 0: verified; 1: a verification failed (named in one line); 2: usage error.
import { firstFailure, formatVerdict } from '@release-pipeline/core/verification-report.js';
import { withRegistryAccess } from './credentials.js';
import { formatDigestReference } from '@release-pipeline/core/reference.js';
import type { VerifyOptions } from './verify-options.js';
import { verifyRelease } from './verify-release.js';
import { ensureDefaultKeyPair, summaryKeylessSigner } from './keys.js';
import { dirname } from 'node:path';
import { policyArgs } from '@release-pipeline/core/step-args.js';
import { expectingLogs } from './trusted-root.js';
import type { SummarySigner } from './verify-attest.js';

/** Named in each verification summary: the verifier's version is the repository's. */
const VERIFIER_VERSION = process.env.npm_package_version ?? '0';

export async function verifyCommand(given: VerifyOptions): Promise<number> {
  // Keyless summaries need Actions' OIDC request (and a Sigstore's trust material that fits) before anything is verified.
  const signer: SummarySigner | undefined =
    given.attest?.kind === 'keyless' ? { kind: 'keyless', access: await summaryKeylessSigner(process.env, given.attest, given.policy) } : given.attest;
  const options = { ...given, policy: await expectingLogs(given.policy) };
  // Registry credentials as for publishing: REGISTRY_USERNAME/REGISTRY_PASSWORD, or the docker config.
  // One deadline for the whole command: every registry call, the summaries' included, gets what is left.
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const { verdict, attested } = await withRegistryAccess(options.chart.registry, options.plainHttp, async (ctx) => {
    const verdict = await verifyRelease(options.chart, options.policy, {
      ...ctx,
      render: options.render,
      deadline,
      allowDirty: options.allowDirty,
    });
    if (!signer) return { verdict, attested: undefined };
    if (signer.kind === 'embedded-key') await ensureDefaultKeyPair(dirname(signer.keyPath));
    // The policy as the flags that state it: one text for one policy, whatever shape the code gives it.
    const description = { policy: policyArgs(options.policy), render: options.render, chart: formatDigestReference(options.chart) };
    const { attestVerdict } = await import('./verify-attest.js');
    return {
      verdict,
      attested: await attestVerdict({ ...ctx, deadline }, verdict, { verifier: options.policy, description }, signer, VERIFIER_VERSION),
    };
  });
  const shown = attested ? { ...verdict, verificationSummaries: attested } : verdict;
  const vsaLines = !attested
    ? ''
    : attested.length === 0
      ? '\nno verification summary: the chart is not signed under this policy, so it is not yours to attest'
      : `\n${attested.map((r) => `verification summary (${verdict.verified ? 'PASSED' : 'FAILED'}) signed onto ${r}`).join('\n')}`;
  process.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : `${formatVerdict(verdict)}${vsaLines}\n`);
  const failure = firstFailure(verdict);
  if (!failure) return 0;
  process.stderr.write(`verify: ${failure}\n`);
  return 1;
}
