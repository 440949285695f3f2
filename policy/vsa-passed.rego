# cosign verify-attestation --type https://slsa.dev/verification_summary/v1 --policy policy/vsa-passed.rego …
# Accepts an artifact's verification summaries only when every one of them says PASSED: a summary
# that `npm run verify -- … --attest` recorded as FAILED fails the check.
package signature

default allow = false

allow {
  input.predicateType == "https://slsa.dev/verification_summary/v1"
  input.predicate.verificationResult == "PASSED"
}
