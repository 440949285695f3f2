// Step 6b: attach the attestations by digest with the real cosign, signed by the release's own
// signer (key or keyless identity), in the legacy `.att` format cosign v2 and v3 both read. An
// attestation of the same type that already verifies for this digest is not attached again.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDigestReference } from '@release-pipeline/core/reference.js';
import { eachConcurrently } from '../concurrently.js';
import type { Attestation } from '../artifacts.js';
import type { StepContext } from '../context.js';
import type { SigningSetup } from '../keys.js';
import { cached, noted, type Noted } from '../progress.js';
import { sayRetries, withRetry } from '../retry.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { cosignAttest, cosignReason, verifiedStatements } from '../clients/cosign.js';

async function predicateFile(ctx: StepContext, a: Attestation): Promise<string> {
  if ('file' in a.predicate) return a.predicate.file;
  const dir = join(ctx.out.work, 'attestations');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${a.ref.digest.slice('sha256:'.length)}-${a.type.replace(/\W+/g, '_')}.json`);
  await writeFile(file, `${JSON.stringify(a.predicate.json, null, 2)}\n`);
  return file;
}

/** The attestations grouped by the artifact they are about, in their first appearance's order. */
export function byArtifact(attestations: readonly Attestation[]): Attestation[][] {
  const groups = new Map<string, Attestation[]>();
  for (const a of attestations) {
    const key = formatDigestReference(a.ref);
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return [...groups.values()];
}

export async function attestArtifacts(ctx: StepContext, signing: SigningSetup, attestations: readonly Attestation[]): Promise<Noted<void>> {
  // What is already there, all checked at once (reads only).
  const present = await eachConcurrently(attestations, (a) =>
    verifiedStatements(ctx, signing.policy, a.ref, a.type).then(
      () => true,
      () => false,
    ),
  );
  const missing = attestations.filter((_, i) => !present[i]);
  const attach = async (a: Attestation): Promise<void> => {
    const file = await predicateFile(ctx, a);
    const attest = () => cosignAttest(ctx, signing, a.ref, file, a.type);
    await withRetry(attest, sayRetries(ctx.progress, 'attesting')).catch((err: Error) => {
      throw new PipelineError('signing', `attaching the ${a.type} attestation to ${formatDigestReference(a.ref)} failed: ${cosignReason(err)}`, { cause: err });
    });
  };
  // cosign adds an attestation by rewriting the artifact's one `.att` manifest (read, append, push):
  // two at once on the same artifact would lose one. So each artifact's go in turn, artifacts at once.
  await eachConcurrently(byArtifact(missing), async (group) => {
    for (const a of group) await attach(a);
  });
  const attached = missing.length;
  return attached === 0
    ? cached(undefined, `all ${attestations.length} already attached by this signer`)
    : noted(undefined, `${attached} of ${attestations.length} attached`);
}
