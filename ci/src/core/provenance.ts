// SLSA provenance v1 (https://slsa.dev/spec/v1.0/provenance) for the image and the chart: what a
// release was built from (repository, revision, the git facts its version and times come from),
// with which resolved inputs (base image, lockfiles, tool versions), by which builder. Also what a
// verifier reads back out of it: the source, and the inputs `npm run reproduce` rebuilds from. Pure.
import { formatDigestReference, parseDigestReference, type DigestReference } from './reference.js';
import { PipelineError } from './errors.js';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** What this pipeline's external parameters mean: one build type, versioned with its shape. */
export const BUILD_TYPE = 'urn:signed-release-pipeline:release:v1';
/** The builder when nothing stronger can be named (a key-signed run on a host or in Dagger). */
export const LOCAL_BUILDER = 'urn:signed-release-pipeline:runner';

export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest?: Record<string, string>;
}

/** The inputs a release is rebuilt from: what `npm run reproduce` needs and nothing else. */
export interface ExternalParameters {
  source: { repository: string; revision: string };
  /** The commit's facts the version and every timestamp are derived from. */
  commit: { time: number; count: number; tag?: string };
  version: string;
}

export interface ProvenancePredicate {
  buildDefinition: {
    buildType: string;
    externalParameters: ExternalParameters;
    internalParameters: { runner: string; dirty: boolean; platforms: string[] };
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; version?: Record<string, string> };
    metadata: { invocationId?: string; startedOn: string; finishedOn: string };
  };
}

/** A pinned tool, as in tools.lock. */
export interface PinnedTool {
  name: string;
  /** The Go package built (its module's path prefixes it). */
  module: string;
  version: string;
  scope: string;
  /** Built in this module's own directory (`module=PATH`: its go.mod has replace directives). */
  builtIn?: string;
}

/** tools.lock's lines ("name package version scope [module=PATH]"), comments and blanks skipped. */
export function parseToolsLock(text: string): PinnedTool[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, module, version, scope, extra] = l.split(/\s+/);
      if (!name || !module || !version) throw new PipelineError('build', `tools.lock: "${l}" is not "name module version scope"`);
      const builtIn = extra?.startsWith('module=') ? extra.slice('module='.length) : undefined;
      return { name, module, version, scope: scope ?? 'all', builtIn };
    });
}

export interface ProvenanceInput {
  parameters: ExternalParameters;
  builderId: string;
  runner: string;
  dirty: boolean;
  platforms: string[];
  base: DigestReference;
  /** sha256 (hex) of each lockfile the build resolved packages from, by repository path. */
  lockfiles: Record<string, string>;
  /** The pinned tools, each with the sha256 (hex) of the binary that ran, where known. */
  tools: ReadonlyArray<PinnedTool & { sha256?: string }>;
  node: string;
  /** The chart's provenance names the image it stamps. */
  image?: DigestReference;
  startedOn: string;
  finishedOn: string;
  invocationId?: string;
}

const hex = (digest: string) => digest.replace(/^sha256:/, '');

/** An image as a provenance names it: an absolute URI, `oci://` + the digest reference. */
const ociUri = (ref: DigestReference) => `oci://${formatDigestReference(ref)}`;

/** The digest reference an image's URI names (also the bare form older releases recorded). */
const fromOciUri = (uri: string, what: string) => parseDigestReference(uri.replace(/^oci:\/\//, ''), what);

/** A file of the source at its revision: `git+REPO@REV#PATH`. */
const sourceFileUri = (source: { repository: string; revision: string }, path: string) => `git+${source.repository}@${source.revision}#${path}`;

/** The repository path a lockfile dependency names (a bare path in releases made before the URIs were absolute). */
export function lockfilePath(dependency: ResourceDescriptor): string | undefined {
  const uri = dependency.uri;
  if (uri === undefined) return undefined;
  const m = /^git\+.+@[0-9a-f]{40}#(.*)$/.exec(uri);
  return m ? m[1] : uri;
}

export function provenancePredicate(input: ProvenanceInput): ProvenancePredicate {
  const { source } = input.parameters;
  const dependencies: ResourceDescriptor[] = [
    { uri: `git+${source.repository}@${source.revision}`, digest: { gitCommit: source.revision }, name: 'source' },
    { uri: ociUri(input.base), digest: { sha256: hex(input.base.digest) }, name: 'base-image' },
    ...(input.image ? [{ uri: ociUri(input.image), digest: { sha256: hex(input.image.digest) }, name: 'image' }] : []),
    ...Object.entries(input.lockfiles)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, sha]) => ({ uri: sourceFileUri(source, path), digest: { sha256: sha }, name: 'lockfile' })),
    ...input.tools
      .filter((t) => t.scope === 'runtime')
      .map((t) => ({ uri: `pkg:golang/${t.module}@${t.version}`, name: t.name, digest: t.sha256 ? { sha256: t.sha256 } : undefined })),
  ];
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: input.parameters,
      internalParameters: { runner: input.runner, dirty: input.dirty, platforms: input.platforms },
      resolvedDependencies: dependencies,
    },
    runDetails: {
      builder: { id: input.builderId, version: { node: input.node } },
      metadata: { invocationId: input.invocationId, startedOn: input.startedOn, finishedOn: input.finishedOn },
    },
  };
}

/** An in-toto statement as cosign hands it back (the DSSE payload, decoded). */
export interface Statement<P = unknown> {
  _type: string;
  predicateType: string;
  subject: Array<{ name?: string; digest: Record<string, string> }>;
  predicate: P;
}

/** Whether a statement's subject is exactly this digest (cosign itself does not check it). */
export function coversDigest(statement: Statement, digest: string): boolean {
  return statement.subject.some((s) => s.digest.sha256 === hex(digest));
}

/** The release inputs recorded in a provenance, read strictly: anything missing is an error. */
export function provenanceFacts(statement: Statement): {
  parameters: ExternalParameters;
  base: DigestReference;
  image?: DigestReference;
  builderId: string;
  dirty: boolean;
} {
  if (statement.predicateType !== SLSA_PROVENANCE_V1) throw new PipelineError('verification', `not SLSA provenance v1 but ${statement.predicateType}`);
  const p = statement.predicate as Partial<ProvenancePredicate>;
  const def = p.buildDefinition;
  if (def?.buildType !== BUILD_TYPE) throw new PipelineError('verification', `build type ${String(def?.buildType)} is not this pipeline's (${BUILD_TYPE})`);
  const ext = def.externalParameters;
  if (!ext?.source?.repository || !/^[0-9a-f]{40}$/.test(ext.source.revision ?? '') || typeof ext.commit?.time !== 'number' || !ext.version) {
    throw new PipelineError('verification', 'the provenance does not record the source repository, revision, commit and version');
  }
  const dep = (name: string) => def.resolvedDependencies?.find((d) => d.name === name)?.uri;
  const base = dep('base-image');
  if (!base) throw new PipelineError('verification', 'the provenance does not record the base image');
  const image = dep('image');
  return {
    parameters: ext,
    base: fromOciUri(base, 'the recorded base image'),
    image: image ? fromOciUri(image, 'the recorded image') : undefined,
    builderId: p.runDetails?.builder?.id ?? '',
    dirty: def.internalParameters?.dirty === true,
  };
}
