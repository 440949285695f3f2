// The loose-identity guard judges a --certificate-identity-regexp the way cosign will use it: Go's
// RE2, searched (not anchored) in the certificate's identity.
import { describe, expect, it } from 'vitest';
import { looseIdentityPattern } from '../src/identity-policy.js';
import { releaseIdentityRegexp } from '@release-pipeline/core/trust-rule.js';

describe('loose identity patterns', () => {
  it.each([
    ['a class RE2 reads as "not a control character"', '^https://github\\.com/\\PC*$'],
    ['a POSIX class RE2 reads as every printable character', '^https://github\\.com/[[:print:]]+$'],
    ['a Unicode letter class', '^\\pL[\\pL\\pP\\pS\\pN]*$'],
    ['an unanchored pattern', 'https://github\\.com/acme/'],
    ['a bare dot', '^https://github.com/acme/r$'],
  ])('%s is loose', (_why, pattern) => {
    expect(looseIdentityPattern(pattern)).toBeDefined();
  });

  it('a pattern Go cannot compile is refused, with the reason', () => {
    expect(looseIdentityPattern('^(?<=x)a$')).toMatch(/not a valid regular expression for cosign \(Go's RE2 syntax\)/);
  });

  it("the trust rule's own pattern is tight", () => {
    expect(looseIdentityPattern(releaseIdentityRegexp('OWNER/REPO'))).toBeUndefined();
  });
});
