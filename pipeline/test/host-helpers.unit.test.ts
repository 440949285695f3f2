// Small pure helpers of the host runner, in-process (the unit tier).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CommandError, PipelineError } from '@release-pipeline/core/errors.js';
import { registryFaultsIn } from '@release-pipeline/core/tool-output.js';
import { Cancelled, concurrently, eachConcurrently } from '../src/concurrently.js';
import { redact } from '../src/exec.js';
import { sourceUrl } from '../src/git.js';
import { parseLdd } from '../src/oci/host-base.js';
import { completeAndSort, writeLayer, type LayerEntry } from '../src/oci/tar-layer.js';
import { explainRegistryError } from '../src/registry/preflight.js';
import { isTransient, withRetry } from '../src/retry.js';

describe('sourceUrl', () => {
  it.each([
    ['git@github.com:acme/koa-service.git', 'https://github.com/acme/koa-service'],
    ['https://github.com/acme/koa-service.git', 'https://github.com/acme/koa-service'],
    ['https://token@github.com/acme/koa-service', 'https://github.com/acme/koa-service'],
    ['ssh://git@gitlab.example.com:2222/group/sub/repo.git', 'https://gitlab.example.com/group/sub/repo'],
    ['/work/main', 'https://github.com/OWNER/REPO'],
    ['file:///srv/repo.git', 'https://github.com/OWNER/REPO'],
    [undefined, 'https://github.com/OWNER/REPO'],
  ])('%s → %s', (remote, url) => {
    expect(sourceUrl(remote, {})).toBe(url);
  });
  it('prefers the GitHub Actions context', () => {
    expect(sourceUrl('/x', { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r' })).toBe('https://github.com/o/r');
  });
});

describe('deterministic layers', () => {
  const entries = (content: string): LayerEntry[] => [
    { type: 'file', path: 'app/dist/main.js', content: Buffer.from(content), mode: 0o600 },
    { type: 'symlink', path: 'app/node_modules/.bin/x', target: '../x/cli.js' },
    { type: 'file', path: 'app/bin/run', content: Buffer.from('#!/bin/sh\n'), mode: 0o700 },
  ];
  it('lists parents, sorts by path', () => {
    expect(completeAndSort(entries('a')).map((e) => e.path)).toEqual([
      'app',
      'app/bin',
      'app/bin/run',
      'app/dist',
      'app/dist/main.js',
      'app/node_modules',
      'app/node_modules/.bin',
      'app/node_modules/.bin/x',
    ]);
  });
  it('the same files give the same digest; other content, owner or time another', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'layers-'));
    const own = { uid: 65532, gid: 65532, mtime: 1_700_000_000 };
    const a = await writeLayer(entries('a'), join(dir, 'a.tgz'), own);
    const b = await writeLayer([...entries('a')].reverse(), join(dir, 'b.tgz'), own);
    expect(b.digest).toBe(a.digest);
    expect(b.diffId).toBe(a.diffId);
    expect((await writeLayer(entries('b'), join(dir, 'c.tgz'), own)).digest).not.toBe(a.digest);
    expect((await writeLayer(entries('a'), join(dir, 'd.tgz'), { ...own, mtime: 1 })).digest).not.toBe(a.digest);
    expect((await writeLayer(entries('a'), join(dir, 'e.tgz'), { ...own, uid: 0 })).digest).not.toBe(a.digest);
    // Modes normalized: 0600 → 0644, 0700 → 0755; owner and mtime as asked.
    const tar = gunzipSync(await readFile(a.path));
    const header = (name: string) => tar.subarray(tar.indexOf(Buffer.from(name)), tar.indexOf(Buffer.from(name)) + 512);
    expect(header('app/dist/main.js').subarray(100, 107).toString()).toBe('000644 ');
    expect(header('app/bin/run').subarray(100, 107).toString()).toBe('000755 ');
    expect(parseInt(header('app/dist/main.js').subarray(108, 115).toString(), 8)).toBe(65532);
    expect(parseInt(header('app/dist/main.js').subarray(136, 147).toString(), 8)).toBe(1_700_000_000);
  });
});

describe('parseLdd', () => {
  it('takes every resolved library and the loader', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f)',
    ].join('\n');
    expect(parseLdd(out)).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
});

describe('errors and retries', () => {
  it('scrubs secrets', () => {
    expect(redact('login with Pa55word-123 ok', ['Pa55word-123'])).toBe('login with *** ok');
  });
  // A tool that failed as crane does: exit 1, the registry's answer in its output.
  const craneFailed = (output: string) =>
    new CommandError(`crane push failed (exit 1): ${output}`, 'crane push', { kind: 'exit', status: 1 }, output, registryFaultsIn(output));
  it('knows which failures may pass, from the fields of the failure', () => {
    expect(isTransient(craneFailed('PUT …: unexpected status code 503 Service Unavailable'))).toBe(true);
    expect(isTransient(craneFailed('read: connection reset by peer'))).toBe(true);
    expect(isTransient(craneFailed('UNAUTHORIZED: authentication required'))).toBe(false);
    // Both answers in one output: an outage may pass, so it is retried (and the credentials hint still shows).
    expect(isTransient(craneFailed('401 UNAUTHORIZED … then 503 Service Unavailable'))).toBe(true);
    expect(isTransient(new CommandError('helm push timed out', 'helm push', { kind: 'timeout', afterMs: 5 }, ''))).toBe(true);
    // Only a tool's failure is retried; a message that merely mentions 503 is not.
    expect(isTransient(new Error('503 Service Unavailable'))).toBe(false);
    expect(isTransient(new PipelineError('signing', 'signing failed', { cause: craneFailed('EOF') }))).toBe(true);
    expect(isTransient(new Cancelled('stopped', { cause: craneFailed('EOF') }))).toBe(false);
  });
  it('retries a transient failure, not a permanent one', async () => {
    let calls = 0;
    await expect(withRetry(async () => (++calls < 3 ? Promise.reject(craneFailed('503')) : 'ok'), { firstDelayMs: 1 })).resolves.toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetry(async () => (++calls, Promise.reject(craneFailed('DENIED'))), { firstDelayMs: 1 })).rejects.toThrow('DENIED');
    expect(calls).toBe(1);
  });
  it('names the fix for a credentials error', () => {
    expect(explainRegistryError(craneFailed('GET …: UNAUTHORIZED'), 'r.example')).toContain('set REGISTRY_USERNAME and REGISTRY_PASSWORD');
    expect(explainRegistryError(craneFailed('GET …: 403 DENIED'), 'r.example')).toContain("check the account's permissions");
    expect(explainRegistryError(new Error('UNAUTHORIZED'), 'r.example')).toBe('UNAUTHORIZED');
  });
});

describe('concurrently', () => {
  const after = <T>(ms: number, value: T, fail = false) =>
    new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

  it('returns every result in the order given, whatever order they finish in', async () => {
    expect(await concurrently([() => after(30, 'slow'), () => after(1, 1)])).toEqual(['slow', 1]);
    expect(await eachConcurrently([30, 1, 15], (ms) => after(ms, ms))).toEqual([30, 1, 15]);
  });

  it('lets every task settle before it throws, and throws the first failure in the order given', async () => {
    let slowFinished = false;
    const slow = () => after(40, 'slow').then((v) => ((slowFinished = true), v));
    await expect(concurrently([slow, () => after(20, 'second', true), () => after(1, 'third', true)])).rejects.toThrow('second');
    expect(slowFinished).toBe(true);
  });
});
