// The SBOM's two halves joined: the base's binary findings moved onto the image's scan.
import { describe, expect, it } from 'vitest';
import { withBaseFindings } from '@release-pipeline/core/syft-merge.js';

const image = {
  source: { id: 'image-source' },
  artifacts: [{ id: 'koa' }],
  artifactRelationships: [{ parent: 'image-source', child: 'koa', type: 'contains' }],
  schema: { version: '16' },
};
const base = {
  source: { id: 'base-source' },
  artifacts: [{ id: 'node' }],
  artifactRelationships: [
    { parent: 'base-source', child: 'node', type: 'contains' },
    { parent: 'node', child: 'file-usr-local-bin-node', type: 'evident-by', metadata: { kind: 'primary' } },
  ],
};

describe('withBaseFindings', () => {
  it("adds the base's packages and links them to the image's source instead of the base's", () => {
    expect(withBaseFindings(image, base)).toEqual({
      source: { id: 'image-source' },
      artifacts: [{ id: 'koa' }, { id: 'node' }],
      artifactRelationships: [
        { parent: 'image-source', child: 'koa', type: 'contains' },
        { parent: 'image-source', child: 'node', type: 'contains' },
        { parent: 'node', child: 'file-usr-local-bin-node', type: 'evident-by', metadata: { kind: 'primary' } },
      ],
      schema: { version: '16' },
    });
  });

  it('adds nothing twice: a package or link the image scan already has stays as it is', () => {
    const once = withBaseFindings(image, base);
    expect(withBaseFindings(once, base)).toEqual(once);
  });
});
