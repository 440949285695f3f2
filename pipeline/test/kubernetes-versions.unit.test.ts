// Which Kubernetes versions verify renders a chart for.
import { describe, expect, it } from 'vitest';
import { kubernetesVersionsFor, SUPPORTED_KUBERNETES_MINORS } from '../src/kubernetes-versions.js';

const all = Array.from(
  { length: SUPPORTED_KUBERNETES_MINORS.to - SUPPORTED_KUBERNETES_MINORS.from + 1 },
  (_, i) => `1.${SUPPORTED_KUBERNETES_MINORS.from + i}.0`,
);

describe('Kubernetes versions to render for', () => {
  it('every supported minor when the chart says nothing, or allows them all (this chart: >=1.27.0-0)', () => {
    expect(kubernetesVersionsFor(undefined)).toEqual({ versions: all });
    expect(kubernetesVersionsFor('>=1.27.0-0')).toEqual({ versions: all });
  });

  it("only those the chart's kubeVersion allows", () => {
    expect(kubernetesVersionsFor('>=1.35.0-0')).toEqual({ versions: ['1.35.0', '1.36.0', '1.37.0'] });
    expect(kubernetesVersionsFor('~1.33.0 || >=1.36.0')).toEqual({ versions: ['1.33.0', '1.36.0', '1.37.0'] });
  });

  it('a range it cannot read, or that allows none of them, is a reason to fail', () => {
    expect(kubernetesVersionsFor('not a range')).toEqual({ reason: expect.stringMatching(/is not a version range/) });
    expect(kubernetesVersionsFor('<1.20.0')).toEqual({
      reason: expect.stringMatching(/allows none of Kubernetes 1\.32–1\.37; name your cluster's with --kube-version/),
    });
  });
});
