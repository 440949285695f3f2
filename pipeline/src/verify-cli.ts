// `npm run verify -- CHART@sha256:… (--key PUB | --certificate-identity … --certificate-oidc-issuer …)`
import { firstFailure, formatVerdict } from '../../ci/src/core/verification-report.js';
import { UsageError } from './options.js';
import { parseVerifyArgs, VERIFY_USAGE } from './verify-options.js';
import { verifyRelease } from './verify-release.js';

try {
  const options = parseVerifyArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${VERIFY_USAGE}\n`);
    process.exit(0);
  }
  const verdict = await verifyRelease(options.chart, options.policy, { toolEnv: process.env, secrets: [] });
  process.stdout.write(options.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${formatVerdict(verdict)}\n`);
  const failure = firstFailure(verdict);
  if (failure) {
    process.stderr.write(`verify: ${failure}\n`);
    process.exit(1);
  }
} catch (err) {
  process.stderr.write(`verify: ${(err as Error).message}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
}
