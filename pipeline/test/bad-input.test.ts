// Bad input: one clear line naming the problem and the fix, a non-zero exit, nothing published.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { StepCache } from '../src/cache.js';
import type { StepContext } from '../src/context.js';
import { projectRoot } from '../src/paths.js';
import { Progress } from '../src/progress.js';
import { packageChart } from '../src/steps/package-chart.js';
import { freePort, runCli, SHARED_CACHE, tempOut, testRegistry } from './fixtures.js';
import { run } from '../src/exec.js';
import { tool } from '../src/tools.js';

const D = `sha256:${'1'.repeat(64)}`;

/** The CLI's stderr must end in exactly one "pipeline: …" line. */
function lastLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines[lines.length - 1]!;
}

describe('usage errors (exit 2, before anything runs; each case: options.unit.test.ts)', () => {
  it('one line naming the problem, exit 2, no secret echoed', async () => {
    const r = await runCli(['--password', 'hunter2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'pipeline: --password is not accepted: secrets never go on the command line; set REGISTRY_PASSWORD or COSIGN_PASSWORD in the environment',
    ]);
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage and exits 0; each command has its own', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npm run pipeline -- [COMMAND] [options]');
    const verify = await runCli(['verify', '--help']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Usage: npm run pipeline -- verify [options] [chart]');
    expect(verify.stdout).toContain('--certificate-identity-regexp <RE2>');
  });
});

describe('environment errors (exit 1)', () => {
  it('keyless verification summaries outside GitHub Actions: named before anything is verified', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' };
    const r = await runCli(['verify', `127.0.0.1:1/charts/koa-service@${D}`, '--key', 'package.json', '--attest', '--attest-keyless'], env);
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      'verify: keyless signing needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions with permissions: id-token: write)',
    );
  });

  it('keyless verification summaries for a trusted root that names a log, without its Rekor: named before anything is verified', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'root-'));
    const root = join(dir, 'trusted_root.json');
    await writeFile(
      root,
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [{ baseUrl: 'http://127.0.0.1:1' }] }),
    );
    const identity = 'https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main';
    const args = ['verify', `127.0.0.1:1/charts/koa-service@${D}`, '--certificate-identity', identity, '--certificate-oidc-issuer', 'http://127.0.0.1:1'];
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'hunter2' };
    const r = await runCli([...args, '--trusted-root', root, '--attest', '--attest-keyless', '--fulcio-url', 'http://127.0.0.1:1'], env);
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      `verify: --trusted-root ${root} names a transparency log: give its URL with --rekor-url, so that signatures are logged where verifiers look`,
    );
    expect(r.stderr + r.stdout).not.toContain('hunter2');
  });

  it('a missing tool says which and how to get it', async () => {
    const r = await runCli([], {
      PIPELINE_TOOLS_DIR: '/nonexistent/tools',
      PIPELINE_REGISTRY_PORT: String(await freePort()),
      PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')),
    });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      "pipeline: registry: missing tool: registry is not installed at /nonexistent/tools/registry; run 'npm run tools' (needs Go) to install the pinned version",
    );
  });

  it('a vulnerability-scan hook that rejects the SBOM stops the release before anything is published', async () => {
    const registry = await testRegistry('scan');
    try {
      // The hook is given the SBOM's path: this one fails exactly when that file is an SPDX document.
      const hook = `node -e "process.exit(require('fs').readFileSync(process.argv[1], 'utf8').includes('SPDX-2.3') ? 3 : 0)"`;
      const r = await runCli(['--registry', `${registry.address}/scan`, '--base-image', 'host', '--skip-tests'], {
        PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')),
        PIPELINE_CACHE_DIR: SHARED_CACHE,
        PIPELINE_SCAN_COMMAND: hook,
      });
      expect(r.code).toBe(1);
      expect(lastLine(r.stderr)).toMatch(/^pipeline: scan: PIPELINE_SCAN_COMMAND \(node -e .*\) rejected the SBOM: sh -c failed \(exit 3\)/);
      // The scan runs on the local image, before the push: the registry holds only the base it builds on.
      const repositories = (await run(tool('crane'), ['catalog', registry.address])).stdout.trim().split('\n');
      expect(repositories).toEqual(['scan/base/node-host']);
    } finally {
      await registry.stop();
    }
  });

  it('an unreachable registry fails fast, before the build', async () => {
    const port = await freePort();
    const r = await runCli(['--registry', `127.0.0.1:${port}/team`], { PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')) });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      `pipeline: registry: cannot reach the registry 127.0.0.1:${port} (ECONNREFUSED); check --registry, or start the registry first`,
    );
    expect(r.stderr).not.toContain('▶ build');
  });

  it('a bad PIPELINE_REGISTRY_PORT is named', async () => {
    const r = await runCli([], { PIPELINE_REGISTRY_PORT: 'five', PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')) });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe('pipeline: invalid PIPELINE_REGISTRY_PORT="five": must be a port number from 1 to 65535');
  });

  it('a port already taken by something else is named', async () => {
    const { createServer } = await import('node:http');
    const squatter = createServer((_req, res) => res.writeHead(200).end('{}')).listen(0, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    const port = (squatter.address() as { port: number }).port;
    try {
      const r = await runCli([], { PIPELINE_REGISTRY_PORT: String(port), PIPELINE_OUT_DIR: await mkdtemp(join(tmpdir(), 'out-')) });
      expect(r.code).toBe(1);
      expect(lastLine(r.stderr)).toBe(
        `pipeline: registry: something else already answers on 127.0.0.1:${port}; stop it or set PIPELINE_REGISTRY_PORT to a free port`,
      );
    } finally {
      squatter.close();
    }
  });
});

describe('a chart that does not lint', () => {
  it('stops packaging with the lint findings', async () => {
    const root = await mkdtemp(join(tmpdir(), 'broken-chart-'));
    await cp(join(projectRoot, 'chart'), join(root, 'chart'), { recursive: true });
    await writeFile(join(root, 'chart', 'templates', 'broken.yaml'), 'kind: {{ .Values.nope.deeper }}\n');
    const out = await tempOut('lint');
    const ctx = {
      root,
      out,
      cache: new StepCache(join(SHARED_CACHE, 'steps')),
      progress: new Progress(() => undefined),
      release: { title: 'koa-service', version: '1.0.0', revision: 'a'.repeat(40), source: 'https://github.com/o/r', created: '2026-01-01T00:00:00Z' },
      target: { registry: '127.0.0.1:1', namespace: '' },
      access: {},
      toolEnv: process.env,
      secrets: [],
    } satisfies StepContext;
    const err = await packageChart(ctx, parseDigestReference(`127.0.0.1:1/koa-service@${D}`), 0).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^the chart does not lint; fix chart\/ and rerun: helm lint failed/);
    expect(err?.message).toContain('nil pointer evaluating interface {}.deeper');
  });
});
