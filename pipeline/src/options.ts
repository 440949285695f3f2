// What a command line means: the words ./command-line.ts parsed, turned into one typed invocation
// per command, every combination checked here, once. Nothing downstream checks them again.
import type { CommitFacts } from '@release-pipeline/core/chart-package.js';
import { COMMANDS, type CommandName } from '@release-pipeline/core/command-line.js';
import { UsageError } from '@release-pipeline/core/errors.js';
import { parseRegistryTarget, type DigestReference } from '@release-pipeline/core/reference.js';
import type { SigningMode } from '@release-pipeline/core/signing-mode.js';
import { asUsage, digestArgument, flagText as text, parseCommandLine, type FlagValues } from './command-line.js';
import { reproduceOptions, verifyOptions, type ReproduceOptions, type VerifyOptions } from './verify-options.js';

export { UsageError, COMMANDS, type CommandName };

/** What the step commands run with. */
export interface PipelineOptions {
  /** host[:port]/namespace; absent: the embedded local registry. */
  registry?: string;
  /** Reach the registry over plain HTTP (loopback registries always are). */
  plainHttp: boolean;
  signing: SigningMode;
  /** ref@sha256:… or "host"; absent: host for the embedded registry, the pinned default otherwise. */
  baseImage?: string;
  /** The commit's facts, given where there is no .git to read them from (a container, a CI checkout). */
  commit?: CommitFacts;
  sourceUrl?: string;
  skipTests: boolean;
  json: boolean;
}

/** The options of a run that names none: the embedded registry and key, tests on. */
export const DEFAULT_OPTIONS: PipelineOptions = { plainHttp: false, signing: { kind: 'embedded-key' }, skipTests: false, json: false };

export type Invocation =
  | { command: 'help'; text: string }
  | { command: 'release' | 'build' | 'test' | 'publish'; options: PipelineOptions }
  /** `output`: a folder for a copy of the OCI layout. */
  | { command: 'image'; options: PipelineOptions; output?: string }
  /** `image`: what the chart deploys; `output`: a path for the .tgz. */
  | { command: 'chart-package'; options: PipelineOptions; image: DigestReference; output?: string }
  | { command: 'sign'; options: PipelineOptions; refs: DigestReference[] }
  | { command: 'verify'; options: VerifyOptions }
  | { command: 'reproduce'; options: ReproduceOptions }
  | { command: 'registry' };

function wholeNumber(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number (got "${raw ?? ''}")`);
  return n;
}

const KEYLESS_NEEDS = '--keyless needs --certificate-identity and --certificate-oidc-issuer (the identity its certificate must name), and they need --keyless';

/** The signing mode the flags choose; a combination that is not one of the modes is refused. */
export function signingMode(f: FlagValues): SigningMode {
  const [key, certificate, chain] = [text(f.key), text(f.certificate), text(f['certificate-chain'])];
  const [identity, issuer] = [text(f['certificate-identity']), text(f['certificate-oidc-issuer'])];
  const [trustedRoot, fulcioUrl, rekorUrl, timestampUrl] = [text(f['trusted-root']), text(f['fulcio-url']), text(f['rekor-url']), text(f['timestamp-url'])];
  if (f.sigstore !== undefined) {
    if (f.sigstore !== 'local') throw new UsageError(`--sigstore takes "local" (Sigstore services started for the run), not "${String(f.sigstore)}"`);
    if (key || certificate || chain || f.keyless || identity || issuer || trustedRoot || fulcioUrl || rekorUrl || timestampUrl)
      throw new UsageError('--sigstore local signs keylessly through the local services; it takes no key, certificate or keyless flags');
    return { kind: 'local-sigstore' };
  }
  if (f.keyless) {
    if (key || certificate || chain) throw new UsageError('--keyless signs with a short-lived certificate; it does not take --key or --certificate');
    if (!identity || !issuer) throw new UsageError(KEYLESS_NEEDS);
    if ((fulcioUrl || rekorUrl) && !trustedRoot)
      throw new UsageError('--fulcio-url and --rekor-url need --trusted-root: the trust material of that Sigstore (cosign trusted-root create makes one)');
    return { kind: 'keyless', identity, issuer, timestampUrl, sigstore: trustedRoot ? { trustedRootPath: trustedRoot, fulcioUrl, rekorUrl } : undefined };
  }
  if (identity || issuer) throw new UsageError(KEYLESS_NEEDS);
  if (trustedRoot || fulcioUrl || rekorUrl || timestampUrl)
    throw new UsageError('--fulcio-url, --rekor-url, --timestamp-url and --trusted-root go with --keyless');
  if (certificate || chain) {
    if (!certificate || !chain || !key) throw new UsageError("--certificate and --certificate-chain go together, with --key for the certificate's private key");
    return { kind: 'certificate', keyPath: key, certificatePath: certificate, chainPath: chain };
  }
  return key ? { kind: 'key', keyPath: key } : { kind: 'embedded-key' };
}

/** The commit's facts, when given: all three, or none (they are read from .git). */
function commitFacts(f: FlagValues): CommitFacts | undefined {
  const [revision, time, count, tag] = [text(f.revision), text(f['commit-time']), text(f['commit-count']), text(f['git-tag'])];
  const given = [revision, time, count].filter((x) => x !== undefined).length;
  if (given === 0) {
    if (tag !== undefined) throw new UsageError('--git-tag goes with --revision, --commit-time and --commit-count');
    return undefined;
  }
  if (given !== 3) throw new UsageError('--revision, --commit-time and --commit-count go together');
  if (!/^[a-f0-9]{40}$/.test(revision!)) throw new UsageError(`--revision must be a full 40-hex commit hash (got "${revision}")`);
  return { revision: revision!, commitTime: wholeNumber('commit-time', time), commitCount: wholeNumber('commit-count', count), tag };
}

/** The options every step command shares, from the flags its declaration lets it take. */
export function pipelineOptions(f: FlagValues): PipelineOptions {
  const registry = text(f.registry);
  if (registry !== undefined) asUsage(() => parseRegistryTarget(registry));
  const baseImage = text(f['base-image']);
  if (baseImage !== undefined && baseImage !== 'host') digestArgument(baseImage, '--base-image');
  return {
    registry,
    plainHttp: f['plain-http'] === true,
    signing: signingMode(f),
    baseImage,
    commit: commitFacts(f),
    sourceUrl: text(f['source-url']),
    skipTests: f['skip-tests'] === true,
    json: f.json === true,
  };
}

/** Parses a whole command line into one typed invocation; a usage error names what to change. */
export function parseInvocation(argv: readonly string[]): Invocation {
  const line = parseCommandLine(argv);
  if (line.command === 'help') return line;
  const { flags, operands } = line;
  switch (line.command) {
    case 'verify':
      return { command: 'verify', options: verifyOptions(operands, flags) };
    case 'reproduce':
      return { command: 'reproduce', options: reproduceOptions(operands, flags) };
    case 'registry':
      return { command: 'registry' };
    case 'image':
      return { command: 'image', options: pipelineOptions(flags), output: text(flags.output) };
    case 'chart-package': {
      const image = text(flags.image);
      if (image === undefined) throw new UsageError('chart-package needs --image REPOSITORY@sha256:<64 hex>, the image the chart deploys');
      const options = pipelineOptions(flags);
      return { command: 'chart-package', options, image: digestArgument(image, '--image'), output: text(flags.output) };
    }
    case 'sign': {
      if (operands.length === 0) throw new UsageError('sign needs at least one REPOSITORY@sha256:<64 hex> to sign');
      const options = pipelineOptions(flags);
      const refs = operands.map((p) => digestArgument(p, 'the artifact to sign'));
      if (new Set(refs.map((r) => r.registry)).size > 1) throw new UsageError('sign takes artifacts of one registry at a time');
      return { command: 'sign', options, refs };
    }
    default:
      return { command: line.command, options: pipelineOptions(flags) };
  }
}

/** The options a step command's line gives: for callers (and tests) that run a step in-process. */
export function stepOptions(argv: readonly string[]): PipelineOptions {
  const inv = parseInvocation(argv);
  if (!('options' in inv) || !('signing' in inv.options)) throw new UsageError(`${argv[0] ?? 'release'} is not a step command`);
  return inv.options;
}
