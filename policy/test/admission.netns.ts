// Admission by the engines themselves: the shipped policies, evaluated by the sigstore
// policy-controller's own code (its `tester`, built from its module, pinned in tools.lock) and by
// the Kyverno CLI (`kyverno apply`), against a keyless release made through the local Sigstore
// (Fulcio with a CT log, Rekor), with only the URLs, the repository and the trust material
// substituted. Each admits the released image and denies: an unsigned image, another workflow's
// identity, a pre-release tag's identity, an image without provenance, another repository's.
// Runs in a network namespace of its own (the netns tier): both engines would otherwise reach for
// Sigstore's public services where the policy names them.
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignAttestArgs, cosignSignArgs, PredicateType, type Policy, type Signer } from '@release-pipeline/core/cosign-args.js';
import { formatDigestReference, parseDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { releaseIdentity, RELEASE_WORKFLOW } from '@release-pipeline/core/trust-rule.js';
import { verifiedStatements } from '@release-pipeline/pipeline/clients/cosign.js';
import { CommandError, run } from '@release-pipeline/pipeline/exec.js';
import { gitFacts } from '@release-pipeline/pipeline/git.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';
import { startLocalSigstore, type LocalSigstore } from '@release-pipeline/pipeline/sigstore/local-stack.js';
import type { WorkflowRun } from '@release-pipeline/pipeline/sigstore/oidc-issuer.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { venvDir } from '@release-pipeline/pipeline/locations.mjs';
import { hostBaseIn, runCli, SHARED_CACHE, testRegistry } from '@release-pipeline/pipeline/test/fixtures.js';

const REPOSITORY = 'acme/koa-service';
const policyDir = join(projectRoot, 'policy');

let registry: Awaited<ReturnType<typeof testRegistry>>;
let stack: LocalSigstore;
let summary: ReleaseSummary;
let dir: string;
let revision: string;
/** Each case's image, by name. */
const images = new Map<string, string>();

const releaseRun = (): WorkflowRun => ({ repository: REPOSITORY, workflowPath: RELEASE_WORKFLOW, ref: 'refs/heads/main', sha: revision });

/** Signs (and attests, with the release's provenance) a copy of the released image as `as`, keylessly through the same Fulcio. */
async function copySignedAs(name: string, as: WorkflowRun | undefined, provenance: boolean): Promise<string> {
  const released = parseDigestReference(summary.image.ref);
  const target = `${registry.address}/${name}/koa-service@${released.digest}`;
  await run(tool('crane'), ['copy', '--insecure', summary.image.ref, target]);
  if (as) {
    const ref = parseDigestReference(target);
    const env = { ...process.env, ...stack.env, ACTIONS_ID_TOKEN_REQUEST_URL: stack.requestUrlFor(as) };
    const signer: Signer = { kind: 'keyless', fulcioUrl: stack.fulcioUrl, rekorUrl: stack.rekorUrl, timestampUrl: stack.timestampUrl };
    await run(tool('cosign'), cosignSignArgs(ref, signer), { env });
    if (provenance) await attestReleaseProvenance(ref, signer, env);
  }
  return target;
}

async function attestReleaseProvenance(ref: DigestReference, signer: Signer, env: NodeJS.ProcessEnv): Promise<void> {
  const released: Policy = {
    kind: 'identity',
    identity: { exact: releaseIdentity(REPOSITORY, 'main-branch-build') },
    issuer: stack.issuer,
    trustedRootPath: stack.trustedRoot,
  };
  const [statement] = await verifiedStatements(
    { toolEnv: process.env, secrets: [], access: {} },
    released,
    parseDigestReference(summary.image.ref),
    PredicateType.provenance,
  );
  const file = join(dir, `provenance-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(statement!.predicate));
  await run(tool('cosign'), cosignAttestArgs(ref, signer, file, PredicateType.provenance), { env });
}

beforeAll(async () => {
  registry = await testRegistry('admission');
  dir = await mkdtemp(join(tmpdir(), 'admission-'));
  const facts = await gitFacts(projectRoot);
  revision = facts.revision;
  const env = { PIPELINE_OUT_DIR: join(dir, 'out'), PIPELINE_CACHE_DIR: SHARED_CACHE };
  const base = await hostBaseIn(registry.address, env);
  stack = await startLocalSigstore(join(dir, 'sigstore'), releaseRun());
  const r = await runCli(
    [
      'release', '--registry', `${registry.address}/acme`, '--skip-tests', '--base-image', base, '--json',
      '--keyless', '--certificate-identity', releaseIdentity(REPOSITORY, 'main-branch-build'), '--certificate-oidc-issuer', stack.issuer,
      '--trusted-root', stack.trustedRoot, '--fulcio-url', stack.fulcioUrl, '--rekor-url', stack.rekorUrl, '--timestamp-url', stack.timestampUrl,
      '--revision', facts.revision, '--commit-time', String(facts.commitTime), '--commit-count', String(facts.commitCount),
      '--source-url', `https://github.com/${REPOSITORY}`,
    ],
    { ...env, ...(stack.env as Record<string, string>) },
  ); // prettier-ignore
  expect(r.code, r.stderr).toBe(0);
  summary = JSON.parse(r.stdout) as ReleaseSummary;
  images.set('the released image', summary.image.ref);
  images.set('the release identity, signed and attested again (the signing here works)', await copySignedAs('again', releaseRun(), true));
  images.set('an unsigned image', await copySignedAs('unsigned', undefined, false));
  images.set("another workflow's identity", await copySignedAs('other-workflow', { ...releaseRun(), workflowPath: '.github/workflows/other.yaml' }, true));
  images.set("a pre-release tag's identity", await copySignedAs('pre-release', { ...releaseRun(), ref: 'refs/tags/v1.2.3-rc.1' }, true));
  images.set('an image without provenance', await copySignedAs('no-provenance', releaseRun(), false));
  images.set("another repository's identity", await copySignedAs('other-repository', { ...releaseRun(), repository: 'other/koa-service' }, true));
  images.set(
    'the release identity in a run another event started',
    await copySignedAs('other-event', { ...releaseRun(), eventName: 'workflow_dispatch' }, true),
  );
}, 600_000);

afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    await registry?.stop();
  }
});

/** Each case and what each engine must say: admitted, or denied for the reason given (a pattern of its message). */
const CASES: Array<[name: string, policyController: Expected, kyvernoClusterPolicy: Expected, kyvernoImageValidatingPolicy: Expected]> = [
  ['the released image', 'admitted', 'admitted', 'admitted'],
  ['the release identity, signed and attested again (the signing here works)', 'admitted', 'admitted', 'admitted'],
  ['an unsigned image', /no matching attestations/, /no signatures found/, /not signed by the release workflow/],
  ["another workflow's identity", /none of the expected identities matched/, /subject mismatch/, /not signed by the release workflow/],
  ["a pre-release tag's identity", /none of the expected identities matched/, /subject mismatch/, /not signed by the release workflow/],
  ['an image without provenance', /no matching attestations/, /no matching attestations/, /no SLSA provenance/],
  ["another repository's identity", /none of the expected identities matched/, /subject mismatch/, /not signed by the release workflow/],
  // The certificate's run extensions: the ClusterPolicy checks them (additionalExtensions); the
  // ClusterImagePolicy has no field for them and the ImageValidatingPolicy's attestor does not
  // read them: both admit (policy/README.md says so).
  ['the release identity in a run another event started', 'admitted', /githubWorkflowTrigger|extension/i, 'admitted'],
];
type Expected = 'admitted' | RegExp;

const expectAdmission = (said: string, expected: 'admitted' | RegExp) =>
  expected === 'admitted' ? expect(said).toBe('admitted') : (expect(said).toMatch(/^denied: /), expect(said).toMatch(expected));

/** The shipped file with this repository, and the local Sigstore's URLs and issuer for the public ones. */
async function localized(file: string, extra: (text: string) => string = (t) => t): Promise<string> {
  const text = (await readFile(join(policyDir, file), 'utf8'))
    .replaceAll('OWNER/REPO', REPOSITORY)
    .replaceAll('https://token.actions.githubusercontent.com', stack.issuer);
  const out = join(dir, file.replaceAll('/', '-'));
  await writeFile(out, extra(text));
  return out;
}

const base64Of = async (path: string) => Buffer.from(await readFile(path)).toString('base64');

/** A static HTTP server of a directory on 127.0.0.1 (the TUF repository). */
async function serveDirectory(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    // Inside root only: the normalized absolute path is joined to it.
    const path = join(root, normalize(new URL(req.url ?? '/', 'http://x').pathname));
    readFile(path).then(
      (body) => res.writeHead(200).end(body),
      () => res.writeHead(404).end(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the sigstore policy-controller (its tester) with the shipped ClusterImagePolicy', () => {
  let policy: string;
  let trustRoot: string;

  beforeAll(async () => {
    // The trust material as a TrustRoot resource (spec.sigstoreKeys: base64 of each PEM), named by
    // the policy's trustRootRef; the public URLs replaced by the local ones.
    const m = stack.material;
    trustRoot = join(dir, 'trust-root.yaml');
    await writeFile(
      trustRoot,
      [
        'apiVersion: policy.sigstore.dev/v1alpha1',
        'kind: TrustRoot',
        'metadata: {name: local-sigstore}',
        'spec:',
        '  sigstoreKeys:',
        `    certificateAuthorities: [{subject: {organization: local, commonName: fulcio}, uri: "${stack.fulcioUrl}", certChain: ${await base64Of(m.fulcioChain)}}]`,
        `    tLogs: [{baseURL: "${stack.rekorUrl}", hashAlgorithm: sha-256, publicKey: ${await base64Of(m.rekorPublicKey)}}]`,
        `    ctLogs: [{baseURL: "http://127.0.0.1", hashAlgorithm: sha-256, publicKey: ${await base64Of(m.ctLogPublicKey)}}]`,
        `    timestampAuthorities: [{subject: {organization: local, commonName: tsa}, uri: "${stack.timestampUrl}", certChain: ${await base64Of(m.timestampChain)}}]`,
        '',
      ].join('\n'),
    );
    policy = await localized('policy-controller/cluster-image-policy.yaml', (t) =>
      t
        .replace('url: https://fulcio.sigstore.dev', `url: ${stack.fulcioUrl}\n        trustRootRef: local-sigstore`)
        .replace('url: https://rekor.sigstore.dev', `url: ${stack.rekorUrl}\n        trustRootRef: local-sigstore`),
    );
  });

  /** 'admitted', or 'denied: …' with the engine's reasons; anything else (a broken input) throws. */
  const admission = (image: string) =>
    run(tool('policy-tester'), ['-policy', policy, '-trustroot', trustRoot, '-image', image]).then(
      () => 'admitted',
      (err: CommandError) => {
        const denial = err.output.split('\n').find((l) => l.startsWith('{"errors":'));
        if (!denial) throw err;
        return `denied: ${denial}`;
      },
    );

  for (const [name, expected] of CASES.map(([n, pc]) => [n, pc] as const))
    it(`${expected === 'admitted' ? 'admits' : 'denies'} ${name}`, async () => expectAdmission(await admission(images.get(name)!), expected));
});

/** A Pod running `image` in a namespace the policies apply to (the label comes from the values file). */
async function podRunning(image: string): Promise<string> {
  const pod = join(dir, `pod-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(pod, `apiVersion: v1\nkind: Pod\nmetadata: {name: koa, namespace: default}\nspec:\n  containers:\n    - name: koa\n      image: ${image}\n`);
  return pod;
}

/** `kyverno apply`: 'admitted' (exit 0, every rule passed), 'denied: …' (a rule failed, none errored), or 'unclear: …' (an error: it could not check). */
async function kyvernoApply(policy: string, values: string, image: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return run(tool('kyverno'), ['apply', policy, '--resource', await podRunning(image), '--values-file', values, '--registry', '--remove-color'], { env }).then(
    (r) => (/pass: [1-9]\d*, fail: 0, warn: 0, error: 0/.test(r.stdout) ? 'admitted' : `unclear: ${r.stdout}`),
    (err: CommandError) => (/pass: \d+, fail: [1-9]\d*, warn: 0, error: 0/.test(err.output) ? `denied: ${err.output}` : `unclear: ${err.output}`),
  );
}

/** Kyverno's values file: the namespace the Pods run in carries the label the policies select. */
async function kyvernoValues(): Promise<string> {
  const values = join(dir, 'kyverno-values.yaml');
  await writeFile(
    values,
    'apiVersion: cli.kyverno.io/v1alpha1\nkind: Value\nmetadata: {name: values}\nnamespaceSelector:\n  - name: default\n    labels: {policy.sigstore.dev/include: "true"}\n',
  );
  return values;
}

describe('the Kyverno CLI with the shipped ClusterPolicy', () => {
  let policy: string;
  let values: string;

  beforeAll(async () => {
    const m = stack.material;
    const indent = (text: string, by: string) => text.trim().split('\n').join(`\n${by}`);
    // The trust material where the policy names the public services: Fulcio's roots, Rekor's URL and
    // key, the CT log's key.
    const [roots, rekorKey, ctKey] = [
      await readFile(m.fulcioChain, 'utf8'),
      await readFile(m.rekorPublicKey, 'utf8'),
      await readFile(m.ctLogPublicKey, 'utf8'),
    ];
    policy = await localized('kyverno/verify-images.yaml', (t) =>
      t.replace(/^(\s+)rekor:\n\s+url: https:\/\/rekor\.sigstore\.dev\n/gm, (_all, pad: string) =>
        [
          `${pad}roots: |`,
          `${pad}  ${indent(roots, `${pad}  `)}`,
          `${pad}rekor:`,
          `${pad}  url: ${stack.rekorUrl}`,
          `${pad}  pubkey: |`,
          `${pad}    ${indent(rekorKey, `${pad}    `)}`,
          `${pad}ctlog:`,
          `${pad}  pubkey: |`,
          `${pad}    ${indent(ctKey, `${pad}    `)}`,
          '',
        ].join('\n'),
      ),
    );
    values = await kyvernoValues();
  });

  const admission = (image: string) => kyvernoApply(policy, values, image);

  for (const [name, , expected] of CASES)
    it(`${expected === 'admitted' ? 'admits' : 'denies'} ${name}`, async () => expectAdmission(await admission(images.get(name)!), expected));
});

describe('the Kyverno CLI with the shipped ImageValidatingPolicy', () => {
  let policy: string;
  let values: string;
  let env: NodeJS.ProcessEnv;
  let tuf: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    // Its keyless attestor always starts a TUF client: the trusted root is served from a TUF
    // repository of the test's own on loopback (python-tuf, policy/test/tuf_repository.py), and
    // named inline as well.
    const repo = join(dir, 'tuf');
    const rootJson = (await run(join(venvDir(), 'bin', 'python'), [join(policyDir, 'test', 'tuf_repository.py'), repo, stack.trustedRoot])).stdout.trim();
    tuf = await serveDirectory(repo);
    const [trustedRoot, tufRoot] = [await readFile(stack.trustedRoot, 'utf8'), await base64Of(rootJson)];
    policy = await localized('kyverno/image-validating-policy.yaml', (t) =>
      t.replace(
        /^(\s+)keyless:\n/m,
        (all, pad: string) =>
          `${pad}trustedRoot:\n${pad}  value: '${trustedRoot.replace(/\s*\n\s*/g, ' ')}'\n${pad}tuf:\n${pad}  mirror: ${tuf.url}\n${pad}  root:\n${pad}    data: ${tufRoot}\n${all}`,
      ),
    );
    values = await kyvernoValues();
    // The TUF clients keep their caches under HOME: one of the test's own.
    env = { ...process.env, HOME: await mkdtemp(join(tmpdir(), 'kyverno-home-')) };
  });

  afterAll(async () => tuf?.close());

  for (const [name, , , expected] of CASES)
    it(`${expected === 'admitted' ? 'admits' : 'denies'} ${name}`, async () =>
      expectAdmission(await kyvernoApply(policy, values, images.get(name)!, env), expected));
});

it('the cases are the images released and copied here, by digest', () => {
  for (const ref of images.values()) expect(formatDigestReference(parseDigestReference(ref))).toBe(ref);
});
