// Which container images a rendered chart would have the cluster run, read fail-closed. Pure.
//
// The manifests are decoded the way Kubernetes reads what Helm sends (sigs.k8s.io/yaml over
// go-yaml v2: YAML 1.1, merge keys `<<`, its line breaks), and held to that decoder by
// pipeline/test/kubernetes-yaml.test.ts; what it reads leniently (a repeated key, whose last value
// it keeps) is refused. Lists (`kind: List`,
// `*List`) are flattened. Then every `image` anywhere in an object is an image to verify, whatever
// the kind: pod templates in custom resources (an Argo Rollout, a Knative Service…), ephemeral
// containers, init containers. Only what the kubelet never runs is skipped: metadata, and the
// payloads of ConfigMaps and Secrets. What cannot be read, or an `image` that is not a plain
// reference, is a problem: verification fails rather than guess.
import { parseAllDocuments } from 'yaml';

export interface ImageUse {
  image: string;
  /** "Deployment/name: container app", "Rollout/name: spec.template.spec.containers[0].image", … */
  usedBy: string[];
}

export interface RenderedImages {
  images: ImageUse[];
  /** Why the rendering cannot be trusted: each one fails verification. */
  problems: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The line breaks of the YAML library Kubernetes decodes with (go-yaml, under sigs.k8s.io/yaml):
 * CR LF, CR, LF, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). The npm
 * parser breaks lines at CR LF and LF only, so a comment there could hide what Kubernetes reads as
 * the next line (`image: signed # x<CR>image: evil`). Each becomes a LF first: one reading.
 */
export function kubernetesLineBreaks(text: string): string {
  return text.replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n');
}

/** Parses `helm template` output: one object per document, or a problem per document that does not parse. */
export function parseRendered(text: string): { objects: Obj[]; problems: string[] } {
  const objects: Obj[] = [];
  const problems: string[] = [];
  parseAllDocuments(kubernetesLineBreaks(text), { version: '1.1', merge: true, uniqueKeys: true, prettyErrors: false }).forEach((doc, i) => {
    const errors = 'errors' in doc ? doc.errors : [];
    if (errors.length > 0) {
      problems.push(`rendered document ${i + 1} does not parse as Kubernetes would read it: ${errors[0]!.message.split('\n')[0]}`);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push(`rendered document ${i + 1} cannot be read: ${(err as Error).message.split('\n')[0]}`);
      return;
    }
    if (value === null || value === undefined) return;
    if (!isObj(value)) problems.push(`rendered document ${i + 1} is not an object (${typeof value})`);
    else objects.push(value);
  });
  return { objects, problems };
}

/** Objects, with the items of Lists (kind List, DeploymentList, …) taken out of them, recursively. */
export function flattenLists(objects: readonly Obj[]): Obj[] {
  const out: Obj[] = [];
  for (const o of objects) {
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) out.push(...flattenLists(o.items.filter(isObj)));
    else out.push(o);
  }
  return out;
}

/** Payloads the kubelet never runs: skipped. Only the core group's ConfigMap and Secret (apiVersion v1): a kind of that name in another group is judged like any other object. */
function skipped(o: Obj, key: string, depth: number): boolean {
  if (depth === 0 && key === 'metadata') return true;
  return depth === 0 && o.apiVersion === 'v1' && (o.kind === 'ConfigMap' || o.kind === 'Secret') && ['data', 'stringData', 'binaryData'].includes(key);
}

const VOLUME = /(?:^|\.)volumes\[\d+\]$/;
const CONTAINER_LISTS = /(?:^|\.)(containers|initContainers|ephemeralContainers)\[(\d+)\]$/;

function label(kind: string, name: string, path: string, holder: Obj): string {
  const m = path.match(CONTAINER_LISTS);
  if (m && typeof holder.name === 'string') {
    const what = m[1] === 'containers' ? 'container' : m[1]!.replace(/s$/, '');
    return `${kind}/${name}: ${what} ${holder.name}`;
  }
  return `${kind}/${name}: ${path ? `${path}.` : ''}image`;
}

export function imagesIn(objects: readonly Obj[]): RenderedImages {
  const uses = new Map<string, string[]>();
  const problems: string[] = [];
  for (const o of flattenLists(objects)) {
    const kind = typeof o.kind === 'string' ? o.kind : '(no kind)';
    const name = isObj(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : '?';
    const walk = (value: Json, path: string, depth: number): void => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => walk(v, `${path}[${i}]`, depth + 1));
        return;
      }
      if (!isObj(value)) return;
      for (const [key, v] of Object.entries(value)) {
        if (skipped(value, key, depth)) continue;
        if (key === 'image' && VOLUME.test(path) && isObj(v)) {
          // An image volume (Kubernetes 1.31+): its reference is an image the kubelet pulls.
          const ref = v.reference;
          if (typeof ref === 'string' && ref.trim() !== '') {
            const where = `${kind}/${name}: volume ${typeof value.name === 'string' ? value.name : path}`;
            uses.set(ref, [...(uses.get(ref) ?? []), where]);
          } else problems.push(`${kind}/${name}: ${path}.image has no plain image reference (${JSON.stringify(ref)}); what would run cannot be told`);
          continue;
        }
        if (key === 'image') {
          if (typeof v === 'string' && v.trim() !== '') {
            const where = label(kind, name, path, value);
            uses.set(v, [...(uses.get(v) ?? []), where]);
          } else {
            problems.push(
              `${kind}/${name}: ${path ? `${path}.` : ''}image is not a plain image reference (${JSON.stringify(v)}); what would run cannot be told`,
            );
          }
          continue;
        }
        walk(v, path ? `${path}.${key}` : key, depth + 1);
      }
    };
    walk(o, '', 0);
  }
  const images = [...uses.entries()].map(([image, usedBy]) => ({ image, usedBy })).sort((a, b) => a.image.localeCompare(b.image));
  return { images, problems };
}
