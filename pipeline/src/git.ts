// The git client: facts about the commit being released, read from git, and a revision checked out.
import type { CommitFacts } from '@release-pipeline/core/chart-package.js';
import { run } from './exec.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

/** A commit as read from a checkout: its facts, whether the work tree had changes, and its origin. */
export type LocalCommit = CommitFacts & { dirty: boolean; remote?: string };

export async function gitFacts(cwd: string): Promise<LocalCommit> {
  const git = async (...args: string[]) => (await run('git', args, { cwd })).stdout.trim();
  const revision = await git('rev-parse', 'HEAD').catch((err: unknown) => {
    throw new PipelineError(
      'environment',
      'no git commit found: the pipeline releases a commit; run it inside a git checkout, or give --revision, --commit-time and --commit-count',
      { cause: err },
    );
  });
  const commitTime = Number(await git('show', '-s', '--format=%ct', 'HEAD'));
  const commitCount = Number(await git('rev-list', '--count', 'HEAD'));
  const tag = await git('describe', '--tags', '--exact-match', 'HEAD').catch(() => '');
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')) !== '';
  const remote = await git('config', '--get', 'remote.origin.url').catch(() => '');
  return { revision, commitTime, commitCount, dirty, tag: tag || undefined, remote: remote || undefined };
}

/** An https URL for the source repository (from the origin remote), or a placeholder. */
export function sourceUrl(remote: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY) return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`;
  const placeholder = 'https://github.com/OWNER/REPO';
  if (!remote) return placeholder;
  const scp = remote.match(/^[\w.-]+@([\w.-]+):(?!\/)(.+?)(?:\.git)?$/);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const url = remote.match(/^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([\w.-]+)(?::\d+)?\/(.+?)(?:\.git)?\/?$/);
  // A local path or anything else is no URL a chart or an image label can carry.
  return url ? `https://${url[1]}/${url[2]}` : placeholder;
}

/** OWNER/REPO of a GitHub source URL (the placeholder's OWNER/REPO otherwise): whose workflow signs. */
export function githubRepository(source: string): string {
  const m = source.match(/^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/);
  return m?.[1] ?? 'OWNER/REPO';
}

/**
 * A clone of `repository` sharing its objects, at `revision` (detached), in `dir`; a revision the
 * repository does not have is named, with the fetch that gets it.
 */
export async function checkoutRevision(repository: string, revision: string, dir: string, limit: { timeoutMs?: number } = {}): Promise<void> {
  await run('git', ['clone', '--quiet', '--shared', '--no-checkout', repository, dir], limit);
  await run('git', ['-C', dir, 'checkout', '--quiet', '--detach', revision], limit).catch((err: unknown) => {
    throw new PipelineError('environment', `commit ${revision} is not in this clone (${repository}); fetch it first (git fetch origin ${revision})`, {
      cause: err,
    });
  });
}
