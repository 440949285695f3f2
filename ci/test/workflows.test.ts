// The GitHub Actions wrappers, linted with the real actionlint (workflows.unit.test.ts: their shape).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '@release-pipeline/pipeline/exec.js';
import { tool } from '@release-pipeline/pipeline/tools.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflows = ['ci.yaml', 'release.yaml'].map((f) => join(root, '.github', 'workflows', f));

describe('workflows', () => {
  it('pass actionlint', async () => {
    const { stdout } = await run(tool('actionlint'), ['-color=false', ...workflows]);
    expect(stdout).toBe('');
  });
});
