// When is a signer-identity pattern too loose to mean anything? A --certificate-identity-regexp
// that is not anchored at both ends, or that accepts identities plainly not the releaser's, lets
// anyone who can get a certificate sign a release. Pure.
import { RE2JS } from 're2js';

/** Identities no release policy should accept; a pattern matching any of them is loose. */
const STRANGERS = [
  '',
  'x',
  'https://github.com/attacker/evil/.github/workflows/release.yaml@refs/heads/main',
  'https://evil.example/acme/koa-service/.github/workflows/release.yaml@refs/heads/main',
  'mallory@evil.example',
];

/** Why the pattern is loose, or undefined when it is tight enough to use. */
export function looseIdentityPattern(pattern: string): string | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) {
    return `"${pattern}" is not anchored at both ends (^…$): it also matches identities that merely contain it`;
  }
  const bareDot = pattern.match(/(?<!\\)\.(?![*+?{])/);
  if (bareDot) return `"${pattern}" has an unescaped dot, which matches any character (write \\. for a dot)`;
  // Judged as cosign judges it: Go's regexp (RE2), where `\PC`, `[[:print:]]` or `\pL` are classes
  // that JavaScript's engine reads as literals.
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    return `"${pattern}" is not a valid regular expression for cosign (Go's RE2 syntax): ${(err as Error).message}`;
  }
  const stranger = STRANGERS.find((s) => re.matcher(s).find());
  if (stranger !== undefined) return `"${pattern}" also accepts ${stranger === '' ? 'an empty identity' : `"${stranger}"`}`;
  return undefined;
}
