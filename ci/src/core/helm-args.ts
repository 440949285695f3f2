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

/** What a chart is rendered with: as `helm install` will be given it. */
export interface RenderValues {
  releaseName: string;
  namespace: string;
  valuesFiles: readonly string[];
  set: readonly string[];
  setString: readonly string[];
}

export const PACKAGED_VALUES: RenderValues = { releaseName: 'release', namespace: 'default', valuesFiles: [], set: [], setString: [] };

export function helmTemplateArgs(chart: string, values: RenderValues = PACKAGED_VALUES): string[] {
  return [
    'template',
    values.releaseName,
    chart,
    '--namespace',
    values.namespace,
    ...values.valuesFiles.flatMap((f) => ['--values', f]),
    ...values.set.flatMap((s) => ['--set', s]),
    ...values.setString.flatMap((s) => ['--set-string', s]),
  ];
}

/** One line saying what a chart was rendered with. */
export function describeValues(values: RenderValues): string {
  const parts = [`release ${values.releaseName}`, `namespace ${values.namespace}`, 'the packaged values.yaml'];
  for (const f of values.valuesFiles) parts.push(`-f ${f}`);
  for (const s of values.set) parts.push(`--set ${s}`);
  for (const s of values.setString) parts.push(`--set-string ${s}`);
  return parts.join(', ');
}
