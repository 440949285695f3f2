// A keyless release still verifies after every certificate it was signed with has expired: what a
// user checks tomorrow of a release made today. Fulcio's certificates live 10 minutes (fixed in
// Fulcio); the signatures and attestations were logged in the transparency log, and cosign checks a
// certificate at the time its log entry proves. The release is `npm run pipeline -- --sigstore
// local` as a user runs it; the checks are the commands it printed, run as printed once the last
// certificate has expired, with the stock cosign v3 and v2, and `npm run verify` as printed.
import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { run } from '../src/exec.js';
import type { LocalRegistry } from '../src/registry/local-registry.js';
import { tool } from '../src/tools.js';
import { localKeylessRelease, pathWithCosign, runCli } from './fixtures.js';

let summary: ReleaseSummary;
let served: LocalRegistry;

/** The signing certificates on an artifact's `.sig` and `.att` manifests. */
async function certificatesOf(ref: string): Promise<X509Certificate[]> {
  const { registry, repository, digest } = parseDigestReference(ref);
  const found: X509Certificate[] = [];
  for (const suffix of ['sig', 'att']) {
    const tag = `${registry}/${repository}:${digest.replace(':', '-')}.${suffix}`;
    const manifest = JSON.parse((await run(tool('crane'), ['manifest', tag])).stdout) as { layers: Array<{ annotations?: Record<string, string> }> };
    for (const layer of manifest.layers) {
      const pem = layer.annotations?.['dev.sigstore.cosign/certificate'];
      if (pem) found.push(new X509Certificate(pem));
    }
  }
  return found;
}

beforeAll(async () => {
  ({ summary, served } = await localKeylessRelease('keyless-expiry'));
}, 300_000);

afterAll(async () => served?.stop());

describe('a keyless release, once its certificates have expired', () => {
  it('verifies with the printed commands (cosign v3 and v2) and npm run verify, with no --insecure flag', async () => {
    const printed = (v: Omit<ReleaseSummary['verify'], 'release'>) => [v.image, v.chart, v.provenance!.image, v.provenance!.chart, v.sbom!];
    const commands = { cosign: printed(summary.verify), 'cosign-v2': printed(summary.verify.cosignV2!) };
    for (const command of [...commands.cosign, ...commands['cosign-v2'], summary.verify.release]) expect(command).not.toContain('--insecure');

    const certificates = [...(await certificatesOf(summary.image.ref)), ...(await certificatesOf(summary.chart.ref))];
    expect(certificates.length).toBeGreaterThanOrEqual(4);
    const lastExpiry = Math.max(...certificates.map((c) => new Date(c.validTo).getTime()));
    // Fulcio's 10 minutes, then a little more: X.509 times are whole seconds.
    await sleep(Math.max(0, lastExpiry + 2_000 - Date.now()));
    for (const c of certificates) expect(new Date(c.validTo).getTime()).toBeLessThan(Date.now());

    for (const binary of ['cosign', 'cosign-v2'] as const) {
      const env = { ...process.env, PATH: await pathWithCosign(binary) };
      for (const command of commands[binary]) {
        const r = await run('sh', ['-c', command], { env }).catch((err: Error) => err);
        expect(r instanceof Error ? `${binary}: ${command}\n${r.message}` : 'verified').toBe('verified');
      }
    }
    const r = await runCli(summary.verify.release.replace(/^npm run verify -- /, 'verify ').split(' '));
    expect(r.code, r.stderr).toBe(0);
  });
});
