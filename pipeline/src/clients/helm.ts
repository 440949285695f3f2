// The helm client: the chart linted and packaged from a folder, and rendered or its Chart.yaml read
// from the registry by digest, with the pinned binary. The argument lists are the core's (helm-args.ts).
import { helmLintArgs, helmPackageArgs, helmShowChartArgs, helmTemplateArgs, type RenderValues } from '@release-pipeline/core/helm-args.js';
import type { DigestReference } from '@release-pipeline/core/reference.js';
import { toolRun, type ToolAccess } from '../context.js';
import { run } from '../exec.js';
import { tool } from '../tools.js';

/** `helm lint` of the chart folder. */
export async function helmLint(ctx: Pick<ToolAccess, 'toolEnv'>, chartDir: string): Promise<void> {
  await run(tool('helm'), helmLintArgs(chartDir), { env: ctx.toolEnv });
}

/** `helm package` of the chart folder into `outDir`. */
export async function helmPackage(ctx: Pick<ToolAccess, 'toolEnv'>, chartDir: string, outDir: string): Promise<void> {
  await run(tool('helm'), helmPackageArgs(chartDir, outDir), { env: ctx.toolEnv });
}

/** `helm template` of the chart pulled by digest, with the values it will be installed with: the manifests. */
export async function helmTemplate(ctx: ToolAccess, chart: DigestReference, values: RenderValues): Promise<string> {
  return (await run(tool('helm'), helmTemplateArgs(chart, values, ctx.access), toolRun(ctx))).stdout;
}

/** `helm show chart` of the chart pulled by digest: its Chart.yaml. */
export async function helmShowChart(ctx: ToolAccess, chart: DigestReference): Promise<string> {
  return (await run(tool('helm'), helmShowChartArgs(chart, ctx.access), toolRun(ctx))).stdout;
}
