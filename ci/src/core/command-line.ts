// The pipeline's command line, declared once: every command, its operands, its flags and their
// help. The CLI builds its parser and help from this (pipeline/src/command-line.ts, commander), the
// README's command table is generated from it (a test holds the README to it), and the argument
// lists the Dagger module passes to the CLI are written with these flag names (./step-args.ts).
// Pure data.

export interface FlagSpec {
  /** The value's placeholder in help ("PATH"); absent: a switch. */
  readonly value?: string;
  readonly short?: string;
  /** May be given more than once; the values are kept in order. */
  readonly repeatable?: true;
  readonly help: string;
}

export const FLAGS = {
  registry: { value: 'REGISTRY/NAMESPACE', help: 'publish there, REGISTRY being host or host:port (default: the embedded registry on 127.0.0.1:5000)' },
  'plain-http': { help: 'reach the registry over plain HTTP (loopback registries always are)' },
  key: { value: 'PATH', help: 'cosign private key (its password in COSIGN_PASSWORD)' },
  certificate: { value: 'PATH', help: 'signing certificate from a private CA (keyless-style), with --certificate-chain and --key' },
  'certificate-chain': { value: 'PATH', help: "that certificate's chain" },
  keyless: { help: "sign keylessly with GitHub Actions' OIDC token (ACTIONS_ID_TOKEN_REQUEST_*)" },
  'certificate-identity': { value: 'ID', help: 'with --keyless: the identity the certificate must name' },
  'certificate-oidc-issuer': { value: 'URL', help: 'with --keyless: the OIDC issuer of that identity' },
  'trusted-root': { value: 'PATH', help: 'with --keyless: the trusted root of a Sigstore of your own' },
  'fulcio-url': { value: 'URL', help: 'with --trusted-root: its Fulcio' },
  'rekor-url': { value: 'URL', help: 'with --trusted-root: its transparency log (Rekor), where signatures and attestations are logged' },
  'timestamp-url': { value: 'URL', help: 'with --keyless: an RFC 3161 timestamp authority (signatures verify after the certificate expires)' },
  sigstore: { value: 'local', help: 'sign keylessly through Sigstore services started for the run, offline' },
  'base-image': { value: 'REF@sha256:…', help: 'base image by digest, or "host" for this machine\'s Node runtime' },
  revision: { value: 'SHA', help: "the commit's full hash, where there is no .git (with --commit-time, --commit-count)" },
  'commit-time': { value: 'SECONDS', help: 'the commit time, seconds since the epoch' },
  'commit-count': { value: 'N', help: 'the number of commits reachable from it (git rev-list --count)' },
  'git-tag': { value: 'vX.Y.Z', help: 'a release tag on that commit, which sets the version' },
  'source-url': { value: 'URL', help: 'the source repository (default: the origin remote)' },
  'skip-tests': { help: "do not run the service's tests" },
  image: { value: 'REPO@sha256:…', help: 'the image the chart deploys' },
  output: { value: 'PATH', help: 'keep a copy there' },
  'certificate-identity-regexp': { value: 'RE2', help: 'an anchored RE2 pattern the certificate identity must match' },
  'ca-roots': { value: 'PATH', help: 'a private CA: its root certificates' },
  'allow-loose-identity': { help: 'accept a --certificate-identity-regexp that is unanchored or catch-all' },
  'certificate-github-workflow-repository': { value: 'OWNER/REPO', help: 'the repository the workflow run must record' },
  'certificate-github-workflow-trigger': { value: 'EVENT', help: 'the event that must have started it (a release: push)' },
  values: { value: 'FILE', short: 'f', repeatable: true, help: 'a values file you will install with' },
  set: { value: 'K=V', repeatable: true, help: 'a value you will install with' },
  'set-string': { value: 'K=V', repeatable: true, help: 'a string value you will install with' },
  'release-name': { value: 'NAME', help: 'the release name you will install as (default: release)' },
  namespace: { value: 'NS', help: 'the namespace you will install into (default: default)' },
  'kube-version': { value: 'X.Y.Z', help: "your cluster's Kubernetes version (default: every supported minor the chart allows)" },
  'api-versions': { value: 'GROUP/VERSION', repeatable: true, help: 'an API your cluster serves beyond the built-in ones' },
  timeout: { value: 'SECONDS', help: 'limit for the whole command' },
  'allow-dirty': { help: 'accept provenance that says the build had uncommitted changes' },
  attest: { help: 'sign a SLSA verification summary onto the chart and each image' },
  'attest-key': { value: 'PATH', help: 'with --attest: the cosign private key (default: the embedded key)' },
  'attest-keyless': {
    help: "with --attest: sign keylessly with GitHub Actions' OIDC token (ACTIONS_ID_TOKEN_REQUEST_*), through public-good Sigstore or --fulcio-url and --rekor-url",
  },
  json: { help: 'print the result as JSON' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

/** A flag as one command takes it: its own help where the shared one does not fit. */
export type CommandFlag = FlagName | readonly [FlagName, string];

/** A command's positional operands: their name, whether more than one may be given, and what each is. */
export interface OperandSpec {
  readonly name: string;
  readonly variadic?: true;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly operands?: OperandSpec;
  /** Flags it cannot run without, shown in its synopsis (their absence is refused with the fix). */
  readonly required?: readonly FlagName[];
  readonly summary: string;
  readonly flags: readonly CommandFlag[];
  /** An npm script that runs this command directly. */
  readonly script?: string;
  /** The command run when none is named. */
  readonly isDefault?: true;
}

const SIGNING: readonly CommandFlag[] = [
  'key',
  'certificate',
  'certificate-chain',
  'keyless',
  'certificate-identity',
  'certificate-oidc-issuer',
  'trusted-root',
  'fulcio-url',
  'rekor-url',
  'timestamp-url',
  'sigstore',
];
const COMMIT: readonly CommandFlag[] = ['revision', 'commit-time', 'commit-count', 'git-tag', 'source-url'];
const TARGET: readonly CommandFlag[] = ['registry', 'plain-http'];

/** Who may have signed a release, as `verify` and `reproduce` take it. */
const POLICY: readonly CommandFlag[] = [
  ['key', 'the public key the release was signed with'],
  ['certificate-identity', 'the exact identity the signing certificate must name'],
  'certificate-identity-regexp',
  ['certificate-oidc-issuer', 'the OIDC issuer of that identity'],
  'certificate-github-workflow-repository',
  'certificate-github-workflow-trigger',
  ['certificate-chain', 'a private CA: its certificate chain'],
  'ca-roots',
  ['trusted-root', 'a Sigstore of your own: its trusted root'],
  'allow-loose-identity',
];

export const COMMAND_SPECS = [
  {
    name: 'release',
    isDefault: true,
    summary:
      'all of it: build → (test ∥ base image → image → (chart ∥ SBOM → scan)) → publish → (sign ∥ attest) → verify → tag; nothing is published before the tests pass',
    flags: [...TARGET, ...SIGNING, 'base-image', ...COMMIT, 'skip-tests', 'json'],
  },
  { name: 'build', summary: 'compile the service', flags: ['json'] },
  { name: 'test', summary: "the service's test suite", flags: ['json'] },
  {
    name: 'image',
    summary: 'the image as an OCI layout (deterministic)',
    flags: [...TARGET, 'base-image', ...COMMIT, ['output', 'keep a copy of the OCI layout in this folder'], 'json'],
  },
  {
    name: 'chart-package',
    required: ['image'],
    summary: "lint and package the chart with the image's digest written in",
    flags: [...TARGET, 'image', ...COMMIT, ['output', 'keep a copy of the .tgz here'], 'json'],
  },
  {
    name: 'publish',
    summary: 'build and push the image and the chart by digest, untagged and unsigned',
    flags: [...TARGET, 'base-image', ...COMMIT, 'skip-tests', 'json'],
  },
  {
    name: 'sign',
    operands: { name: 'refs', variadic: true, help: 'REF@sha256:…' },
    summary: 'sign by digest (an image index: its platform manifests too), then verify',
    flags: ['plain-http', ...SIGNING, 'json'],
  },
  {
    name: 'verify',
    operands: { name: 'chart', help: 'CHART@sha256:…' },
    script: 'verify',
    summary: 'verify a whole release from its chart, every image it deploys and their attestations',
    flags: [
      ...POLICY,
      'values',
      'set',
      'set-string',
      'release-name',
      'namespace',
      'kube-version',
      'api-versions',
      ['timeout', 'limit for the whole verification (default: 120)'],
      'allow-dirty',
      'plain-http',
      'attest',
      'attest-key',
      'attest-keyless',
      ['fulcio-url', 'with --attest-keyless: the Fulcio of the --trusted-root Sigstore'],
      ['rekor-url', 'with --attest-keyless: the Rekor of the --trusted-root Sigstore'],
      ['timestamp-url', 'with --attest-keyless: an RFC 3161 timestamp authority (summaries verify after the certificate expires)'],
      'json',
    ],
  },
  {
    name: 'reproduce',
    operands: { name: 'chart', help: 'CHART@sha256:…' },
    script: 'reproduce',
    summary: 'rebuild a release from its verified provenance and compare the digests',
    flags: [...POLICY, ['timeout', 'limit for the whole rebuild (default: 1800)'], 'plain-http', 'json'],
  },
  { name: 'registry', script: 'registry', summary: "serve the embedded registry's storage again", flags: ['json'] },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMAND_SPECS)[number]['name'];
export const COMMANDS: readonly CommandName[] = COMMAND_SPECS.map((c) => c.name);

export const flagName = (f: CommandFlag): FlagName => (typeof f === 'string' ? f : f[0]);

/** `--name VALUE`, `--name`, or nothing: one flag as an argument list, from its declaration. */
export function flag(name: FlagName, value: string | number | boolean | undefined): string[] {
  const spec: FlagSpec = FLAGS[name];
  if (value === undefined || value === false) return [];
  if (!('value' in spec)) return [`--${name}`];
  return [`--${name}`, String(value)];
}

/** A command as its synopsis shows it: the name, the flags it needs, the operands. */
export function synopsis(c: CommandSpec): string {
  const required = (c.required ?? []).map((name) => {
    const spec: FlagSpec = FLAGS[name];
    return `--${name}${spec.value ? ` ${spec.value}` : ''}`;
  });
  return [c.name, ...required, c.operands?.help].filter(Boolean).join(' ');
}

/** The README's command table, from the declarations. */
export function commandTable(): string {
  const rows = COMMAND_SPECS.map((c: CommandSpec) => {
    const usage = synopsis(c);
    const also = [c.isDefault ? 'the default' : '', c.script ? `also \`npm run ${c.script}\`` : ''].filter(Boolean).join('; ');
    return `| \`${usage}\` | ${c.summary}${also ? ` (${also})` : ''} |`;
  });
  return ['| command | what it does |', '| --- | --- |', ...rows].join('\n');
}

/** A command's flags as the README lists them, from the declarations. */
export function flagTable(command: CommandName): string {
  const spec = COMMAND_SPECS.find((c) => c.name === command) as CommandSpec;
  const rows = spec.flags.map((f) => {
    const name = flagName(f);
    const s: FlagSpec = FLAGS[name];
    return `| \`--${name}${s.value ? ` ${s.value}` : ''}\` | ${typeof f === 'string' ? s.help : f[1]} |`;
  });
  return ['| flag | meaning |', '| --- | --- |', ...rows].join('\n');
}
