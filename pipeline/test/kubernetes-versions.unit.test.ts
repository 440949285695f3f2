// Which Kubernetes versions verify renders a chart for.
import { describe, expect, it } from 'vitest';
import { kubernetesVersionsFor, SUPPORTED_KUBERNETES_MINORS } from '../src/kubernetes-versions.js';

const minors = Array.from({ length: SUPPORTED_KUBERNETES_MINORS.to - SUPPORTED_KUBERNETES_MINORS.from + 1 }, (_, i) => SUPPORTED_KUBERNETES_MINORS.from + i);
const all = minors.flatMap((m) => [`1.${m}.0`, `1.${m}.99`]);

describe('Kubernetes versions to render for', () => {
  it('every supported minor, at its lowest and highest patch, when the chart says nothing or allows them all (this chart: >=1.27.0-0)', () => {
    expect(kubernetesVersionsFor(undefined)).toEqual({ versions: all });
    expect(kubernetesVersionsFor('>=1.27.0-0')).toEqual({ versions: all });
  });

  it("only those the chart's kubeVersion allows", () => {
    expect(kubernetesVersionsFor('>=1.35.0-0')).toEqual({ versions: ['1.35.0', '1.35.99', '1.36.0', '1.36.99', '1.37.0', '1.37.99'] });
    expect(kubernetesVersionsFor('~1.33.0 || >=1.37.0')).toEqual({ versions: ['1.33.0', '1.33.99', '1.37.0', '1.37.99'] });
    // A range that starts inside a minor keeps that minor, from its first allowed patch.
    expect(kubernetesVersionsFor('>=1.36.3')).toEqual({ versions: ['1.36.3', '1.36.99', '1.37.0', '1.37.99'] });
    expect(kubernetesVersionsFor('<1.32.5')).toEqual({ versions: ['1.32.0', '1.32.4'] });
  });

  it('a range it cannot read, or that allows none of them, is a reason to fail', () => {
    expect(kubernetesVersionsFor('not a range')).toEqual({ reason: expect.stringMatching(/is not a version range/) });
    expect(kubernetesVersionsFor('<1.20.0')).toEqual({
      reason: expect.stringMatching(/allows none of Kubernetes 1\.32–1\.37; name your cluster's with --kube-version/),
    });
  });
});
