// Facts about the commit being released, read from git.
import type { GitFacts } from '../../ci/src/core/chart-package.js';
import { run } from './exec.js';

export async function gitFacts(cwd: string): Promise<GitFacts & { dirty: boolean; remote?: string }> {
  const git = async (...args: string[]) => (await run('git', args, { cwd })).stdout.trim();
  const revision = await git('rev-parse', 'HEAD').catch(() => {
    throw new Error('no git commit found: the pipeline releases a commit; run it inside a git checkout with at least one commit');
  });
  const commitTime = Number(await git('show', '-s', '--format=%ct', 'HEAD'));
  const commitCount = Number(await git('rev-list', '--count', 'HEAD'));
  const exactTag = await git('describe', '--tags', '--exact-match', 'HEAD').catch(() => '');
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')) !== '';
  const remote = await git('config', '--get', 'remote.origin.url').catch(() => '');
  return { revision, commitTime, commitCount, dirty, ...(exactTag ? { exactTag } : {}), ...(remote ? { remote } : {}) };
}

/** An https URL for the source repository (from the origin remote), or a placeholder. */
export function sourceUrl(remote: string | undefined): string {
  if (process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY) {
    return `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}`;
  }
  if (!remote) return 'https://github.com/OWNER/REPO';
  const ssh = remote.match(/^git@([^:]+):(.+?)(\.git)?$/);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  return remote.replace(/\.git$/, '').replace(/^http:/, 'https:').replace(/\/\/[^@/]+@/, '//');
}
