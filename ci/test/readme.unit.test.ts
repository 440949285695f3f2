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
    const called = [...readme.matchAll(/dagger call ([a-z-]+)/g)].map((m) => m[1]!);
    expect(new Set(called)).toEqual(new Set(['build', 'test', 'chart-package', 'publish', 'cosign-sign', 'verify', 'release', 'end-to-end']));
    for (const c of called) expect(functions, c).toContain(c);
  });
});
