// A SLSA verification summary (https://slsa.dev/spec/v1.0/verification_summary): that a verifier
// checked an artifact against a policy, with which input attestations, and what it found. Written
// by `npm run verify -- … --attest` for the chart and each image. Pure.

export const SLSA_VSA_V1 = 'https://slsa.dev/verification_summary/v1';
export const VERIFIER_ID = 'urn:signed-release-pipeline:verify';

export interface VsaInput {
  /** The artifact, repository@sha256:…. */
  resourceUri: string;
  passed: boolean;
  /** What was required, as data: its sha256 identifies the policy. */
  policy: { uri: string; sha256: string };
  /** The attestations read, each by the digest of its signed envelope. */
  inputAttestations: Array<{ uri: string; sha256: string }>;
  /** The SLSA build level the provenance supports (signed by a hosted builder's identity: 2). */
  buildLevel: 1 | 2;
  timeVerified: string;
  verifierVersion: string;
}

export function verificationSummary(v: VsaInput) {
  return {
    verifier: { id: VERIFIER_ID, version: { 'signed-release-pipeline': v.verifierVersion } },
    timeVerified: v.timeVerified,
    resourceUri: v.resourceUri,
    policy: { uri: v.policy.uri, digest: { sha256: v.policy.sha256 } },
    inputAttestations: v.inputAttestations.map((a) => ({ uri: a.uri, digest: { sha256: a.sha256 } })),
    verificationResult: v.passed ? 'PASSED' : 'FAILED',
    // The highest level verified, or FAILED when the policy failed (SLSA VSA v1, verifiedLevels).
    verifiedLevels: [v.passed ? `SLSA_BUILD_LEVEL_${v.buildLevel}` : 'FAILED'],
    slsaVersion: '1.0',
  };
}
