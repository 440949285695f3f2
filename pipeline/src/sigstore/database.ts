// The database under the local transparency log: Trillian keeps its Merkle trees in MySQL, here
// Debian's MariaDB server, run for one run from an empty data directory of its own on 127.0.0.1,
// with no accounts (it answers only on loopback, in the run's own network namespace) and the
// Trillian schema from the pinned module (install-tools.sh copies it beside the tools).
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { CommandError, run } from '../exec.js';
import { freePort } from '../free-port.js';
import { startService, whenReady } from '../service.js';
import { MissingToolError, toolsFolder } from '../tools.js';

export interface Database {
  /** Trillian's --mysql_uri. */
  uri: string;
  stop(): Promise<void>;
}

const INSTALL = "install Debian's MariaDB server (apt-get install mariadb-server; npm run bootstrap does it as root)";

/** A program of the MariaDB packages, from PATH or the system folders root's PATH has. */
function mariadbProgram(name: 'mariadbd' | 'mariadb'): string {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new MissingToolError(`missing program: ${name} is not installed; ${INSTALL}`);
}

/** Starts the server in `dir` (which it fills) and creates Trillian's tables. */
export async function startDatabase(dir: string): Promise<Database> {
  const [server, client] = [mariadbProgram('mariadbd'), mariadbProgram('mariadb')];
  const schema = join(toolsFolder(), 'trillian-mysql-schema.sql');
  const tables = await readFile(schema, 'utf8').catch((err: unknown) => {
    throw new MissingToolError(`missing file: Trillian's schema is not at ${schema}; run 'npm run tools'`, err);
  });
  const data = join(dir, 'data');
  // From empty, always: what a run killed before its stop left behind is not a log to reuse.
  await rm(dir, { recursive: true, force: true });
  await mkdir(data, { recursive: true });
  const port = await freePort();
  // No system tables and no accounts (--skip-grant-tables); small redo log and buffer pool: a
  // transparency log of a few entries, gone after the run.
  const db = startService('MariaDB server', server, [
    '--no-defaults', '--user=root', `--datadir=${data}`, `--socket=${join(dir, 'mariadb.sock')}`, `--pid-file=${join(dir, 'mariadb.pid')}`,
    `--port=${port}`, '--bind-address=127.0.0.1', '--skip-grant-tables', '--skip-name-resolve',
    '--innodb-log-file-size=4M', '--innodb-buffer-pool-size=16M',
  ]); // prettier-ignore
  // Stopped, its files go: a log of one run is of no use after it.
  const stop = async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const sql = (statements: string, database?: string) =>
      run(client, ['--no-defaults', '--protocol=tcp', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', ...(database ? [database] : []), '-e', statements]);
    await whenReady(db, () =>
      sql('SELECT 1').then(
        () => true,
        () => undefined,
      ),
    );
    await sql('CREATE DATABASE trillian');
    await sql(tables, 'trillian');
  } catch (err) {
    await stop();
    throw err instanceof CommandError
      ? new PipelineError('environment', `the local MariaDB server did not take Trillian's schema: ${err.output.trim().split('\n').pop() ?? ''}`, {
          cause: err,
        })
      : err;
  }
  return { uri: `root@tcp(127.0.0.1:${port})/trillian`, stop };
}
