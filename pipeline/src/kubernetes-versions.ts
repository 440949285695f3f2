// Which Kubernetes versions verify renders a chart for: a template may choose its image by
// `.Capabilities.KubeVersion`, so one rendering proves nothing about another cluster. Every minor
// of the supported range that the chart's own `kubeVersion` allows, unless the caller names its
// cluster's version. Pure.
import semver from 'semver';

/** The supported range, minors of Kubernetes 1.x: from the oldest still maintained to helm 4.3.1's default (1.37). */
export const SUPPORTED_KUBERNETES_MINORS = { from: 32, to: 37 } as const;

/** The highest patch rendered for a minor: above any Kubernetes patch release so far. */
const HIGH_PATCH = 99;

/**
 * The versions to render for, or why they cannot be told: for each supported minor the range
 * allows, its lowest and its highest allowed patch (a template may branch on a patch too).
 */
export function kubernetesVersionsFor(kubeVersion: string | undefined): { versions: string[] } | { reason: string } {
  const range = kubeVersion === undefined || kubeVersion.trim() === '' ? '*' : kubeVersion;
  if (semver.validRange(range) === null) return { reason: `its kubeVersion "${kubeVersion}" is not a version range verify can read` };
  const versions: string[] = [];
  for (let m = SUPPORTED_KUBERNETES_MINORS.from; m <= SUPPORTED_KUBERNETES_MINORS.to; m++) {
    const allowed = Array.from({ length: HIGH_PATCH + 1 }, (_, p) => `1.${m}.${p}`).filter((v) => semver.satisfies(v, range, { includePrerelease: true }));
    versions.push(...new Set([allowed[0], allowed.at(-1)].filter((v): v is string => v !== undefined)));
  }
  if (versions.length === 0) {
    return {
      reason: `its kubeVersion "${kubeVersion}" allows none of Kubernetes 1.${SUPPORTED_KUBERNETES_MINORS.from}–1.${SUPPORTED_KUBERNETES_MINORS.to}; name your cluster's with --kube-version`,
    };
  }
  return { versions };
}
