// The pipeline's command line: parsed and checked before anything runs (pure).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDigestReference, parseRegistryTarget } from '../../ci/src/core/reference.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util parseArgs (callers ask for strict), with its complaint turned into a UsageError. */
export function strictArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; see --help`);
  }
}

export interface PipelineOptions {
  /** host[:port]/namespace; absent: the embedded local registry. */
  registry?: string;
  key?: string;
  certificate?: string;
  certificateChain?: string;
  /** ref@sha256:… or "host"; absent: host for the embedded registry, the pinned default otherwise. */
  baseImage?: string;
  skipTests: boolean;
  json: boolean;
  help: boolean;
}

export const PIPELINE_USAGE = `usage: npm run pipeline -- [options]

Builds, tests, packages, publishes, signs and verifies the service image and its chart.
With no options: a local registry on 127.0.0.1:5000 (.out/registry) and a key pair in .out/keys.

  --registry host[:port]/namespace   publish there (credentials: REGISTRY_USERNAME and
                                     REGISTRY_PASSWORD in the environment, or your docker config)
  --key PATH                         cosign private key (its password in COSIGN_PASSWORD)
  --certificate PATH                 signing certificate (keyless-style, private CA) with
  --certificate-chain PATH           its chain; needs --key too
  --base-image REF@sha256:…          base image, by digest ("host": this machine's Node runtime)
  --skip-tests                       do not run the service's tests
  --json                             print the release summary as JSON
  -h, --help                         this text`;

const SECRET_FLAGS = /^--(password|registry-password|token|identity-token|secret)/;

export function parsePipelineArgs(argv: readonly string[]): PipelineOptions {
  const secretFlag = argv.find((a) => SECRET_FLAGS.test(a));
  if (secretFlag) {
    throw new UsageError(
      `${secretFlag.split('=')[0]} is not accepted: secrets never go on the command line; set REGISTRY_PASSWORD or COSIGN_PASSWORD in the environment`,
    );
  }
  const parsed = strictArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      registry: { type: 'string' },
      key: { type: 'string' },
      certificate: { type: 'string' },
      'certificate-chain': { type: 'string' },
      'base-image': { type: 'string' },
      'skip-tests': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const v = parsed.values;
  try {
    if (v.registry !== undefined) parseRegistryTarget(v.registry);
    if (v['base-image'] !== undefined && v['base-image'] !== 'host') parseDigestReference(v['base-image'], '--base-image');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((v.certificate || v['certificate-chain']) && !(v.certificate && v['certificate-chain'] && v.key)) {
    throw new UsageError('--certificate and --certificate-chain go together, with --key for the certificate\'s private key');
  }
  return {
    ...(v.registry !== undefined ? { registry: v.registry } : {}),
    ...(v.key !== undefined ? { key: v.key } : {}),
    ...(v.certificate !== undefined ? { certificate: v.certificate } : {}),
    ...(v['certificate-chain'] !== undefined ? { certificateChain: v['certificate-chain'] } : {}),
    ...(v['base-image'] !== undefined ? { baseImage: v['base-image'] } : {}),
    skipTests: v['skip-tests'] ?? false,
    json: v.json ?? false,
    help: v.help ?? false,
  };
}
