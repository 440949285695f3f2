// One SBOM from two syft scans: the image scanned without syft's binary classifier (the one slow
// cataloger: it reads every binary, e.g. the 100 MB `node`), plus what that classifier found in the
// image's base, scanned once per base digest. The base's layers are the image's first layers, so a
// finding there is the same package, at the same file coordinates, with the same id; only its link
// to the scanned source changes from the base to the image. syft's own `convert` then writes the
// result as SPDX: byte for byte what one full scan of the image writes, bar its name and date
// (checked against a full scan of a real release in pipeline/test/release.test.ts).

/** The parts of syft's JSON format this merge reads and writes; everything else passes through. */
export interface SyftDocument {
  source: { id: string };
  artifacts: Array<{ id: string }>;
  artifactRelationships?: SyftRelationship[];
}

export interface SyftRelationship {
  parent: string;
  child: string;
  type: string;
  metadata?: unknown;
}

const key = (r: SyftRelationship) => `${r.parent} ${r.child} ${r.type}`;

/** The image's scan with the base's findings added, their links to the base's source moved to the image's. */
export function withBaseFindings<T extends SyftDocument>(image: T, base: SyftDocument): T {
  const toImage = (id: string) => (id === base.source.id ? image.source.id : id);
  const known = new Set(image.artifacts.map((a) => a.id));
  const relationships = [...(image.artifactRelationships ?? [])];
  const linked = new Set(relationships.map(key));
  for (const r of base.artifactRelationships ?? []) {
    const moved = { ...r, parent: toImage(r.parent), child: toImage(r.child) };
    if (!linked.has(key(moved))) {
      linked.add(key(moved));
      relationships.push(moved);
    }
  }
  return { ...image, artifacts: [...image.artifacts, ...base.artifacts.filter((a) => !known.has(a.id))], artifactRelationships: relationships };
}
