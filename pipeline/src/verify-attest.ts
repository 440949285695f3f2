// `npm run verify -- … --attest --attest-key KEY`: records the verdict as a signed SLSA verification
// summary on the chart and on each image it deploys, with the stock cosign, in the `.att` format
// both majors read. Input attestations are named by the digest of the `.att` manifest read.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PredicateType, type Policy } from '@release-pipeline/core/cosign-args.js';
import { attachmentTag, formatDigestReference, parseDigestReference, repositoryOf, type DigestReference } from '@release-pipeline/core/reference.js';
import type { ArtifactVerdict, ReleaseVerdict } from '@release-pipeline/core/verification-report.js';
import { verificationSummary } from '@release-pipeline/core/vsa.js';
import { onCleanup } from './cleanup.js';
import { timeLeft } from './deadline.js';
import type { ToolAccess } from './context.js';
import { signingSetup } from './keys.js';
import type { AttestSigner } from '@release-pipeline/core/signing-mode.js';
import { cosignAttest, cosignReason, type SignerAccess } from './clients/cosign.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { manifestAtTag } from './clients/crane.js';

/** Who signs the summaries: a key (set up here), or keyless, resolved before anything was verified. */
export type SummarySigner = Exclude<AttestSigner, { kind: 'keyless' }> | { kind: 'keyless'; access: SignerAccess };

export interface AttestContext extends ToolAccess {
  /** Epoch ms by which every registry call must be done: verify's own deadline. */
  deadline?: number;
}

/**
 * The attestations verify read for `ref` (its provenance and SBOM, not earlier summaries): each
 * layer of its `.att` manifest, by the digest of the signed envelope. Those blobs stay when the
 * summary is attached (which rewrites the manifest itself), so the digests named keep resolving.
 */
async function inputAttestations(ctx: AttestContext, ref: DigestReference): Promise<{ uri: string; sha256: string }[]> {
  const manifest = await manifestAtTag({ ...ctx, ...timeLeft(ctx.deadline) }, attachmentTag(ref, 'att'));
  return (manifest?.layers ?? [])
    .filter((l) => l.annotations?.predicateType !== PredicateType.vsa)
    .map((l) => ({ uri: `${repositoryOf(ref)}@${l.digest}`, sha256: l.digest.slice('sha256:'.length) }));
}

/**
 * Writes and signs one VSA per verified-or-not artifact; returns the artifacts it attested. Only for
 * a chart signed under the verify policy (ours): on anyone else's chart, no summary, not even FAILED.
 */
export async function attestVerdict(
  ctx: AttestContext,
  verdict: ReleaseVerdict,
  policy: { verifier: Policy; description: unknown },
  key: SummarySigner,
  version: string,
): Promise<string[]> {
  if (!verdict.chart.signer) return [];
  const dir = await mkdtemp(join(tmpdir(), 'verify-vsa-'));
  const release = onCleanup(() => rm(dir, { recursive: true, force: true }));
  try {
    // The embedded key has an empty password, whatever COSIGN_PASSWORD says for the user's own key.
    const signing: SignerAccess =
      key.kind === 'keyless'
        ? key.access
        : await signingSetup({ kind: 'key', keyPath: key.keyPath }, dir, key.kind === 'embedded-key' ? { ...process.env, COSIGN_PASSWORD: '' } : process.env);
    const policyText = JSON.stringify(policy.description);
    const policySha = createHash('sha256').update(policyText).digest('hex');
    const artifacts: ArtifactVerdict[] = [verdict.chart, ...verdict.images];
    const attested: string[] = [];
    for (const [i, artifact] of artifacts.entries()) {
      let ref: DigestReference;
      try {
        ref = parseDigestReference(artifact.ref);
      } catch {
        continue; // an unpinned image: nothing to attach a summary to
      }
      const predicate = verificationSummary({
        resourceUri: formatDigestReference(ref),
        passed: verdict.verified && artifact.verified,
        policy: { uri: 'urn:signed-release-pipeline:verify-policy', sha256: policySha },
        inputAttestations: await inputAttestations(ctx, ref),
        buildLevel: policy.verifier.kind === 'identity' ? 2 : 1,
        timeVerified: new Date().toISOString(),
        verifierVersion: version,
      });
      const file = join(dir, `vsa-${i}.json`);
      await writeFile(file, JSON.stringify(predicate));
      // One current summary per artifact: the earlier ones (PASSED or FAILED) are replaced.
      await cosignAttest({ ...ctx, ...timeLeft(ctx.deadline) }, signing, ref, file, PredicateType.vsa, true).catch((err: Error) => {
        throw new PipelineError('signing', `signing the verification summary of ${artifact.ref} failed: ${cosignReason(err)}`, { cause: err });
      });
      attested.push(artifact.ref);
    }
    return attested;
  } finally {
    await release();
  }
}
