// What packaging writes into a chart: version and appVersion in Chart.yaml, the image repository
// and digest in values.yaml. Comments and order in both files are kept. Pure (text in, text out).
import { parseDocument } from 'yaml';
import { isDigest, InvalidReferenceError } from './reference.js';
import { isReleaseTag } from './trust-rule.js';
import { PipelineError } from './errors.js';

export interface ChartStamp {
  version: string;
  appVersion: string;
  imageRepository: string;
  imageDigest: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Chart.yaml for a release: version and appVersion, and, when given, the source repository (home,
 * sources) and the git revision as an annotation (helm copies annotations into the OCI manifest).
 */
export function stampChartYaml(text: string, stamp: Pick<ChartStamp, 'version' | 'appVersion'> & { source?: string; revision?: string }): string {
  if (!SEMVER.test(stamp.version)) throw new PipelineError('build', `chart version "${stamp.version}" is not SemVer 2`);
  const doc = parseDocument(text);
  doc.set('version', stamp.version);
  doc.set('appVersion', stamp.appVersion);
  if (stamp.source) {
    doc.set('home', stamp.source);
    doc.set('sources', doc.createNode([stamp.source], { flow: false }));
  }
  if (stamp.revision) doc.setIn(['annotations', 'org.opencontainers.image.revision'], stamp.revision);
  return doc.toString();
}

export function stampValuesYaml(text: string, stamp: Pick<ChartStamp, 'imageRepository' | 'imageDigest'>): string {
  if (!isDigest(stamp.imageDigest)) {
    throw new InvalidReferenceError(`image digest "${stamp.imageDigest}" is not sha256:<64 hex>; the chart takes digests only`);
  }
  if (/[@]|:[^/]*$/.test(stamp.imageRepository.replace(/^[^/]*\//, ''))) {
    throw new InvalidReferenceError(`image repository "${stamp.imageRepository}" must not carry a tag or digest`);
  }
  const doc = parseDocument(text);
  // New plain scalars: the placeholders' quoting ("") is not carried over to the real values.
  doc.setIn(['image', 'repository'], doc.createNode(stamp.imageRepository));
  doc.setIn(['image', 'digest'], doc.createNode(stamp.imageDigest));
  return doc.toString();
}

export interface CommitFacts {
  /** Full commit hash. */
  revision: string;
  /** Commit time, seconds since the epoch. */
  commitTime: number;
  /** Number of commits reachable from HEAD. */
  commitCount: number;
  /** A tag pointing exactly at HEAD, if any ("v1.2.3"). */
  tag?: string;
}

/**
 * The chart and image version for a commit: a release tag "vX.Y.Z" on HEAD (./trust-rule.ts) gives
 * "X.Y.Z"; otherwise "<base>-dev.<commit count>.g<short hash>", ordered by history and unique per
 * commit. A tag that names another version is refused before this (checkReleaseTag).
 */
export function releaseVersion(baseVersion: string, git: CommitFacts): string {
  if (git.tag && isReleaseTag(git.tag)) return git.tag.slice(1);
  const core = baseVersion.replace(/[-+].*$/, '');
  return `${core}-dev.${git.commitCount}.g${git.revision.slice(0, 12)}`;
}

/** RFC 3339 (UTC, seconds) for a commit time. */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
