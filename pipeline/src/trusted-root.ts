// What a Sigstore trusted root (cosign trusted-root create; Sigstore's own from its TUF repository)
// says a verifier must expect: a transparency log it names means signatures carry a log entry and
// certificates an SCT, checked as in public-good Sigstore; without one, a timestamp stands in.
import { readFile } from 'node:fs/promises';
import type { Policy } from '@release-pipeline/core/cosign-args.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

/** True when the trusted root (its JSON) names a transparency log. Pure. */
export function namesTransparencyLog(root: unknown): boolean {
  const tlogs = (root as { tlogs?: unknown } | null)?.tlogs;
  return Array.isArray(tlogs) && tlogs.length > 0;
}

/** The policy with what its trusted root expects: `offline` (no log entry, no SCT) only where it names no log. */
export async function expectingLogs(policy: Policy): Promise<Policy> {
  if (policy.kind !== 'identity' || !policy.trustedRootPath) return policy;
  return { ...policy, offline: !(await trustedRootNamesLog(policy.trustedRootPath)) };
}

/** Whether the trusted root at `path` names a transparency log; one that cannot be read is an input error naming it. */
export async function trustedRootNamesLog(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new PipelineError('input', `--trusted-root ${path}: cannot be read; give the trusted_root.json of the Sigstore that signed`, { cause: err });
  });
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new PipelineError('input', `--trusted-root ${path}: not JSON; give a trusted_root.json (cosign trusted-root create makes one)`, { cause: err });
  }
  return namesTransparencyLog(root);
}
