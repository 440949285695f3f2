// The GitHub Actions wrappers: thin, pinned, and in step with the Dagger version the module is built
// for (workflows.test.ts lints them with the real actionlint).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflows = ['ci.yaml', 'release.yaml'].map((f) => join(root, '.github', 'workflows', f));
const read = (p: string) => readFileSync(p, 'utf8');

type Step = { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> };
type Workflow = { permissions?: Record<string, string>; jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }> };

/** The one job that is not the module: the README's test command, as root (netns tier, chroot). */
const SUITES_RUN = 'sudo env "PATH=$PATH" "HOME=$HOME" npm test';

describe('workflows', () => {
  it('pin every action by full commit SHA, with its version beside it', () => {
    for (const file of workflows) {
      const uses = [...read(file).matchAll(/uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        expect(ref, file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(rest, file).toMatch(/#\s*v\d+\.\d+\.\d+/);
      }
    }
  });

  it("only call the module, or the README's test command (no build logic in YAML)", () => {
    for (const file of workflows) {
      const wf = parse(read(file)) as Workflow;
      for (const [name, job] of Object.entries(wf.jobs)) {
        if (name === 'suites') {
          expect(job.steps.filter((s) => s.run).map((s) => s.run!.trim())).toEqual([SUITES_RUN]);
          continue;
        }
        const dagger = job.steps.filter((s) => s.uses?.startsWith('dagger/dagger-for-github@'));
        expect(dagger, file).toHaveLength(1);
        for (const s of job.steps.filter((x) => x.run)) expect(s.run, file).not.toMatch(/(^|[;&|]\s*)(npm|npx|helm|cosign|crane|docker)\s/m);
      }
    }
  });

  it('release: least privilege, keyless signing identity is the workflow itself, secrets by env://', () => {
    const wf = parse(read(workflows[1]!)) as Workflow;
    expect(wf.permissions).toEqual({ contents: 'read' });
    const job = wf.jobs.release!;
    expect(job.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    const call = job.steps.find((s) => s.uses?.startsWith('dagger/dagger-for-github@'))!;
    const args = call.with!.args!;
    // The commit, the login and the keyless signer chained in, then the release itself.
    const chain = args.split(' ').filter((w) => /^[a-z][a-z-]+$/.test(w) && !w.startsWith('-'));
    expect(chain).toEqual(['with-commit', 'with-registry-auth', 'with-keyless', 'release', 'json']);
    expect(args).toContain('--password env://REGISTRY_PASSWORD');
    expect(args).toContain('--oidc-request-token env://ACTIONS_ID_TOKEN_REQUEST_TOKEN');
    expect(args).toContain('--certificate-identity "${GITHUB_SERVER_URL}/${{ github.workflow_ref }}"');
    expect(args).toContain('--certificate-oidc-issuer https://token.actions.githubusercontent.com');
    expect(args).not.toMatch(/secrets\./);
  });

  it('release: then verifies the release from its chart and signs verification summaries keylessly, as the same workflow', () => {
    const wf = parse(read(workflows[1]!)) as Workflow & { jobs: Record<string, { needs?: string; outputs?: Record<string, string> }> };
    expect(wf.jobs.release!.outputs).toEqual({
      chart: "${{ steps.release.outputs.output && fromJSON(steps.release.outputs.output).chart.ref || '' }}",
    });
    const job = wf.jobs['verification-summary']!;
    expect(job.needs).toBe('release');
    expect(job.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    const step = job.steps.find((s) => s.uses?.startsWith('dagger/dagger-for-github@'))!;
    // The chart through the environment, never pasted into the action's shell script.
    expect(step.env).toEqual({ REGISTRY_PASSWORD: '${{ secrets.GITHUB_TOKEN }}', CHART: '${{ needs.release.outputs.chart }}' });
    const args = step.with!.args!;
    const chain = args.split(' ').filter((w) => /^[a-z][a-z-]+$/.test(w) && !w.startsWith('-'));
    expect(chain).toEqual(['with-registry-auth', 'with-keyless', 'verify']);
    expect(args).not.toContain('${{ needs.');
    // The signer chained in (who signs the summaries), then what verify requires of the release.
    const [signer, verify] = args.split(' verify ') as [string, string];
    const identity = '--certificate-identity "${GITHUB_SERVER_URL}/${{ github.workflow_ref }}"';
    for (const flag of ['--password env://REGISTRY_PASSWORD', '--oidc-request-token env://ACTIONS_ID_TOKEN_REQUEST_TOKEN', identity])
      expect(signer).toContain(flag);
    expect(signer).toContain('--certificate-oidc-issuer https://token.actions.githubusercontent.com');
    expect(verify.split(/ (?=--)/)).toEqual(['--chart "${CHART}"', identity, '--attest']);
    expect(args).not.toMatch(/secrets\./);
  });

  it("release: passes the commit's facts only; the module computes the version and times from them", () => {
    const wf = parse(read(workflows[1]!)) as Workflow;
    const job = wf.jobs.release!;
    const args = job.steps.find((s) => s.uses?.startsWith('dagger/dagger-for-github@'))!.with!.args!;
    for (const flag of ['--revision "${GITHUB_SHA}"', '--commit-time', '--commit-count', '--git-tag']) expect(args).toContain(flag);
    expect(args).not.toMatch(/--version|--created/);
    for (const s of job.steps.filter((x) => x.run)) expect(s.run).not.toMatch(/version=|jq -r \.version <<<"\$SUMMARY"\)-|%cI/);
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({ 'fetch-depth': 0 });
  });

  it("ci: runs the module's test and end-to-end functions, with no secrets", () => {
    const wf = parse(read(workflows[0]!)) as Workflow;
    const calls = Object.values(wf.jobs).flatMap((j) =>
      j.steps.filter((s) => s.uses?.startsWith('dagger/dagger-for-github@')).map((s) => s.with!.args!.split(' ')[0]),
    );
    expect(calls.sort()).toEqual(['end-to-end', 'test']);
    expect(read(workflows[0]!)).not.toMatch(/secrets\.|id-token/);
  });

  it("ci: runs the README's test command with Go's caches and the tools kept by tools.lock", () => {
    const suites = (parse(read(workflows[0]!)) as Workflow).jobs.suites!;
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/^npm test +#/m);
    const cache = suites.steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    expect(cache.with).toMatchObject({ path: '~/.cache/release-pipeline', key: expect.stringContaining("hashFiles('tools.lock')") });
    const node = suites.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with).toEqual({ 'node-version-file': '.node-version' });
  });

  it('use the Dagger version the module is pinned to', () => {
    const engine = (JSON.parse(read(join(root, 'dagger.json'))) as { engineVersion: string }).engineVersion;
    const sdk = (JSON.parse(read(join(root, 'ci', 'package.json'))) as { devDependencies: Record<string, string> }).devDependencies['@dagger.io/dagger'];
    expect(engine).toBe(`v${sdk}`);
    for (const file of workflows) {
      const versions = [...read(file).matchAll(/version:\s*"([^"]+)"/g)].map((m) => m[1]);
      expect(versions.length, file).toBeGreaterThan(0);
      expect(new Set(versions), file).toEqual(new Set([sdk]));
    }
  });
});
