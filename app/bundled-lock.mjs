// The part of a package-lock.json (lockfile v2/v3) that a bundle carries: the root entry and every
// package one of whose files esbuild read (its metafile inputs). Pure.

/** "node_modules/a/node_modules/@s/b/lib/x.js" → "node_modules/a/node_modules/@s/b" (its lock key). */
export function packageKey(input) {
  const at = input.indexOf('node_modules/');
  if (at === -1) return undefined;
  return input.slice(at).match(/^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1];
}

export function bundledLock(lock, inputs) {
  const keys = new Set(inputs.map(packageKey).filter(Boolean));
  const packages = { '': lock.packages[''] };
  for (const key of [...keys].sort()) {
    const entry = lock.packages[key];
    if (!entry) throw new Error(`the bundle includes ${key}, which package-lock.json does not list: run npm install`);
    packages[key] = entry;
  }
  return { name: lock.name, version: lock.version, lockfileVersion: lock.lockfileVersion, requires: true, packages };
}
