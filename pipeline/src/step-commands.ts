// The pipeline's step commands (release, build, test, image, chart-package, publish, sign): loaded
// only when one of them runs, so that `verify` and `reproduce` start without the build's modules.
import { copyFile } from 'node:fs/promises';
import { formatSummary } from '@release-pipeline/core/release-summary.js';
import { formatDigestReference } from '@release-pipeline/core/reference.js';
import type { Invocation, PipelineOptions } from './options.js';
import { outPaths } from './paths.js';
import { build, buildAndPublish, buildImage, exportLayout, inSession, runPipeline, signOnly, test } from './pipeline.js';
import { seconds } from './progress.js';
import { packageChart } from './steps/package-chart.js';

const print = (data: unknown, json: boolean, text: string) => process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);

/** The invocations of the step commands. */
export type StepInvocation = Extract<Invocation, { options: PipelineOptions }>;

export async function runStepCommand(inv: StepInvocation): Promise<number> {
  const { options } = inv;
  switch (inv.command) {
    case 'release': {
      const started = performance.now();
      const { summary } = await runPipeline(options);
      const local = options.registry ? '' : "\nthe local registry has stopped: run 'npm run registry' to serve it again for these commands\n";
      print(summary, options.json, `\n${formatSummary(summary)}\n\nwritten to ${outPaths().release} in ${seconds(performance.now() - started)}\n${local}`);
      return 0;
    }
    case 'build': {
      const dist = await inSession(options, {}, { registry: false, commit: false }, (s) => build(s));
      print({ dist }, options.json, dist);
      return 0;
    }
    case 'test':
      await inSession(options, {}, { registry: false, commit: false }, async (s) => test(s, { skipTests: false }, await build(s)));
      return 0;
    case 'image': {
      const { image, base } = await inSession(
        { ...options, skipTests: true },
        {},
        { registry: options.baseImage === 'host' || !options.baseImage, commit: true },
        async (s) => {
          const built = await buildImage(s, { ...options, skipTests: true });
          if (inv.output) await exportLayout(built.image.layout.dir, inv.output);
          return built;
        },
      );
      const result = {
        digest: image.descriptor.digest,
        platforms: image.platforms,
        base: formatDigestReference(base.ref),
        layout: inv.output ?? image.layout.dir,
      };
      print(result, options.json, `${image.descriptor.digest} ${image.platforms.join(', ')}\n  layout ${result.layout}`);
      return 0;
    }
    case 'chart-package': {
      const chart = await inSession(options, {}, { registry: false, commit: true }, async (s) => {
        const c = await s.ctx.progress.step('chart', () => packageChart(s.ctx, inv.image, s.commit.commitTime));
        if (inv.output) await copyFile(c.path, inv.output);
        return c;
      });
      print(
        { digest: chart.descriptor.digest, name: chart.name, version: chart.version, path: chart.path },
        options.json,
        `${chart.descriptor.digest} ${chart.name} ${chart.version}\n  ${chart.path}`,
      );
      return 0;
    }
    case 'publish': {
      const p = await inSession(options, {}, { registry: true, commit: true }, (s) => buildAndPublish(s, options));
      const refs = { image: formatDigestReference(p.imageRef), chart: formatDigestReference(p.chartRef) };
      print(refs, options.json, `image ${refs.image}\nchart ${refs.chart}\n(untagged and unsigned: run sign, verify, or the whole release)`);
      return 0;
    }
    case 'sign': {
      const signed = await signOnly(options, inv.refs);
      const refs = signed.map(formatDigestReference);
      print({ signed: refs }, options.json, refs.map((r) => `signed ${r}`).join('\n'));
      return 0;
    }
  }
}
