// An OIDC issuer shaped like GitHub Actions' token service, for keyless signing offline: the
// discovery document and JWKS that Fulcio reads, and the endpoint a workflow's
// ACTIONS_ID_TOKEN_REQUEST_URL points at, which answers a bearer-authenticated request with a
// signed JWT carrying GitHub's claims (job_workflow_ref, repository, ref, sha, event_name, …).
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** What the workflow run looks like, as GitHub would put it in the token. */
export interface WorkflowRun {
  /** OWNER/REPO */
  repository: string;
  /** .github/workflows/release.yaml */
  workflowPath: string;
  /** refs/heads/main, refs/tags/v1.2.3 */
  ref: string;
  sha: string;
  eventName?: string;
}

export interface OidcIssuer {
  /** http://127.0.0.1:PORT: the issuer URL in every token, and what verifiers name. */
  url: string;
  /** The ACTIONS_ID_TOKEN_REQUEST_URL to give cosign. */
  requestUrl: string;
  /** The ACTIONS_ID_TOKEN_REQUEST_TOKEN that request must carry. */
  requestToken: string;
  /**
   * A request URL whose tokens carry another run's claims, with the same request token: another
   * workflow, ref or repository signing through the same Fulcio (what a policy must refuse).
   */
  requestUrlFor(run: WorkflowRun): string;
  close(): Promise<void>;
}

/** GitHub's claims for a run of a (non-reusable) workflow. */
export function githubClaims(run: WorkflowRun): Record<string, string> {
  const [owner] = run.repository.split('/');
  const workflowRef = `${run.repository}/${run.workflowPath}@${run.ref}`;
  return {
    sub: `repo:${run.repository}:ref:${run.ref}`,
    repository: run.repository,
    repository_owner: owner ?? '',
    repository_id: '1',
    repository_owner_id: '1',
    repository_visibility: 'public',
    ref: run.ref,
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: run.sha,
    workflow: run.workflowPath.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    workflow_ref: workflowRef,
    workflow_sha: run.sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: run.sha,
    event_name: run.eventName ?? 'push',
    run_id: '1',
    run_number: '1',
    run_attempt: '1',
    actor: 'release-bot',
    actor_id: '1',
    runner_environment: 'github-hosted',
  };
}

export interface OidcIssuerOptions {
  port?: number;
  run: WorkflowRun;
  /** Seconds a token lives (GitHub: about 5 minutes); negative: already expired (tests). */
  lifetime?: number;
  /** Issue tokens for this audience whatever is asked (tests: a token Fulcio must refuse). */
  audience?: string;
}

export async function startOidcIssuer(opts: OidcIssuerOptions): Promise<OidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  const requestToken = randomUUID();
  /** The runs tokens may be asked for, by the id in their request URL; '' is the run given. */
  const runs = new Map<string, WorkflowRun>([['', opts.run]]);
  let url = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: url,
        jwks_uri: `${url}/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        claims_supported: Object.keys(githubClaims(opts.run)),
      });
    }
    if (path.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (path.pathname === '/token') {
      if ((req.headers.authorization ?? '').toLowerCase() !== `bearer ${requestToken}`) return json(401, { message: 'bad request token' });
      const audience = opts.audience ?? path.searchParams.get('audience') ?? url;
      const now = Math.floor(Date.now() / 1000);
      const lifetime = opts.lifetime ?? 300;
      const run = runs.get(path.searchParams.get('run') ?? '');
      if (!run) return json(404, { message: 'no such run' });
      void new SignJWT(githubClaims(run))
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'JWT' })
        .setIssuer(url)
        .setAudience(audience)
        .setIssuedAt(Math.min(now, now + lifetime - 60))
        .setNotBefore(Math.min(now, now + lifetime - 60))
        .setExpirationTime(now + lifetime)
        .setJti(randomUUID())
        .sign(privateKey)
        .then((value) => json(200, { count: 1, value }));
      return;
    }
    json(404, { message: 'not found' });
  });
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requestUrl: `${url}/token?via=actions`,
    requestToken,
    requestUrlFor: (run) => {
      const id = randomUUID();
      runs.set(id, run);
      return `${url}/token?via=actions&run=${id}`;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
