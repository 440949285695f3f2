// Who may sign a release: decided once, here. The release workflow of the repository, run on the
// main branch or on a release tag vX.Y.Z (the triggers of .github/workflows/release.yaml), with
// GitHub Actions' OIDC issuer. The admission policies, the chart's NOTES.txt, the README's commands
// and the tests are all derived from or checked against this. Pure.
import { GITHUB_ACTIONS_ISSUER, githubWorkflowIdentity } from './cosign-args.js';

export const RELEASE_WORKFLOW = '.github/workflows/release.yaml';
export const RELEASE_BRANCH = 'main';
/** The release tags, as the workflow's `on.push.tags` filter spells them and as a regexp. */
export const RELEASE_TAG_GLOB = 'v*.*.*';
const RELEASE_TAG = 'v[0-9]+\\.[0-9]+\\.[0-9]+';
export const RELEASE_ISSUER = GITHUB_ACTIONS_ISSUER;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
