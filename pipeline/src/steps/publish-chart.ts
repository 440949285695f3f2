// Step 5b: push the packaged chart to oci://<registry>/<namespace>/charts with the real helm.
import { chartRepository, chartRepositoryUrl, helmPushArgs, parseHelmPushDigest } from '../../../ci/src/core/helm-args.js';
import { pinned } from '../../../ci/src/core/reference.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { firstLine, withRetry } from '../retry.js';
import { explainRegistryError } from '../registry/preflight.js';
import { tool } from '../tools.js';
import type { PackagedChart } from './package-chart.js';

export async function publishChart(ctx: StepContext, chart: PackagedChart): Promise<Noted<string>> {
  const args = [...helmPushArgs(chart.path, ctx.target), ...(ctx.helmRegistryConfig ? ['--registry-config', ctx.helmRegistryConfig] : [])];
  const push = () => run(tool('helm'), args, { env: ctx.toolEnv, secrets: ctx.secrets });
  const { stdout, stderr } = await withRetry(push, { onRetry: (n, err) => ctx.progress.info(`chart push attempt ${n} failed (${firstLine(err)}); retrying`) }).catch((err: Error) => {
    throw new Error(`pushing the chart to ${chartRepositoryUrl(ctx.target)} failed; rerun to resume: ${explainRegistryError(err.message, ctx.target.registry)}`);
  });
  const digest = parseHelmPushDigest(`${stdout}\n${stderr}`);
  const repository = chartRepository(ctx.target, chart.name);
  return noted(pinned(repository, digest), repository);
}
