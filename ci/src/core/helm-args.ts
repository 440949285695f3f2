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

/** What a chart is rendered with: as `helm install` will be given it. */
export interface RenderValues {
  releaseName: string;
  namespace: string;
  valuesFiles: readonly string[];
  set: readonly string[];
  setString: readonly string[];
  /** The cluster's Kubernetes version (helm --kube-version); absent: each supported one in turn. */
  kubeVersion?: string;
  /** API versions the cluster serves, beyond the built-in ones (helm --api-versions). */
  apiVersions?: readonly string[];
}

export const PACKAGED_VALUES: RenderValues = { releaseName: 'release', namespace: 'default', valuesFiles: [], set: [], setString: [] };

/**
 * `helm template` of a chart in the registry, by digest only (helm pulls exactly that manifest),
 * rendered as it will be installed: one process, no download folder.
 */
export function helmTemplateArgs(ref: DigestReference, values: RenderValues = PACKAGED_VALUES, access: RegistryAccess = {}): string[] {
  return [
    'template',
    values.releaseName,
    `oci://${ref.registry}/${ref.repository}@${ref.digest}`,
    '--namespace',
    values.namespace,
    ...values.valuesFiles.flatMap((f) => ['--values', f]),
    ...values.set.flatMap((s) => ['--set', s]),
    ...values.setString.flatMap((s) => ['--set-string', s]),
    ...(values.kubeVersion ? ['--kube-version', values.kubeVersion] : []),
    ...(values.apiVersions ?? []).flatMap((a) => ['--api-versions', a]),
    ...(access.plainHttp || isLoopbackRegistry(ref.registry) ? ['--plain-http'] : []),
    // Offline: a values schema may $ref URLs or files; it is the installer's check of the values,
    // not what decides the images (an install whose values fail it deploys nothing).
    '--skip-schema-validation',
  ];
}

/** `helm show chart` of a chart in the registry, by digest: its Chart.yaml (for its kubeVersion). */
export function helmShowChartArgs(ref: DigestReference, access: RegistryAccess = {}): string[] {
  return [
    'show',
    'chart',
    `oci://${ref.registry}/${ref.repository}@${ref.digest}`,
    ...(access.plainHttp || isLoopbackRegistry(ref.registry) ? ['--plain-http'] : []),
  ];
}

/** One line saying what a chart was rendered with. */
export function describeValues(values: RenderValues): string {
  const parts = [`release ${values.releaseName}`, `namespace ${values.namespace}`, 'the packaged values.yaml'];
  for (const f of values.valuesFiles) parts.push(`-f ${f}`);
  for (const s of values.set) parts.push(`--set ${s}`);
  for (const s of values.setString) parts.push(`--set-string ${s}`);
  if (values.kubeVersion) parts.push(`Kubernetes ${values.kubeVersion}`);
  for (const a of values.apiVersions ?? []) parts.push(`API ${a}`);
  return parts.join(', ');
}
