// The README's commands are the real ones: every `npm run` script exists, every pipeline flag it
// lists is one the CLI accepts, and the cosign commands it prints carry the flags they need to run
// as printed (ci/test/readme.unit.test.ts holds its `dagger call`s to the module).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS, commandTable, flagTable } from '@release-pipeline/core/command-line.js';
import { projectRoot } from '../src/paths.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

describe('the README', () => {
  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    for (const s of named) expect(scripts, s).toContain(s);
  });

  it("holds the command table and release's flags the command line declares", () => {
    // Generated from ci/src/core/command-line.ts, the declaration the CLI's parser and help are built from.
    expect(readme).toContain(commandTable());
    expect(readme).toContain(flagTable('release'));
  });

  it('shows only flags the commands declare, in every `npm run` line', () => {
    const lines = readme
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((l) => /^\s*npm run (pipeline|verify|reproduce) --/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const words = line
        .replace(/\s#.*$/, '')
        .trim()
        .split(/\s+/)
        .slice(4);
      const command = line.includes('npm run verify') ? 'verify' : line.includes('npm run reproduce') ? 'reproduce' : undefined;
      const argv = (command ? [command, ...words] : words).map((w) => w.replace(/<[^>]*>/g, `${'0'.repeat(64)}`));
      const given = argv.filter((w) => w.startsWith('--'));
      const named = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'release';
      const declared = (COMMAND_SPECS.find((c) => c.name === named)?.flags ?? []).map((f) => `--${typeof f === 'string' ? f : f[0]}`);
      for (const flag of given) expect([...declared, '--help'], `${line.trim()}: ${flag}`).toContain(flag.split('=')[0]);
    }
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
