// `npm test`: every test tier, in order, each counted on its own line, then one closing line:
//   unit          pure logic in-process (*.unit.test.ts), before any Go tool exists
//   integration   against the real tools, registries and Sigstore services (*.test.ts)
//   netns         keyless signing in a network namespace of its own (*.netns.ts; `unshare -n`)
//   expiry        a keyless release verified after its 10-minute certificates expired (*.expiry.ts):
//                 it mostly waits, so it starts with the integration tier and runs beside the
//                 others, its output shown when it ends
// `npm run test:unit` runs the first alone (it needs only the npm packages), `npm run
// test:integration` the others. Arguments after `--` go to vitest (file filters, -t NAME).
// Before a tier runs, scripts/bootstrap.sh installs what it needs, idempotently.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

const TIERS = {
  unit: { bootstrap: 'packages', args: ['--project', 'unit'] },
  integration: { bootstrap: 'dev', args: ['--project', 'integration'] },
  netns: { bootstrap: 'dev', args: ['--config', 'vitest.netns.config.ts'], isolated: true },
  expiry: { bootstrap: 'dev', args: ['--config', 'vitest.expiry.config.ts'], background: true },
};
const GROUPS = { all: ['unit', 'expiry', 'integration', 'netns'], unit: ['unit'], integration: ['expiry', 'integration', 'netns'] };

const [group = 'all', ...rest] = process.argv.slice(2);
if (!(group in GROUPS)) {
  console.error(`test: unknown tier group "${group}"; one of: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const filters = rest[0] === '--' ? rest.slice(1) : rest;

const running = new Set();
let interrupted;
/**
 * Runs a command with this terminal, or with its output kept in `log` (a file) for a tier that runs
 * beside the others; resolves to its exit code (128+n for a signal).
 */
async function step(command, args, env = process.env, log = undefined) {
  if (interrupted) return 128 + interrupted;
  const out = log ? openSync(log, 'w') : 'inherit';
  const child = spawn(command, args, { cwd: root, stdio: log ? ['ignore', out, out] : 'inherit', env });
  running.add(child);
  const [code, signal] = await once(child, 'exit');
  running.delete(child);
  if (log) closeSync(out);
  return code ?? 128 + ({ SIGINT: 2, SIGTERM: 15 }[signal] ?? 9);
}

// Stopped (Ctrl-C, a CI timeout): the running tier gets the signal and is waited for, so nothing it
// started outlives the run; no later tier starts.
for (const [signal, n] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
])
  process.on(signal, () => {
    interrupted = n;
    for (const child of running) child.kill(signal);
  });

/** Each profile's bootstrap, run once per run, by its exit code (the full one also installs the packages). */
const bootstrapped = new Map();
async function bootstrap(profile) {
  if (bootstrapped.get('dev') === 0) return 0;
  if (!bootstrapped.has(profile))
    bootstrapped.set(profile, await step('bash', [join(root, 'scripts', 'bootstrap.sh')], { ...process.env, BOOTSTRAP_PROFILE: profile }));
  return bootstrapped.get(profile);
}

/**
 * The netns tier runs in a network namespace with only loopback: as root `unshare -n`, otherwise a
 * user namespace maps this user to root there (`unshare -rn`, where the kernel allows it).
 */
function isolated(args) {
  const asRoot = process.getuid?.() === 0;
  return ['unshare', ['--net', ...(asRoot ? [] : ['--map-root-user']), 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...args]];
}

if (group === 'all' && ((await bootstrap('packages')) !== 0 || (await step('npm', ['run', '--silent', 'typecheck'])) !== 0)) {
  console.error('test: the packages did not install or the type check failed (above); no tier ran');
  process.exit(interrupted ? 128 + interrupted : 1);
}

const reports = await mkdtemp(join(tmpdir(), 'test-tiers-'));
const counts = [];
const beside = [];
let failed;
try {
  /** Runs a tier; resolves to its counts once it has ended. */
  const runTier = async (name) => {
    const tier = TIERS[name];
    if ((await bootstrap(tier.bootstrap)) !== 0) {
      console.error(`test: ${name}: scripts/bootstrap.sh failed (above); the ${name} tier did not run`);
      return { name, passed: 0, failed: 0, skipped: 0, note: 'not run: bootstrap failed', bad: true };
    }
    const report = join(reports, `${name}.json`);
    const log = tier.background ? join(reports, `${name}.log`) : undefined;
    console.error(tier.background ? `\n== test tier: ${name} (runs beside the others; its output comes when it ends)` : `\n== test tier: ${name}`);
    const args = [
      vitest,
      'run',
      ...tier.args,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...(filters.length ? ['--passWithNoTests', ...filters] : []),
    ];
    const [command, argv] = tier.isolated ? isolated([process.execPath, ...args]) : [process.execPath, args];
    const code = await step(command, argv, process.env, log);
    if (log) console.error(`\n== test tier: ${name} (ended)\n${await readFile(log, 'utf8').catch(() => '')}`);
    const r = await readFile(report, 'utf8')
      .then((text) => JSON.parse(text))
      .catch(() => undefined);
    if (!r) {
      if (tier.isolated && code !== 0)
        console.error(
          `test: ${name}: this tier needs a network namespace: run as root, or where unprivileged user namespaces are allowed (unshare -rn), with util-linux and iproute2`,
        );
      return { name, passed: 0, failed: 0, skipped: 0, note: `not run: vitest exited ${code} with no report`, bad: true };
    }
    return {
      name,
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: r.numPendingTests + r.numTodoTests,
      bad: code !== 0 || r.numFailedTests > 0 || !r.success,
    };
  };
  for (const name of GROUPS[group]) {
    if (TIERS[name].background) {
      // Its bootstrap first, alone (two at once would share node_modules); runTier sees its result.
      await bootstrap(TIERS[name].bootstrap);
      beside.push(runTier(name));
    } else counts.push(await runTier(name));
  }
  counts.push(...(await Promise.all(beside)));
  failed = counts.some((c) => c.bad);
} finally {
  // A tier that threw: what runs beside it is stopped and waited for before its reports go.
  for (const child of running) child.kill('SIGTERM');
  await Promise.allSettled(beside);
  await rm(reports, { recursive: true, force: true });
}

const line = (c) => `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
console.log('');
for (const c of counts) console.log(`${c.name}: ${line(c)}${c.note ? ` (${c.note})` : ''}`);
const total = counts.reduce((a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed, skipped: a.skipped + c.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log(`tests: ${line(total)}`);
process.exit(interrupted ? 128 + interrupted : failed ? 1 : 0);
