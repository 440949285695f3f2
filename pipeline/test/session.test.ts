// What a command needs of its source: build, test and sign run on a source without .git (a Dagger
// directory, a tarball); what stamps a commit says in one line what is missing. And a release the
// trust rule would reject is refused before anything is built or pushed.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UntrustedReleaseError } from '@release-pipeline/core/trust-rule.js';
import { stepOptions } from '../src/options.js';
import { buildAndPublish } from '../src/pipeline.js';
import { openSession } from '../src/session.js';
import { Progress } from '../src/progress.js';
import { tempOut } from './fixtures.js';

/** A source folder with the app's package.json and no .git. */
async function sourceWithoutGit(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'source-no-git-'));
  await mkdir(join(root, 'app'));
  await writeFile(join(root, 'app', 'package.json'), JSON.stringify({ version: '0.1.0' }));
  return root;
}

const quiet = () => new Progress(() => {});

/** The commit's facts as arguments, as the workflows give them. */
const FACTS = ['--revision', 'c'.repeat(40), '--commit-time', '1700000000', '--commit-count', '7'];
const IMAGE = `r.example/a@sha256:${'a'.repeat(64)}`;

describe('a source without .git', () => {
  it('opens for the commands that stamp no commit', async () => {
    const environment = { root: await sourceWithoutGit(), out: await tempOut('no-git'), progress: quiet() };
    const s = await openSession(stepOptions(['test']), environment, { registry: false, commit: false });
    await s.close();
    expect(s.commit.commitCount).toBe(0);
  });

  it('stops a command that stamps one, naming what to give instead', async () => {
    const environment = { root: await sourceWithoutGit(), out: await tempOut('no-git'), progress: quiet() };
    await expect(
      openSession(stepOptions(['chart-package', '--image', IMAGE]), environment, {
        registry: false,
        commit: true,
      }),
    ).rejects.toThrow(/^no git commit found: .* give --revision, --commit-time and --commit-count$/);
  });

  it('takes the facts as arguments instead', async () => {
    const environment = { root: await sourceWithoutGit(), out: await tempOut('no-git'), progress: quiet() };
    const args = ['chart-package', '--image', IMAGE, ...FACTS];
    const s = await openSession(stepOptions(args), environment, { registry: false, commit: true });
    await s.close();
    expect(s.ctx.release.version).toBe('0.1.0-dev.7.gcccccccccccc');
  });
});

describe('a release the trust rule rejects', () => {
  it('is refused before anything is built or pushed', async () => {
    const environment = { root: await sourceWithoutGit(), out: await tempOut('untrusted'), progress: quiet() };
    const args = ['publish', '--registry', 'ghcr.io/acme', ...FACTS, '--git-tag', 'v1.2.3-rc.1'];
    const options = stepOptions(args);
    // No registry is reached and nothing is built: the check comes first.
    const s = await openSession(options, environment, { registry: false, commit: true });
    try {
      await expect(buildAndPublish(s, options)).rejects.toBeInstanceOf(UntrustedReleaseError);
    } finally {
      await s.close();
    }
  });
});
