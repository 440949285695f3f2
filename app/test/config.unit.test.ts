import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const load = (env: Record<string, string>) => loadConfig(env, { version: '0.0.1' });

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(load({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      shutdownTimeoutMs: 10000,
      shutdownDelayMs: 0,
      service: 'koa-service',
      version: '0.0.1',
      revision: null,
      imageDigest: null,
    });
  });
  it('treats an empty variable as unset', () => {
    expect(load({ PORT: '' }).port).toBe(8080);
  });
  it.each([
    [{ PORT: 'abc' }, /^invalid PORT="abc": must be a whole number from 0 to 65535$/],
    [{ PORT: '70000' }, /^invalid PORT="70000"/],
    [{ LOG_LEVEL: 'loud' }, /^invalid LOG_LEVEL="loud": must be one of/],
    [{ SHUTDOWN_TIMEOUT_MS: '-1' }, /^invalid SHUTDOWN_TIMEOUT_MS="-1"/],
    [{ IMAGE_DIGEST: 'latest' }, /^invalid IMAGE_DIGEST="latest": must be sha256:/],
    [{ GIT_REVISION: 'main' }, /^invalid GIT_REVISION="main"/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
