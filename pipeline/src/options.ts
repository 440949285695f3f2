// The pipeline's command line: one command per step, parsed and checked before anything runs (pure).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../ci/src/core/errors.js';
import { parseDigestReference, parseRegistryTarget, type DigestReference } from '../../ci/src/core/reference.js';

export { UsageError };

/** node:util parseArgs (callers ask for strict), with its complaint turned into a UsageError. */
export function strictArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; see --help`, { cause: err });
  }
}

export const COMMANDS = ['release', 'build', 'test', 'image', 'chart-package', 'publish', 'sign', 'verify', 'reproduce', 'registry'] as const;
export type Command = (typeof COMMANDS)[number];

/** Facts about the commit, given explicitly where there is no .git (a container, a CI checkout). */
export interface GitOverride {
  revision: string;
  commitTime: number;
  commitCount: number;
  tag?: string;
}

export interface PipelineOptions {
  /** host[:port]/namespace; absent: the embedded local registry. */
  registry?: string;
  key?: string;
  certificate?: string;
  certificateChain?: string;
  /** Keyless signing (GitHub Actions' OIDC token, or the local Sigstore stack), verified as this identity. */
  keyless?: {
    identity: string;
    issuer: string;
    /** A Sigstore of one's own (default: the public one): its Fulcio, timestamp authority and trusted root. */
    fulcioUrl?: string;
    timestampUrl?: string;
    trustedRoot?: string;
  };
  /** Keyless signing through Sigstore services started locally for the run (an Actions-shaped OIDC issuer, Fulcio, a timestamp authority). */
  sigstore?: 'local';
  /** ref@sha256:… or "host"; absent: host for the embedded registry, the pinned default otherwise. */
  baseImage?: string;
  git?: GitOverride;
  sourceUrl?: string;
  /** Reach the registry over plain HTTP (loopback registries always are). */
  plainHttp?: boolean;
  skipTests: boolean;
  json: boolean;
  help: boolean;
}

export interface StepInvocation {
  command: Command;
  options: PipelineOptions;
  /** `image`: a folder for a copy of the OCI layout; `chart-package`: a path for the .tgz. */
  output?: string;
  /** `chart-package`: the image the chart deploys. */
  image?: DigestReference;
  /** `sign`: what to sign. */
  refs: DigestReference[];
  /** `verify`: its own arguments, parsed by verify-options.ts. */
  rest: string[];
}

export const PIPELINE_USAGE = `usage: npm run pipeline -- [COMMAND] [options]

Builds, tests, packages, publishes, signs and verifies the service image and its chart. The same
commands run on this host and, compiled, inside the Dagger module's toolbox container.

commands:
  release (default)   all of it: build → test → image → chart → publish → sign → verify → tag
  build               compile the service
  test                run the service's tests
  image               build the image as an OCI layout (--output DIR to keep a copy)
  chart-package       package the chart for --image REPO@sha256:… (--output FILE.tgz to keep it)
  publish             build and push the image and the chart by digest, untagged
  sign REF@sha256:…   sign artifacts by digest (an image index: its platform manifests too)
  verify CHART@sha256:… --key PUB | --certificate-identity …   verify a release from its chart
  registry            serve the embedded registry's storage again

With no --registry: a local registry on 127.0.0.1:5000 (.out/registry) and a key pair in .out/keys.

  --registry host[:port]/namespace   publish there (credentials: REGISTRY_USERNAME and
                                     REGISTRY_PASSWORD in the environment, or your docker config)
  --key PATH                         cosign private key (its password in COSIGN_PASSWORD)
  --certificate PATH                 signing certificate (keyless-style, private CA) with
  --certificate-chain PATH           its chain; needs --key too
  --sigstore local                   sign keylessly as GitHub Actions would, through an OIDC issuer,
                                     Fulcio and a timestamp authority started for the run (offline:
                                     the run gets a network namespace of its own)
  --keyless                          sign keylessly (GitHub Actions' OIDC token), verified as
  --certificate-identity ID          this exact identity
  --certificate-oidc-issuer URL      from this issuer
  --fulcio-url URL --timestamp-url URL --trusted-root FILE
                                     with --keyless: a Sigstore of your own instead of the public one
  --base-image REF@sha256:…          base image, by digest ("host": this machine's Node runtime)
  --revision SHA --commit-time SECONDS --commit-count N [--git-tag vX.Y.Z]
                                     the commit's facts, where there is no .git to read them from
  --source-url URL                   the source repository (default: the origin remote)
  --plain-http                       reach the registry over plain HTTP (loopback always is)
  --skip-tests                       do not run the service's tests
  --json                             print the result as JSON
  -h, --help                         this text`;

const SECRET_FLAGS = /^--(password|registry-password|token|identity-token|secret|key-password)/;

const OPTIONS = {
  registry: { type: 'string' },
  key: { type: 'string' },
  certificate: { type: 'string' },
  'certificate-chain': { type: 'string' },
  keyless: { type: 'boolean', default: false },
  'fulcio-url': { type: 'string' },
  'timestamp-url': { type: 'string' },
  'trusted-root': { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'base-image': { type: 'string' },
  revision: { type: 'string' },
  'commit-time': { type: 'string' },
  'commit-count': { type: 'string' },
  'git-tag': { type: 'string' },
  'source-url': { type: 'string' },
  image: { type: 'string' },
  output: { type: 'string' },
  'plain-http': { type: 'boolean', default: false },
  sigstore: { type: 'string' },
  'skip-tests': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** How to sign: what `release` and `sign` both take. */
const SIGNING = [
  'sigstore',
  'key',
  'certificate',
  'certificate-chain',
  'keyless',
  'fulcio-url',
  'timestamp-url',
  'trusted-root',
  'certificate-identity',
  'certificate-oidc-issuer',
] as const;

/** Which options each command takes, beyond --json and --help. */
const ACCEPTS: Record<Exclude<Command, 'verify' | 'reproduce'>, ReadonlyArray<keyof typeof OPTIONS>> = {
  release: ['registry', 'plain-http', ...SIGNING, 'base-image', 'revision', 'commit-time', 'commit-count', 'git-tag', 'source-url', 'skip-tests'],
  build: [],
  test: [],
  image: ['registry', 'plain-http', 'base-image', 'revision', 'commit-time', 'commit-count', 'git-tag', 'source-url', 'output'],
  'chart-package': ['registry', 'plain-http', 'image', 'revision', 'commit-time', 'commit-count', 'git-tag', 'source-url', 'output'],
  publish: ['registry', 'plain-http', 'base-image', 'revision', 'commit-time', 'commit-count', 'git-tag', 'source-url', 'skip-tests'],
  sign: ['plain-http', ...SIGNING],
  registry: [],
};

function usage(why: string, cause?: unknown): never {
  throw new UsageError(why, cause === undefined ? undefined : { cause });
}

function digestArgument(value: string, what: string): DigestReference {
  try {
    return parseDigestReference(value, what);
  } catch (err) {
    return usage((err as Error).message, err);
  }
}

function integer(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(n)) usage(`--${name} must be a whole number (got "${raw ?? ''}")`);
  return n;
}

export function parsePipelineArgs(argv: readonly string[]): StepInvocation {
  const secretFlag = argv.find((a) => SECRET_FLAGS.test(a));
  if (secretFlag) {
    usage(`${secretFlag.split('=')[0]} is not accepted: secrets never go on the command line; set REGISTRY_PASSWORD or COSIGN_PASSWORD in the environment`);
  }
  const first = argv[0];
  const named = first !== undefined && !first.startsWith('-');
  if (named && !(COMMANDS as readonly string[]).includes(first)) usage(`unknown command "${first}"; one of: ${COMMANDS.join(', ')}`);
  const command: Command = named ? (first as Command) : 'release';
  const args = named ? argv.slice(1) : [...argv];
  if (command === 'verify' || command === 'reproduce') return { command, options: defaults(), refs: [], rest: args };

  const parsed = strictArgs({ args, allowPositionals: command === 'sign', strict: true, options: OPTIONS });
  const v = parsed.values;
  const given = (Object.keys(v) as Array<keyof typeof OPTIONS>).filter((k) => v[k] !== undefined && v[k] !== false && k !== 'json' && k !== 'help');
  const foreign = given.filter((k) => !ACCEPTS[command].includes(k));
  if (foreign.length > 0) usage(`${command} does not take --${foreign[0]}; see --help`);

  if (v.registry !== undefined) {
    try {
      parseRegistryTarget(v.registry);
    } catch (err) {
      usage((err as Error).message, err);
    }
  }
  if (v['base-image'] !== undefined && v['base-image'] !== 'host') digestArgument(v['base-image'], '--base-image');
  if ((v.certificate || v['certificate-chain']) && !(v.certificate && v['certificate-chain'] && v.key)) {
    usage("--certificate and --certificate-chain go together, with --key for the certificate's private key");
  }
  if (v.sigstore !== undefined && v.sigstore !== 'local') usage(`--sigstore takes "local" (Sigstore services started for the run), not "${v.sigstore}"`);
  if (v.sigstore && (v.key || v.certificate || v.keyless))
    usage('--sigstore local signs keylessly through the local services; it does not take --key, --certificate or --keyless');
  if ((v['fulcio-url'] || v['timestamp-url'] || v['trusted-root']) && !v.keyless) usage('--fulcio-url, --timestamp-url and --trusted-root go with --keyless');
  if (v['fulcio-url'] && !v['trusted-root'])
    usage('--fulcio-url needs --trusted-root: the trust material of that Fulcio (cosign trusted-root create makes one)');
  if (v.keyless && (v.key || v.certificate)) usage('--keyless signs with a short-lived certificate; it does not take --key or --certificate');
  if (
    v.keyless !== Boolean(v['certificate-identity'] && v['certificate-oidc-issuer']) ||
    (!v.keyless && (v['certificate-identity'] || v['certificate-oidc-issuer']))
  ) {
    usage('--keyless needs --certificate-identity and --certificate-oidc-issuer (the identity its certificate must name), and they need --keyless');
  }
  const gitGiven = [v.revision, v['commit-time'], v['commit-count']].filter((x) => x !== undefined).length;
  if (gitGiven !== 0 && gitGiven !== 3) usage('--revision, --commit-time and --commit-count go together');
  if (v.revision !== undefined && !/^[a-f0-9]{40}$/.test(v.revision)) usage(`--revision must be a full 40-hex commit hash (got "${v.revision}")`);
  if (v['git-tag'] !== undefined && gitGiven === 0) usage('--git-tag goes with --revision, --commit-time and --commit-count');

  const options: PipelineOptions = {
    ...(v.registry !== undefined ? { registry: v.registry } : {}),
    ...(v.key !== undefined ? { key: v.key } : {}),
    ...(v.certificate !== undefined ? { certificate: v.certificate } : {}),
    ...(v['certificate-chain'] !== undefined ? { certificateChain: v['certificate-chain'] } : {}),
    ...(v.keyless
      ? {
          keyless: {
            identity: v['certificate-identity']!,
            issuer: v['certificate-oidc-issuer']!,
            ...(v['fulcio-url'] ? { fulcioUrl: v['fulcio-url'] } : {}),
            ...(v['timestamp-url'] ? { timestampUrl: v['timestamp-url'] } : {}),
            ...(v['trusted-root'] ? { trustedRoot: v['trusted-root'] } : {}),
          },
        }
      : {}),
    ...(v.sigstore === 'local' ? { sigstore: 'local' as const } : {}),
    ...(v['base-image'] !== undefined ? { baseImage: v['base-image'] } : {}),
    ...(gitGiven === 3
      ? {
          git: {
            revision: v.revision!,
            commitTime: integer('commit-time', v['commit-time']),
            commitCount: integer('commit-count', v['commit-count']),
            ...(v['git-tag'] ? { tag: v['git-tag'] } : {}),
          },
        }
      : {}),
    ...(v['source-url'] !== undefined ? { sourceUrl: v['source-url'] } : {}),
    plainHttp: v['plain-http'] ?? false,
    skipTests: v['skip-tests'] ?? false,
    json: v.json ?? false,
    help: v.help ?? false,
  };
  if (command === 'chart-package' && !options.help && v.image === undefined)
    usage('chart-package needs --image REPOSITORY@sha256:<64 hex>, the image the chart deploys');
  if (command === 'sign' && !options.help) {
    if (parsed.positionals.length === 0) usage('sign needs at least one REPOSITORY@sha256:<64 hex> to sign');
  }
  const refs = parsed.positionals.map((p) => digestArgument(p, 'the artifact to sign'));
  if (new Set(refs.map((r) => r.registry)).size > 1) usage('sign takes artifacts of one registry at a time');
  return {
    command,
    options,
    ...(v.output !== undefined ? { output: v.output } : {}),
    ...(v.image !== undefined ? { image: digestArgument(v.image, '--image') } : {}),
    refs,
    rest: [],
  };
}

function defaults(): PipelineOptions {
  return { plainHttp: false, skipTests: false, json: false, help: false };
}
