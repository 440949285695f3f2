// Which Kubernetes versions verify renders a chart for: a template may choose its image by
// `.Capabilities.KubeVersion`, so one rendering proves nothing about another cluster. Every minor
// of the supported range that the chart's own `kubeVersion` allows, unless the caller names its
// cluster's version. Pure.
import semver from 'semver';

/** The supported range, minors of Kubernetes 1.x: from the oldest still maintained to helm 4.3.1's default (1.37). */
export const SUPPORTED_KUBERNETES_MINORS = { from: 32, to: 37 } as const;

/** The versions to render for, "1.32.0" …, or why they cannot be told. */
export function kubernetesVersionsFor(kubeVersion: string | undefined): { versions: string[] } | { reason: string } {
  const all: string[] = [];
  for (let m = SUPPORTED_KUBERNETES_MINORS.from; m <= SUPPORTED_KUBERNETES_MINORS.to; m++) all.push(`1.${m}.0`);
  if (kubeVersion === undefined || kubeVersion.trim() === '') return { versions: all };
  if (semver.validRange(kubeVersion) === null) return { reason: `its kubeVersion "${kubeVersion}" is not a version range verify can read` };
  const versions = all.filter((v) => semver.satisfies(v, kubeVersion, { includePrerelease: true }));
  if (versions.length === 0) {
    return {
      reason: `its kubeVersion "${kubeVersion}" allows none of Kubernetes 1.${SUPPORTED_KUBERNETES_MINORS.from}–1.${SUPPORTED_KUBERNETES_MINORS.to}; name your cluster's with --kube-version`,
    };
  }
  return { versions };
}
