// The lockfile the image carries for its bundle (app/bundled-lock.mjs, run by app/build.mjs): only
// the packages esbuild bundled, each one the app's lockfile lists.
import { describe, expect, it } from 'vitest';
import { bundledLock, packageKey } from '../bundled-lock.mjs';

describe("the bundle's lockfile", () => {
  it('maps each bundled file to its package, nested and scoped ones too', () => {
    expect(packageKey('node_modules/koa/lib/application.js')).toBe('node_modules/koa');
    expect(packageKey('node_modules/@koa/router/dist/index.js')).toBe('node_modules/@koa/router');
    expect(packageKey('node_modules/a/node_modules/@s/b/x.js')).toBe('node_modules/a/node_modules/@s/b');
    expect(packageKey('../node_modules/has-flag/index.js')).toBe('node_modules/has-flag');
    expect(packageKey('src/main.ts')).toBeUndefined();
  });

  it('keeps the root and the bundled packages, and fails on one the lockfile does not list', () => {
    const lock = {
      name: 'x',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: { '': { name: 'x' }, 'node_modules/koa': { version: '3.0.0', license: 'MIT' }, 'node_modules/vitest': { dev: true } },
    };
    expect(bundledLock(lock, ['src/a.ts', 'node_modules/koa/lib/a.js', 'node_modules/koa/lib/b.js']).packages).toEqual({
      '': { name: 'x' },
      'node_modules/koa': { version: '3.0.0', license: 'MIT' },
    });
    expect(() => bundledLock(lock, ['node_modules/left-pad/index.js'])).toThrow(/which package-lock.json does not list/);
  });
});
