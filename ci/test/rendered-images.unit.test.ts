// What verify reads from a rendered chart: every image the cluster would run, read as Kubernetes
// reads it (rendered-images.test.ts holds the line breaks to go-yaml's own decoder).
import { describe, expect, it } from 'vitest';
import { imagesIn, kubernetesLineBreaks, parseRendered } from '@release-pipeline/core/rendered-images.js';

const D = `sha256:${'a'.repeat(64)}`;
const SIGNED = `r.example/koa-service@${D}`;

function read(text: string) {
  const parsed = parseRendered(text);
  const found = imagesIn(parsed.objects);
  return { images: found.images.map((i) => i.image), problems: [...parsed.problems, ...found.problems] };
}

const pod = (containers: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
${containers}`;

describe('line breaks Kubernetes honours and the npm parser does not', () => {
  it.each([
    ['CR', '\r'],
    ['NEL', '\u0085'],
    ['LINE SEPARATOR', '\u2028'],
    ['PARAGRAPH SEPARATOR', '\u2029'],
  ])('a %s inside a comment ends it: the image after it is seen', (_name, br) => {
    const text = pod(`    - name: app\n      image: "${SIGNED}" # pinned${br}      image: evil/x:latest\n`);
    // Kubernetes reads two image keys in one map: a repeated key, which it refuses, and so does verify.
    expect(read(text).problems.join('\n')).toMatch(/does not parse as Kubernetes would read it/);
  });

  it('a CR starts the next container the way Kubernetes reads it', () => {
    const text = pod(`    - name: app\n      image: "${SIGNED}" # pinned\r    - name: evil\r      image: evil/x:latest\n`);
    expect(read(text).images.sort()).toEqual(['evil/x:latest', SIGNED]);
  });

  it('CR LF is one break, not two', () => {
    expect(kubernetesLineBreaks('a: 1\r\nb: 2\r\n')).toBe('a: 1\nb: 2\n');
  });
});

describe('image volumes', () => {
  const withVolume = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: "${SIGNED}"
  volumes:
    - name: models
      image:
${image}`;

  it('are images the kubelet pulls: verified like containers', () => {
    const found = imagesIn(parseRendered(withVolume(`        reference: evil/models@${D}\n        pullPolicy: IfNotPresent\n`)).objects);
    expect(found.problems).toEqual([]);
    expect(found.images).toEqual(expect.arrayContaining([{ image: `evil/models@${D}`, usedBy: ['Pod/p: volume models'] }]));
  });

  it('without a plain reference, what would run cannot be told', () => {
    expect(read(withVolume('        pullPolicy: Always\n')).problems).toEqual([expect.stringMatching(/volumes\[0\]\.image has no plain image reference/)]);
  });
});

describe('kinds are judged by group and kind', () => {
  it('a ConfigMap of another group is no core ConfigMap: its images are seen', () => {
    const text = `apiVersion: example.com/v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  template:\n    image: evil/x:latest\n`;
    expect(read(text).images).toEqual(['evil/x:latest']);
  });

  it("the core ConfigMap's and Secret's payloads are data, not workloads", () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  image: whatever\n`;
    expect(read(text)).toEqual({ images: [], problems: [] });
  });
});
