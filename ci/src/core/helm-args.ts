// helm argument lists for the chart steps. Pure.
import { isLoopbackRegistry, repositoryIn, type DigestReference, type RegistryAccess, type RegistryTarget } from './reference.js';

export function helmLintArgs(chartDir: string, values: Record<string, string> = {}): string[] {
  return ['lint', '--strict', chartDir, ...Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
}

export function helmPackageArgs(chartDir: string, destination: string): string[] {
  return ['package', chartDir, '--destination', destination];
}

/** Where charts are published: host/ns/charts/NAME. */
export function chartRepository(target: RegistryTarget, name: string): string {
  return repositoryIn(target, `charts/${name}`);
}

/** `helm pull` of a chart by digest only. */
export function helmPullArgs(ref: DigestReference, destination: string, access: RegistryAccess = {}): string[] {
  return [
    'pull',
    `oci://${ref.registry}/${ref.repository}@${ref.digest}`,
    '--destination',
    destination,
    ...(access.plainHttp || isLoopbackRegistry(ref.registry) ? ['--plain-http'] : []),
  ];
}

export function helmTemplateArgs(chart: string, release = 'release'): string[] {
  return ['template', release, chart];
}
