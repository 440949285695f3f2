// The README's `dagger call`s name functions the module has (pipeline/test/readme.unit.test.ts
// holds its pipeline commands to the CLI's declaration).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReleasePipeline } from '../src/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('the README', () => {
  it('calls only functions the Dagger module has', () => {
    const functions = Object.getOwnPropertyNames(ReleasePipeline.prototype)
      .filter((n) => n !== 'constructor')
      .map(kebab);
    // Each call's chain: the functions named in it, builders (with-…) first, the call last.
    const lines = [...readme.matchAll(/^dagger call (.*)$/gm)].map((m) => m[1]!.split(/\s+/));
    const chains = lines.map((words) => words.filter((w) => functions.includes(w)));
    const called = chains.map((c) => c.at(-1)!).filter((c) => !c.startsWith('with-'));
    expect(new Set(called)).toEqual(new Set(['build', 'test', 'chart-package', 'publish', 'cosign-sign', 'verify', 'release', 'end-to-end']));
    for (const chain of chains)
      expect(
        chain.slice(0, -1).every((c) => c.startsWith('with-')),
        chain.join(' '),
      ).toBe(true);
    // Signing calls name their signer (verify signs only its summaries, with --attest); the others
    // need none.
    chains.forEach((chain, i) => {
      const signs = ['cosign-sign', 'release'].includes(chain.at(-1)!) || (chain.at(-1) === 'verify' && lines[i]!.includes('--attest'));
      expect(chain.includes('with-key') || chain.includes('with-keyless'), chain.join(' ')).toBe(signs);
    });
  });
});
