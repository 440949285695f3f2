// Which container images a set of rendered Kubernetes objects would run, and where. Pure.

export interface ImageUse {
  image: string;
  /** "Deployment/name: container app", … */
  usedBy: string[];
}

type Obj = { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> } & Record<string, unknown>;

function podSpecOf(o: Obj): Record<string, unknown> | undefined {
  const spec = o.spec as
    { template?: { spec?: Record<string, unknown> }; jobTemplate?: { spec?: { template?: { spec?: Record<string, unknown> } } } } | undefined;
  if (!spec) return undefined;
  switch (o.kind) {
    case 'Pod':
      return spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return spec.template?.spec;
    case 'CronJob':
      return spec.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}

export function collectImages(objects: readonly unknown[]): ImageUse[] {
  const uses = new Map<string, string[]>();
  for (const raw of objects) {
    if (!raw || typeof raw !== 'object') continue;
    const o = raw as Obj;
    const pod = podSpecOf(o) as Record<string, Array<{ name?: string; image?: string }> | undefined> | undefined;
    if (!pod) continue;
    for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
      for (const c of pod[field] ?? []) {
        if (!c.image) continue;
        const where = `${o.kind}/${o.metadata?.name ?? '?'}: ${field === 'containers' ? 'container' : field.replace(/s$/, '')} ${c.name ?? '?'}`;
        uses.set(c.image, [...(uses.get(c.image) ?? []), where]);
      }
    }
  }
  return [...uses.entries()].map(([image, usedBy]) => ({ image, usedBy })).sort((a, b) => a.image.localeCompare(b.image));
}
