// reproduce takes lockfile paths from a provenance statement: only plain paths inside the source;
// and its rebuild is bounded.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { confinedLockfile, isInside, UnconfinedPathError } from '../src/confine.js';
import { parseReproduceArgs } from '../src/reproduce.js';

describe('lockfile paths from provenance', () => {
  it.each(['package-lock.json', 'app/package-lock.json'])('%s is taken', (p) => {
    expect(confinedLockfile(p)).toBe(p);
  });

  it.each([
    ['../outside/package-lock.json', /leaves or bends/],
    ['app/../../x/package-lock.json', /leaves or bends/],
    ['/etc/package-lock.json', /is absolute/],
    ['app//package-lock.json', /leaves or bends/],
    ['app/package.json', /is not a package-lock\.json/],
    ['app/package-lock.json; rm -rf ~', /characters/],
    ['file:///tmp/package-lock.json', /characters/],
  ])('%s is refused', (p, why) => {
    expect(() => confinedLockfile(p)).toThrow(UnconfinedPathError);
    expect(() => confinedLockfile(p)).toThrow(why);
  });

  it('a resolved path is inside only below its folder, not beside it', () => {
    expect(isInside('/tmp/r/src', '/tmp/r/src/app/package-lock.json')).toBe(true);
    expect(isInside('/tmp/r/src', '/tmp/r/src-evil/package-lock.json')).toBe(false);
    expect(isInside('/tmp/r/src', '/tmp/r/other')).toBe(false);
  });
});

describe('reproduce --timeout', () => {
  const chart = `r.example/charts/koa-service@sha256:${'a'.repeat(64)}`;
  const key = fileURLToPath(new URL('../../package.json', import.meta.url)); // any existing file: only its presence is checked here

  it('bounds the whole rebuild: 30 minutes unless told', () => {
    expect(parseReproduceArgs([chart, '--key', key]).timeoutSeconds).toBe(1800);
    expect(parseReproduceArgs([chart, '--key', key, '--timeout', '60']).timeoutSeconds).toBe(60);
  });

  it.each(['0', 'soon'])('refuses --timeout %s', (t) => {
    expect(() => parseReproduceArgs([chart, '--key', key, '--timeout', t])).toThrow(/--timeout .* must be a number of seconds above 0/);
  });
});
