// `npm run pipeline -- [options]`: runs the release and prints its summary.
import { formatSummary } from '../../ci/src/core/release-summary.js';
import { PIPELINE_USAGE, parsePipelineArgs, UsageError } from './options.js';
import { runPipeline } from './pipeline.js';
import { outPaths } from './paths.js';
import { seconds } from './progress.js';

try {
  const options = parsePipelineArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${PIPELINE_USAGE}\n`);
    process.exit(0);
  }
  const started = performance.now();
  const { summary } = await runPipeline(options);
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const local = options.registry ? '' : "\nthe local registry has stopped: run 'npm run registry' to serve it again for these commands\n";
    process.stdout.write(`\n${formatSummary(summary)}\n\nwritten to ${outPaths().release} in ${seconds(performance.now() - started)}\n${local}`);
  }
} catch (err) {
  const message = (err as Error).message ?? String(err);
  process.stderr.write(`pipeline: ${message}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
}
