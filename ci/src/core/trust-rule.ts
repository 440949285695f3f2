// Who may sign a release: decided once, here. The release workflow of the repository, run on the
// main branch or on a release tag vX.Y.Z (the triggers of .github/workflows/release.yaml), with
// GitHub Actions' OIDC issuer. The admission policies, the chart's NOTES.txt, the README's commands
// and the tests are all derived from or checked against this. Pure.
import { PipelineError } from './errors.js';
import { GITHUB_ACTIONS_ISSUER, githubWorkflowIdentity } from './cosign-args.js';

export const RELEASE_WORKFLOW = '.github/workflows/release.yaml';
export const RELEASE_BRANCH = 'main';
/**
 * The release tags, vX.Y.Z and nothing else (no v1.2.3-rc.1, no vnext.x.y): as the workflow's
 * `on.push.tags` filter spells them (GitHub's filter patterns: `[0-9]` one digit, `+` one or more
 * of it, `.` itself, the whole tag matched) and as a regexp.
 */
export const RELEASE_TAG_FILTER = 'v[0-9]+.[0-9]+.[0-9]+';
const RELEASE_TAG = 'v[0-9]+\\.[0-9]+\\.[0-9]+';
export const RELEASE_ISSUER = GITHUB_ACTIONS_ISSUER;
/** The one event that starts a release (the workflow's only trigger): what the certificate must record. */
export const RELEASE_TRIGGER = 'push';

/** OWNER/REPO of a GitHub workflow identity (https://github.com/OWNER/REPO/.github/workflows/F@REF), if it is one. */
export function workflowRepositoryOf(identity: string): string | undefined {
  return /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/\.github\/workflows\/[^@/]+@refs\/.+$/.exec(identity)?.[1];
}

/** The workflow run a release's certificate records: this repository, started by a push. */
export function releaseWorkflowRun(repository: string): { repository: string; trigger: string } {
  return { repository, trigger: RELEASE_TRIGGER };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does the trust rule accept this tag as a release tag? */
export function isReleaseTag(tag: string): boolean {
  return new RegExp(`^${RELEASE_TAG}$`).test(tag);
}

/** A tag that names a version (v1.2.3-rc.1, 1.2.3, v1.2) without being a release tag. */
function looksLikeVersion(tag: string): boolean {
  return /^v?\d+\./.test(tag) && !isReleaseTag(tag);
}

/** A release the trust rule would reject: its tag, or its signing identity. */
export class UntrustedReleaseError extends PipelineError {
  override name = 'UntrustedReleaseError';
  constructor(message: string) {
    super('untrusted-release', message);
  }
}

const RULE = `the trust rule (ci/src/core/trust-rule.ts) accepts releases from ${RELEASE_BRANCH} and from tags vX.Y.Z only`;

/**
 * Refuses, before anything is pushed, a commit tagged with a version the rule does not accept: a
 * release of it would be signed under an identity the admission policies reject. Other tags
 * (nightly, deploy-…) are not versions and leave the version to the commit.
 */
export function checkReleaseTag(tag: string | undefined): void {
  if (tag !== undefined && looksLikeVersion(tag)) {
    throw new UntrustedReleaseError(`the commit is tagged "${tag}", a version but not a release tag: ${RULE}; tag it vX.Y.Z, or release it untagged`);
  }
}

/**
 * Refuses a keyless release whose signing identity is a workflow of this repository other than
 * the one the rule names for this version (another branch, a pre-release tag, another workflow).
 */
export function checkSigningIdentity(identity: string, repository: string, version: string): void {
  const expected = releaseIdentity(repository, version);
  const ofThisRepository = identity.startsWith(`https://github.com/${repository}/`);
  if (ofThisRepository && identity !== expected) {
    throw new UntrustedReleaseError(`the signing identity "${identity}" is not the release's: ${RULE}, so a release ${version} must be signed by ${expected}`);
  }
}

/** The git ref a release of this version was made from: its tag for X.Y.Z, main otherwise. */
export function releaseRef(version: string): string {
  return /^\d+\.\d+\.\d+$/.test(version) ? `refs/tags/v${version}` : `refs/heads/${RELEASE_BRANCH}`;
}

/** The exact identity a release of this version carries (what --certificate-identity must equal). */
export function releaseIdentity(repository: string, version: string): string {
  return githubWorkflowIdentity(repository, RELEASE_WORKFLOW, releaseRef(version));
}

/** One anchored regexp for every identity that may sign a release of the repository, dots escaped. */
export function releaseIdentityRegexp(repository: string): string {
  const base = escape(`https://github.com/${repository}/${RELEASE_WORKFLOW}@refs/`);
  return `^${base}(heads/${escape(RELEASE_BRANCH)}|tags/${RELEASE_TAG})$`;
}
