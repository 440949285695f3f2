// Runs the *.netns.ts suites inside a network namespace with only a loopback interface (unshare -n):
// keyless signing against the local Sigstore services, where nothing cosign tries can leave.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../pipeline/src/paths.js';

it('the network-isolated suites pass', async () => {
  const report = join(await mkdtemp(join(tmpdir(), 'netns-report-')), 'report.json');
  const vitest = join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const child = spawn(
    'unshare',
    [
      '-n',
      'sh',
      '-c',
      'ip link set lo up && exec "$@"',
      'sh',
      process.execPath,
      vitest,
      'run',
      '--config',
      'vitest.netns.config.ts',
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const [code] = (await once(child, 'exit')) as [number | null];
  const r = JSON.parse(await readFile(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: Array<{ assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
  };
  const failed = r.testResults.flatMap((f) => f.assertionResults).filter((a) => a.status !== 'passed');
  expect(
    failed.map((f) => `${f.fullName}: ${f.failureMessages.join(' ').slice(0, 600)}`),
    stderr,
  ).toEqual([]);
  expect(r.numPassedTests).toBeGreaterThan(4);
  expect(code).toBe(0);
}, 600_000);
