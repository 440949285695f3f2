// helm argument lists for the chart steps. Pure.
import { isLoopbackRegistry, parseDigestReference, repositoryIn, type RegistryAccess, type RegistryTarget } from './reference.js';

export function helmLintArgs(chartDir: string, values: Record<string, string> = {}): string[] {
  return ['lint', '--strict', chartDir, ...Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
}

export function helmPackageArgs(chartDir: string, destination: string): string[] {
  return ['package', chartDir, '--destination', destination];
}

/** Chart repository for a registry target: oci://host/ns/charts. */
export function chartRepositoryUrl(target: RegistryTarget): string {
  return `oci://${repositoryIn(target, 'charts')}`;
}

/** Where `helm push` puts a chart: host/ns/charts/NAME. */
export function chartRepository(target: RegistryTarget, name: string): string {
  return repositoryIn(target, `charts/${name}`);
}

export function helmPushArgs(chartTgz: string, target: RegistryTarget, access: RegistryAccess = {}): string[] {
  return ['push', chartTgz, chartRepositoryUrl(target), ...(access.plainHttp || isLoopbackRegistry(target.registry) ? ['--plain-http'] : [])];
}

/** `helm pull` of a chart by digest only. */
export function helmPullArgs(chartRef: string, destination: string, access: RegistryAccess = {}): string[] {
  const ref = parseDigestReference(chartRef, 'the chart');
  return [
    'pull',
    `oci://${ref.registry}/${ref.repository}@${ref.digest}`,
    '--destination', destination,
    ...(access.plainHttp || isLoopbackRegistry(ref.registry) ? ['--plain-http'] : []),
  ];
}

export function helmTemplateArgs(chart: string, release = 'release'): string[] {
  return ['template', release, chart];
}

/** The digest helm prints after a push ("Digest: sha256:…"). */
export function parseHelmPushDigest(output: string): string {
  const match = output.match(/^Digest:\s+(sha256:[a-f0-9]{64})\s*$/m);
  if (!match) throw new Error(`helm push printed no digest:\n${output.trim()}`);
  return match[1]!;
}
