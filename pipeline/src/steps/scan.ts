// Step 6a': the vulnerability-scan hook. No scanner ships here: a scanner needs a vulnerability
// database this pipeline cannot download offline, and a fake one would prove nothing. Set
// PIPELINE_SCAN_COMMAND to a command that takes the SBOM's path as its last argument and exits
// non-zero to stop the release (e.g. `grype --fail-on high sbom:`, with the path appended); it
// runs on the local image, before anything is published.
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

export const SCAN_COMMAND_ENV = 'PIPELINE_SCAN_COMMAND';

export async function scanSbom(ctx: StepContext, command: string, sbomPath: string): Promise<Noted<void>> {
  // The command is the user's own shell text; the SBOM path goes in as a positional parameter, never spliced in.
  await run('sh', ['-c', `${command} "$1"`, 'scan', sbomPath], { env: { ...process.env, ...ctx.toolEnv }, secrets: ctx.secrets }).catch((err: Error) => {
    throw new PipelineError('verification', `${SCAN_COMMAND_ENV} (${command}) rejected the SBOM: ${err.message.split('\n').slice(0, 3).join(' ')}`, {
      cause: err,
    });
  });
  return noted(undefined, `passed: ${command}`);
}
