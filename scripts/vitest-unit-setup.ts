// The unit tier is pure logic, in-process: here, starting a process fails the test that tries, so a
// test that needs a tool or a child process goes to the integration tier (a *.test.ts file).
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const starters = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
for (const name of starters) {
  Object.assign(childProcess, {
    [name]: () => {
      throw new Error(`a unit test started a process (child_process.${name}); it belongs in the integration tier (*.test.ts, not *.unit.test.ts)`);
    },
  });
}
syncBuiltinESMExports();
