// The Rego policy `cosign verify-attestation --policy` evaluates against each provenance statement
// of a release: this pipeline's build type, this repository and revision, and a subject that is
// one of the release's own digests (cosign does not check the subject itself). Rendered per
// release, so the stock cosign can hold a release to its own facts. Pure.
import { BUILD_TYPE, SLSA_PROVENANCE_V1 } from './provenance.js';

export interface ProvenanceExpectation {
  repository: string;
  revision: string;
  /** The digests the statements may be about (sha256:…). */
  subjects: readonly string[];
}

/** OPA's v0 syntax (`allow { … }`): what cosign v2 and v3 both evaluate; query `data.signature.allow`. */
export function provenanceRego(expect: ProvenanceExpectation): string {
  const str = (s: string) => JSON.stringify(s);
  const subjects = [...new Set(expect.subjects.map((d) => d.replace(/^sha256:/, '')))].sort().map(str).join(', ');
  return [
    '# cosign verify-attestation --type slsaprovenance1 --policy THIS_FILE …',
    '# written by the release pipeline for one release: its repository, revision and digests.',
    'package signature',
    '',
    'default allow = false',
    '',
    `subjects := {${subjects}}`,
    '',
    'allow {',
    `  input.predicateType == ${str(SLSA_PROVENANCE_V1)}`,
    `  input.predicate.buildDefinition.buildType == ${str(BUILD_TYPE)}`,
    `  input.predicate.buildDefinition.externalParameters.source.repository == ${str(expect.repository)}`,
    `  input.predicate.buildDefinition.externalParameters.source.revision == ${str(expect.revision)}`,
    '  subjects[input.subject[_].digest.sha256]',
    '}',
    '',
  ].join('\n');
}
