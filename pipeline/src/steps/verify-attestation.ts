// Reads an artifact's attestations of one predicate type with the stock `cosign verify-attestation`
// (signature, signer and, given one, a Rego policy are cosign's to check) and keeps the statements
// whose subject is exactly this digest: cosign hands back whatever was attached, whatever its subject.
import { cosignVerifyAttestationArgs, PredicateType, type Policy } from '../../../ci/src/core/cosign-args.js';
import { coversDigest, type Statement } from '../../../ci/src/core/provenance.js';
import { formatDigestReference, type DigestReference, type RegistryAccess } from '../../../ci/src/core/reference.js';
import { eachConcurrently } from '../concurrently.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { tool, type ToolName } from '../tools.js';
import { cosignReason } from './verify.js';
import { PipelineError } from '../../../ci/src/core/errors.js';

interface Envelope {
  payloadType?: string;
  payload?: string;
}

/** The in-toto statements in what `cosign verify-attestation` printed: one DSSE envelope per line. */
export function statementsIn(stdout: string): Statement[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Envelope)
    .filter((e) => e.payloadType === 'application/vnd.in-toto+json' && e.payload)
    .map((e) => JSON.parse(Buffer.from(e.payload!, 'base64').toString('utf8')) as Statement);
}

/** The statements cosign verified for `ref`, decoded; fails when none is about this digest. */
export async function verifiedStatements(
  ctx: Pick<StepContext, 'toolEnv' | 'secrets'> & { access?: RegistryAccess; timeoutMs?: number },
  policy: Policy,
  ref: DigestReference,
  type: PredicateType,
  options: { policyFile?: string; binary?: ToolName } = {},
): Promise<Statement[]> {
  const { stdout } = await run(tool(options.binary ?? 'cosign'), cosignVerifyAttestationArgs(ref, policy, type, ctx.access, 'v3', options.policyFile), {
    env: ctx.toolEnv,
    secrets: ctx.secrets,
    ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
  });
  const statements = statementsIn(stdout);
  const about = statements.filter((s) => coversDigest(s, ref.digest));
  if (about.length === 0) {
    throw new PipelineError('verification', statements.length ? `the ${type} attestations found are about other digests, not ${ref.digest}` : `cosign verified no ${type} attestation`);
  }
  return about;
}

/** Step 7b: each attestation a release attached verifies, provenance under the release's Rego policy. */
export async function verifyAttached(
  ctx: StepContext,
  policy: Policy,
  attached: ReadonlyArray<{ ref: DigestReference; type: PredicateType }>,
  provenancePolicy: string,
): Promise<Noted<void>> {
  await eachConcurrently(attached, (a) => {
    const policyFile = a.type === PredicateType.provenance ? provenancePolicy : undefined;
    return verifiedStatements(ctx, policy, a.ref, a.type, policyFile ? { policyFile } : {}).catch((err: Error) => {
      throw new PipelineError('verification', `the ${a.type} attestation of ${formatDigestReference(a.ref)} does not verify: ${cosignReason(err)}`, { cause: err });
    });
  });
  return noted(undefined, `${attached.length} attestations verified`);
}
