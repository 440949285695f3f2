// The trust rule (who may sign a release) and the release workflow's triggers say the same thing:
// every tag that starts a release is one the rule and the admission policies accept, and no other
// tag starts one; the CLI refuses, before any push, a release the rule would reject.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { releaseVersion } from '@release-pipeline/core/chart-package.js';
import {
  checkReleaseTag,
  checkSigningIdentity,
  isReleaseTag,
  releaseIdentity,
  releaseIdentityRegexp,
  RELEASE_BRANCH,
  RELEASE_TAG_FILTER,
  RELEASE_WORKFLOW,
  UntrustedReleaseError,
  workflowRepositoryOf,
} from '@release-pipeline/core/trust-rule.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';

/**
 * A tag or branch filter pattern as GitHub's workflow syntax documents it ("Filter pattern cheat
 * sheet"): `*` any characters but `/`, `**` any characters, `?` zero or one of the preceding
 * character, `+` one or more of it, `[…]` one character of a set or range; the whole name matched.
 */
function githubFilter(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?' || c === '+') re += c;
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      re += pattern.slice(i, end + 1);
      i = end;
    } else re += c.replace(/[.^$(){}|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const on = (
  parse(readFileSync(join(projectRoot, RELEASE_WORKFLOW), 'utf8')) as { on: Record<string, unknown> & { push?: { branches?: string[]; tags?: string[] } } }
).on;

const TAGS = ['v1.2.3', 'v0.0.0', 'v10.20.30', 'v1.2.3-rc.1', 'v1.2.3-rc1', 'vnext.x.y', 'v1.2', 'v1.2.3.4', '1.2.3', 'v1.2.3/x', 'nightly', 'V1.2.3'];

describe('the filter pattern model', () => {
  it("matches the documentation's own examples", () => {
    expect(['v2', 'v2.0', 'v2.9'].every((t) => githubFilter('v2*').test(t))).toBe(true);
    expect(['v1.10.1', 'v2.0.0'].every((t) => githubFilter('v[12].[0-9]+.[0-9]+').test(t))).toBe(true);
    expect(githubFilter('v[12].[0-9]+.[0-9]+').test('v3.0.0')).toBe(false);
    expect(['Cat', 'Bat'].map((t) => githubFilter('[CB]at').test(t))).toEqual([true, true]);
    expect(githubFilter('feature/*').test('feature/a/b')).toBe(false);
    expect(githubFilter('feature/**').test('feature/a/b')).toBe(true);
  });
});

describe('the trust rule and the release workflow agree', () => {
  it("the workflow triggers on main and on the rule's tag filter, nothing else", () => {
    // No other event: under workflow_call the certificate names this workflow for another
    // repository's run; pull_request_target and workflow_dispatch sign code or refs the rule never saw.
    expect(Object.keys(on)).toEqual(['push']);
    expect(on.push).toEqual({ branches: [RELEASE_BRANCH], tags: [RELEASE_TAG_FILTER] });
  });

  it.each(TAGS)('tag %s: the workflow starts a release exactly when the rule and the policies accept it', (tag) => {
    const triggers = (on.push?.tags ?? []).some((p) => githubFilter(p).test(tag));
    const identity = `https://github.com/OWNER/REPO/${RELEASE_WORKFLOW}@refs/tags/${tag}`;
    expect(triggers).toBe(isReleaseTag(tag));
    expect(new RegExp(releaseIdentityRegexp('OWNER/REPO')).test(identity)).toBe(triggers);
    // And the release signs under the identity the rule names for its version (NOTES.txt prints it).
    if (triggers)
      expect(releaseIdentity('OWNER/REPO', releaseVersion('0.1.0', { revision: 'f'.repeat(40), commitTime: 0, commitCount: 1, tag: tag }))).toBe(identity);
  });

  it('the old glob would have started releases the rule rejects', () => {
    expect(TAGS.filter((t) => githubFilter('v*.*.*').test(t) && !isReleaseTag(t))).toEqual(['v1.2.3-rc.1', 'v1.2.3-rc1', 'vnext.x.y', 'v1.2.3.4']);
  });
});

describe("a workflow identity's repository", () => {
  it('is read from the identity, so signing needs no source URL', () => {
    expect(workflowRepositoryOf(releaseIdentity('acme/koa', '1.2.3'))).toBe('acme/koa');
    expect(workflowRepositoryOf('https://github.com/acme/koa/.github/workflows/release.yaml@refs/heads/main')).toBe('acme/koa');
    expect(workflowRepositoryOf('mallory@evil.example')).toBeUndefined();
    expect(workflowRepositoryOf('https://github.com/acme/koa/other/path@refs/heads/main')).toBeUndefined();
  });
});

describe('the CLI refuses a release the rule would reject', () => {
  it.each(['v1.2.3-rc.1', '1.2.3', 'v1.2', 'v1.2.3.4'])('a commit tagged %s', (tag) => {
    const err = (() => {
      try {
        checkReleaseTag(tag);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UntrustedReleaseError);
    expect((err as UntrustedReleaseError).code).toBe('untrusted-release');
    expect((err as Error).message).toContain('ci/src/core/trust-rule.ts');
    expect((err as Error).message).toContain(tag);
  });

  it.each([undefined, 'v1.2.3', 'nightly', 'deploy-2026'])('but not a commit tagged %s', (tag) => {
    expect(() => checkReleaseTag(tag)).not.toThrow();
  });

  it("refuses a keyless identity of the repository's other refs and workflows", () => {
    const of = (ref: string, file = RELEASE_WORKFLOW) => `https://github.com/OWNER/REPO/${file}@${ref}`;
    expect(() => checkSigningIdentity(of('refs/heads/feature'), 'OWNER/REPO', '0.1.0-dev.3.gabc')).toThrow(UntrustedReleaseError);
    expect(() => checkSigningIdentity(of('refs/heads/main', '.github/workflows/ci.yaml'), 'OWNER/REPO', '0.1.0-dev.3.gabc')).toThrow(/must be signed by/);
    expect(() => checkSigningIdentity(of('refs/heads/main'), 'OWNER/REPO', '1.2.3')).toThrow(/refs\/tags\/v1\.2\.3/);
    expect(() => checkSigningIdentity(of('refs/heads/main'), 'OWNER/REPO', '0.1.0-dev.3.gabc')).not.toThrow();
    expect(() => checkSigningIdentity(of('refs/tags/v1.2.3'), 'OWNER/REPO', '1.2.3')).not.toThrow();
  });
});
