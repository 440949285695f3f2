// The README's commands are the real ones: every `npm run` script exists, every pipeline flag it
// lists is one the CLI accepts, every `dagger call` names a module function, and the cosign
// commands it prints carry the flags they need to run as printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReleasePipeline } from '../../ci/src/index.js';
import { parsePipelineArgs, COMMANDS } from '../src/options.js';
import { projectRoot } from '../src/paths.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('the README', () => {
  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    for (const s of named) expect(scripts, s).toContain(s);
  });

  it('lists only commands and flags the pipeline CLI accepts', () => {
    const table = [...readme.matchAll(/^\| `([a-z-]+)[ `]/gm)]
      .map((m) => m[1]!)
      .filter((c) => (COMMANDS as readonly string[]).includes(c) || c.startsWith('re'));
    expect(table).toEqual([...COMMANDS]);
    // The options block: every flag it shows must be in one of these lines, which the CLI accepts.
    const block = readme.slice(readme.indexOf('### Commands'), readme.indexOf('Registry credentials come from'));
    const shown = new Set([...block.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]));
    const lines = [
      [
        'release',
        '--registry',
        'ghcr.io/acme',
        '--key',
        'k',
        '--certificate',
        'c',
        '--certificate-chain',
        'ch',
        '--base-image',
        'host',
        '--plain-http',
        '--skip-tests',
        '--json',
      ],
      ['release', '--revision', 'a'.repeat(40), '--commit-time', '1', '--commit-count', '1', '--git-tag', 'v1.0.0'],
      [
        'release',
        '--keyless',
        '--certificate-identity',
        'i',
        '--certificate-oidc-issuer',
        'u',
        '--fulcio-url',
        'f',
        '--timestamp-url',
        't',
        '--trusted-root',
        'r',
      ],
      ['release', '--sigstore', 'local'],
      ['image', '--output', 'o'],
      ['chart-package', '--image', `ghcr.io/a/b@sha256:${'0'.repeat(64)}`, '--output', 'f'],
    ];
    for (const line of lines) expect(() => parsePipelineArgs(line), line.join(' ')).not.toThrow();
    const covered = new Set(lines.flat().filter((a) => a.startsWith('--')));
    expect(shown.size).toBeGreaterThan(10);
    expect([...shown].filter((f) => !covered.has(f))).toEqual([]);
  });

  it('calls only functions the Dagger module has', () => {
    const functions = Object.getOwnPropertyNames(ReleasePipeline.prototype)
      .filter((n) => n !== 'constructor')
      .map(kebab);
    const called = [...readme.matchAll(/dagger call ([a-z-]+)/g)].map((m) => m[1]!);
    expect(new Set(called)).toEqual(new Set(['build', 'test', 'chart-package', 'publish', 'cosign-sign', 'verify', 'release', 'end-to-end']));
    for (const c of called) expect(functions, c).toContain(c);
  });

  it('prints key-signed verify commands that run offline as printed', () => {
    // A command continued over lines (a trailing backslash) is one command.
    const keyed = readme
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((l) => /cosign verify(-attestation)? .*--key /.test(l));
    expect(keyed.length).toBeGreaterThanOrEqual(4);
    for (const line of keyed) expect(line).toContain('--insecure-ignore-tlog');
  });
});
