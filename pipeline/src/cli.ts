// `npm run pipeline -- [COMMAND] [options]`, and `node pipeline/dist/cli.mjs …` inside the Dagger
// module's toolbox container: one entry point, one command per step. Exit codes: 0 done, 1 a step
// failed, 2 usage error, 130/143 interrupted (everything the run started is stopped first).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { cleanupAll, exitCleanlyOnSignals, interruptedExitCode } from './cleanup.js';
import { parseInvocation, type Invocation } from './options.js';
import { codeOf, messageOf, PipelineError } from '@release-pipeline/core/errors.js';
import { startsSigstore } from '@release-pipeline/core/signing-mode.js';

/**
 * Reruns this command in a network namespace of its own, with only a loopback interface: the local
 * Sigstore services, the registry and the tools talk over 127.0.0.1 there, and nothing they try
 * (cosign looks for Sigstore's public TUF repository when it signs) can leave this machine.
 */
async function inOwnNetwork(argv: readonly string[]): Promise<number> {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(
    'unshare',
    ['--net', ...(asRoot ? [] : ['--map-root-user']), 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...argv],
    {
      stdio: 'inherit',
      env: { ...process.env, PIPELINE_NETNS: '1' },
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code === null && signal) return signal === 'SIGINT' ? 130 : 143;
  if (code === 1 && !existsSync('/usr/bin/unshare') && !existsSync('/bin/unshare')) {
    throw new PipelineError('environment', '--sigstore local needs unshare and ip (util-linux, iproute2) to give the run its own network');
  }
  return code ?? 1;
}

async function main(inv: Invocation): Promise<number> {
  // Each command's modules load when it runs: verify starts without what a build needs.
  switch (inv.command) {
    case 'help':
      process.stdout.write(inv.text);
      return 0;
    case 'verify':
      return (await import('./verify-cli.js')).verifyCommand(inv.options);
    case 'reproduce':
      return (await import('./reproduce.js')).reproduceCommand(inv.options);
    case 'registry':
      return (await import('./registry-cli.js')).serveRegistry();
    default:
      return (await import('./step-commands.js')).runStepCommand(inv);
  }
}

/** Whether the run signs through the local Sigstore, which needs a network of its own. */
const startsLocalSigstore = (inv: Invocation): boolean => 'options' in inv && 'signing' in inv.options && startsSigstore(inv.options.signing);

// Errors are named after the command people typed: `npm run verify` reports as verify.
const label = process.argv[2] === 'verify' || process.argv[2] === 'reproduce' ? process.argv[2] : 'pipeline';
exitCleanlyOnSignals(label);
let code: number;
try {
  const invocation = parseInvocation(process.argv.slice(2));
  if (startsLocalSigstore(invocation) && process.env.PIPELINE_NETNS !== '1') {
    code = await inOwnNetwork(process.argv.slice(1));
  } else code = await main(invocation);
} catch (err) {
  if (interruptedExitCode() === undefined) process.stderr.write(`${label}: ${messageOf(err)}\n`);
  // Exit 2 only for the command line itself; anything found while running is a failure (1).
  code = codeOf(err) === 'usage' ? 2 : 1;
}
await cleanupAll();
process.exit(interruptedExitCode() ?? code);
