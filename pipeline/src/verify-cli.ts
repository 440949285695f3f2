// `npm run verify -- CHART@sha256:… (--key PUB | --certificate-identity … --certificate-oidc-issuer …)`
// Exit 0: verified; 1: a verification failed (named in one line); 2: usage error.
import { firstFailure, formatVerdict } from '../../ci/src/core/verification-report.js';
import { onCleanup } from './cleanup.js';
import { registryCredentials } from './credentials.js';
import { parseVerifyArgs, VERIFY_USAGE } from './verify-options.js';
import { verifyRelease } from './verify-release.js';

export async function verifyCommand(argv: readonly string[]): Promise<number> {
  const options = parseVerifyArgs(argv);
  if (options.help) {
    process.stdout.write(`${VERIFY_USAGE}\n`);
    return 0;
  }
  // Registry credentials as for publishing: REGISTRY_USERNAME/REGISTRY_PASSWORD, or the docker config.
  const credentials = await registryCredentials(options.chart.registry);
  const dispose = onCleanup(() => credentials.dispose());
  const verdict = await verifyRelease(options.chart, options.policy, {
    toolEnv: credentials.env,
    secrets: credentials.secrets,
    access: { plainHttp: options.plainHttp },
    render: options.render,
    deadline: Date.now() + options.timeoutSeconds * 1000,
  }).finally(dispose);
  process.stdout.write(options.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${formatVerdict(verdict)}\n`);
  const failure = firstFailure(verdict);
  if (!failure) return 0;
  process.stderr.write(`verify: ${failure}\n`);
  return 1;
}
