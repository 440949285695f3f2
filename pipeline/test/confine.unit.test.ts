// reproduce takes lockfile paths from a provenance statement: only plain paths inside the source.
import { describe, expect, it } from 'vitest';
import { confinedLockfile, isInside, UnconfinedPathError } from '../src/confine.js';

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
