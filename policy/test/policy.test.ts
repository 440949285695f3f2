// Cluster policies admit only images signed by this repository's release workflow, by digest.
// The Kyverno policy is validated offline against Kyverno's CRD schemas (policy/validate_kyverno.py).
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubWorkflowIdentity, GITHUB_ACTIONS_ISSUER } from '../../ci/src/core/cosign-args.js';
import { run } from '../../pipeline/src/exec.js';
import { projectRoot } from '../../pipeline/src/paths.js';

const policyDir = fileURLToPath(new URL('..', import.meta.url));
const kyverno = join(policyDir, 'kyverno', 'verify-images.yaml');
const cip = join(policyDir, 'policy-controller', 'cluster-image-policy.yaml');
const RELEASE_IDENTITY = githubWorkflowIdentity('OWNER/REPO', '.github/workflows/release.yaml', 'refs/heads/main');
const python = process.env.PIPELINE_VENV ? join(process.env.PIPELINE_VENV, 'bin', 'python') : join(projectRoot, '.tools', 'venv', 'bin', 'python');

const validate = (...files: string[]) => run(python, [join(policyDir, 'validate_kyverno.py'), ...files]);

describe('Kyverno ClusterPolicy', () => {
  it('is valid against the Kyverno CRD schema', async () => {
    const { stdout } = await validate(kyverno);
    expect(stdout.trim()).toBe(`${kyverno}: valid ClusterPolicy koa-service-signed-release`);
  });

  it('the validator rejects unknown fields and wrong types', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-'));
    const text = await readFile(kyverno, 'utf8');
    const typo = join(dir, 'typo.yaml');
    await writeFile(typo, text.replace('verifyDigest: true', 'verifyDigets: true'));
    await expect(validate(typo)).rejects.toThrow(/does not define: \/spec\/rules\/0\/verifyImages\/0\/verifyDigets/);
    const wrongType = join(dir, 'type.yaml');
    await writeFile(wrongType, text.replace('count: 1', 'count: several'));
    await expect(validate(wrongType)).rejects.toThrow(/attestors\.0\.count/);
  });

  it('enforces digests and the release workflow identity and issuer', async () => {
    const p = parse(await readFile(kyverno, 'utf8')) as any;
    expect(p.spec.validationFailureAction).toBe('Enforce');
    const vi = p.spec.rules[0].verifyImages[0];
    expect(vi).toMatchObject({ verifyDigest: true, required: true, mutateDigest: false });
    expect(vi.attestors[0].entries[0].keyless).toMatchObject({ subject: RELEASE_IDENTITY, issuer: GITHUB_ACTIONS_ISSUER });
    expect(existsSync(join(projectRoot, '.github', 'workflows', 'release.yaml'))).toBe(true);
  });
});

describe('policy-controller ClusterImagePolicy', () => {
  it('names the same identity and issuer, in enforce mode', async () => {
    const p = parse(await readFile(cip, 'utf8')) as any;
    expect(p.apiVersion).toBe('policy.sigstore.dev/v1beta1');
    expect(p.kind).toBe('ClusterImagePolicy');
    expect(p.spec.mode).toBe('enforce');
    expect(p.spec.images).toEqual([{ glob: 'ghcr.io/owner/koa-service**' }]);
    expect(p.spec.authorities[0].keyless.identities).toEqual([{ issuer: GITHUB_ACTIONS_ISSUER, subject: RELEASE_IDENTITY }]);
  });
});
