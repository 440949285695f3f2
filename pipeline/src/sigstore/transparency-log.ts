// The local transparency log: Rekor v1 (what public-good Sigstore's signatures in cosign's legacy
// format are logged to, and what cosign v2 and v3 both verify) on a Trillian log server and log
// signer, over the run's own MariaDB (./database.ts). Rekor makes its Trillian tree on start and
// signs with an in-memory key; its public key is what the trusted root names.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../free-port.js';
import { getText } from '../registry/probe.js';
import { startService, whenReady, type Service } from '../service.js';
import { tool } from '../tools.js';
import { startDatabase } from './database.js';

export interface TransparencyLog {
  url: string;
  /** Rekor's public key (PEM), for the trusted root. */
  publicKeyPath: string;
  stop(): Promise<void>;
}

/** Trillian's storage flags: MySQL at `uri`, no quotas (a log of a few entries). */
const trillianStorage = (uri: string) => ['--storage_system=mysql', `--mysql_uri=${uri}`, '--quota_system=noop'];

/** The parts of a log as they come up, stopped in reverse if a later one fails. */
export async function startTransparencyLog(dir: string): Promise<TransparencyLog> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    const db = await startDatabase(join(dir, 'mariadb'));
    started.push(db);
    const [rpc, http, signerRpc, signerHttp, port] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    // Trillian sleeps 5 s after a SIGTERM before it exits (cmd/internal/serverutil/main.go); all it
    // keeps is in the database the run throws away: it is killed.
    const server = startService('Trillian log server', tool('trillian_log_server'), [
      `--rpc_endpoint=127.0.0.1:${rpc}`, `--http_endpoint=127.0.0.1:${http}`, ...trillianStorage(db.uri),
    ], { kill: true }); // prettier-ignore
    started.push(server);
    const signer = startService('Trillian log signer', tool('trillian_log_signer'), [
      `--rpc_endpoint=127.0.0.1:${signerRpc}`, `--http_endpoint=127.0.0.1:${signerHttp}`, ...trillianStorage(db.uri),
      // The one signer of this log: no election.
      '--force_master',
    ], { kill: true }); // prettier-ignore
    started.push(signer);
    await Promise.all([
      whenReady(server, () => getText(`http://127.0.0.1:${http}/healthz`)),
      whenReady(signer, () => getText(`http://127.0.0.1:${signerHttp}/healthz`)),
    ]);
    // Rekor's search index (Redis or MySQL) is not needed to log and prove entries: the retrieve
    // API is off and only the endpoints cosign uses are served. Its metrics bind :2112, which it
    // gives up on quietly when taken.
    const rekor: Service = startService('Rekor server', tool('rekor-server'), [
      'serve',
      `--trillian_log_server.address=127.0.0.1`, `--trillian_log_server.port=${rpc}`,
      `--rekor_server.address=127.0.0.1`, `--port=${port}`, '--rekor_server.signer=memory',
      '--enable_retrieve_api=false',
      '--enabled_api_endpoints=getLogInfo,getPublicKey,getLogProof,createLogEntry,getLogEntryByIndex,getLogEntryByUUID,searchLogQuery',
      '--log_type=prod',
    ]); // prettier-ignore
    started.push(rekor);
    const url = `http://127.0.0.1:${port}`;
    const publicKey = await whenReady(rekor, () => getText(`${url}/api/v1/log/publicKey`));
    const publicKeyPath = join(dir, 'rekor.pub');
    await writeFile(publicKeyPath, publicKey);
    return { url, publicKeyPath, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
