// reproduce takes lockfile paths from a provenance statement: only plain paths inside the source;
// and its rebuild is bounded.
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { confinedLockfile, isInside, refuseCommittedLinks, UnconfinedPathError } from '../src/confine.js';
import { parseInvocation } from '../src/options.js';

const reproduceTimeout = (args: string[]) => {
  const inv = parseInvocation(['reproduce', ...args]);
  return inv.command === 'reproduce' ? inv.options.timeoutSeconds : undefined;
};

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
    expect(reproduceTimeout([chart, '--key', key])).toBe(1800);
    expect(reproduceTimeout([chart, '--key', key, '--timeout', '60'])).toBe(60);
  });

  it.each(['0', 'soon'])('refuses --timeout %s', (t) => {
    expect(() => reproduceTimeout([chart, '--key', key, '--timeout', t])).toThrow(/--timeout .* must be a number of seconds above 0/);
  });
});

describe('what a revision commits around its lockfiles', () => {
  const source = async () => {
    const root = await mkdtemp(join(tmpdir(), 'committed-'));
    await mkdir(join(root, 'app'));
    return root;
  };

  it('a plain checkout passes', async () => {
    const root = await source();
    await expect(refuseCommittedLinks(root, join(root, 'app'), join(root, 'app', 'node_modules'), 'c'.repeat(40))).resolves.toBeUndefined();
  });

  it('a committed node_modules (a symlink to anywhere, say) is refused: npm ci would empty it', async () => {
    const root = await source();
    const elsewhere = await mkdtemp(join(tmpdir(), 'elsewhere-'));
    await symlink(elsewhere, join(root, 'app', 'node_modules'));
    await expect(refuseCommittedLinks(root, join(root, 'app'), join(root, 'app', 'node_modules'), 'c'.repeat(40))).rejects.toThrow(
      /app\/node_modules is committed/,
    );
  });

  it('a symlinked folder on the way is refused', async () => {
    const root = await mkdtemp(join(tmpdir(), 'committed-'));
    await symlink(await mkdtemp(join(tmpdir(), 'elsewhere-')), join(root, 'app'));
    await expect(refuseCommittedLinks(root, join(root, 'app'), join(root, 'app', 'node_modules'), 'c'.repeat(40))).rejects.toThrow(/app is a symlink/);
  });
});
