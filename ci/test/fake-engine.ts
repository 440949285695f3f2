// A stand-in for the Dagger engine's GraphQL session, for contract tests: the real SDK connects to it
// (DAGGER_SESSION_PORT/TOKEN, as inside `dagger call`) and sends the real queries it would send to
// an engine. Each query is parsed with graphql-js into a chain of calls; object arguments are IDs
// this server handed out, so every chain can be expanded back to what built it (a secret's
// plaintext, a directory, a service). Leaf values come from a test-provided answer function.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { connection, dag } from '@dagger.io/dagger';
import { Kind, parse, type SelectionNode, type ValueNode } from 'graphql';
import { ReleasePipeline } from '../src/index.js';

export interface Call {
  field: string;
  args: Record<string, unknown>;
}

/** An ID-typed argument, expanded: the chain that made the object it names. */
export interface Ref {
  ref: string;
  chain: Call[];
}

export type Answer = (chain: Call[], engine: FakeEngine) => Promise<unknown> | unknown;

export class FakeEngine {
  readonly queries: Call[][] = [];
  private readonly ids = new Map<string, Call[]>();
  private server?: Server;
  port = 0;

  constructor(private readonly answer: Answer) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.handle(JSON.parse(body) as { query: string }).then(
          (data) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data })),
          (err: Error) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: err.message }] })),
        );
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise((r) => this.server!.close(r));
  }

  /** The environment that makes the SDK talk to this engine, as it would inside a function call. */
  env(): Record<string, string> {
    return { DAGGER_SESSION_PORT: String(this.port), DAGGER_SESSION_TOKEN: 'fake-session-token' };
  }

  /** The chain an ID stands for. */
  chainOf(id: string): Call[] {
    const chain = this.ids.get(id);
    if (!chain) throw new Error(`unknown ID ${id}`);
    return chain;
  }

  private async handle(request: { query: string }): Promise<unknown> {
    const doc = parse(request.query);
    const op = doc.definitions[0];
    if (!op || op.kind !== Kind.OPERATION_DEFINITION) throw new Error('expected one operation');
    const sent: Call[] = [];
    let selections: readonly SelectionNode[] | undefined = op.selectionSet.selections;
    while (selections?.length) {
      const first: SelectionNode = selections[0]!;
      if (first.kind === Kind.INLINE_FRAGMENT) {
        selections = first.selectionSet.selections;
        continue;
      }
      if (first.kind !== Kind.FIELD) break;
      sent.push({ field: first.name.value, args: Object.fromEntries((first.arguments ?? []).map((a) => [a.name.value, this.value(a.value)])) });
      selections = first.selectionSet?.selections;
    }
    const chain = expand(sent);
    this.queries.push(chain);
    const leaf = chain[chain.length - 1]!.field;
    let value: unknown;
    if (ID_FIELDS.has(leaf)) {
      value = `fake-id-${this.ids.size + 1}`;
      this.ids.set(value as string, chain.slice(0, -1));
    } else {
      value = await this.answer(chain, this);
    }
    // The response mirrors the selection as sent: one nested object per field, the value at the leaf.
    return sent.reduceRight<unknown>((inner, call) => ({ [call.field]: inner }), value);
  }

  private value(v: ValueNode): unknown {
    switch (v.kind) {
      case Kind.STRING: {
        const chain = this.ids.get(v.value);
        return chain ? ({ ref: v.value, chain } satisfies Ref) : v.value;
      }
      case Kind.INT:
      case Kind.FLOAT:
        return Number(v.value);
      case Kind.BOOLEAN:
        return v.value;
      case Kind.ENUM:
        return v.value;
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return v.values.map((x) => this.value(x));
      case Kind.OBJECT:
        return Object.fromEntries(v.fields.map((f) => [f.name.value, this.value(f.value)]));
      default:
        return undefined;
    }
  }
}

/** Leaf fields the SDK answers with an object ID (a later query may select from it). */
const ID_FIELDS = new Set(['id', 'sync', 'start', 'stop']);

/** A chain that starts from an ID (node(id:), loadXFromID(id:)) continues the chain that made it. */
export function expand(chain: readonly Call[]): Call[] {
  const first = chain[0];
  if (first && (first.field === 'node' || /^load\w+FromID$/.test(first.field)) && isRef(first.args.id)) {
    return [...first.args.id.chain, ...chain.slice(1)];
  }
  return [...chain];
}

export function isRef(x: unknown): x is Ref {
  return typeof x === 'object' && x !== null && 'ref' in x && 'chain' in x;
}

/** What a container chain amounts to when its last exec runs: image, user, env, secrets, mounts. */
export interface ExecState {
  image?: string;
  user: string;
  workdir: string;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  secretMounts: Array<{ path: string; plaintext: string; owner: string; mode?: number }>;
  temps: string[];
  services: Array<{ alias: string; service: Call[] }>;
  /** Files placed with withFile, and their contents when a chain made them from text. */
  files: Array<{ path: string; contents?: string }>;
  execs: string[][];
}

/** The text of a file made with directory().withNewFile(name, contents).file(name). */
export function fileContents(ref: unknown): string | undefined {
  if (!isRef(ref)) return undefined;
  const wanted = ref.chain.at(-1);
  if (wanted?.field !== 'file') return undefined;
  const made = ref.chain.find((c) => c.field === 'withNewFile' && c.args.path === wanted.args.path);
  return made ? String(made.args.contents) : undefined;
}

/** The plaintext of a secret made with dag.setSecret (the only kind these tests make). */
export function secretPlaintext(ref: unknown): string {
  if (!isRef(ref)) throw new Error('expected a secret ID');
  const made = ref.chain.find((c) => c.field === 'setSecret');
  if (!made) throw new Error(`not a setSecret chain: ${ref.chain.map((c) => c.field).join('.')}`);
  return String(made.args.plaintext);
}

/** Replays a container chain's calls into the state its last exec sees. */
export function execState(chain: readonly Call[]): ExecState {
  const s: ExecState = { user: '', workdir: '/', env: {}, secretEnv: {}, secretMounts: [], temps: [], services: [], files: [], execs: [] };
  for (const call of chain) {
    const a = call.args;
    switch (call.field) {
      case 'from':
        s.image = String(a.address);
        break;
      case 'withUser':
        s.user = String(a.name);
        break;
      case 'withWorkdir':
        s.workdir = String(a.path);
        break;
      case 'withEnvVariable':
        s.env[String(a.name)] = String(a.value);
        break;
      case 'withSecretVariable':
        s.secretEnv[String(a.name)] = secretPlaintext(a.secret);
        break;
      case 'withMountedSecret':
        s.secretMounts.push({
          path: String(a.path),
          plaintext: secretPlaintext(a.source),
          owner: a.owner === undefined ? '0:0' : String(a.owner),
          mode: a.mode !== undefined ? Number(a.mode) : undefined,
        });
        break;
      case 'withMountedTemp':
        s.temps.push(String(a.path));
        break;
      case 'withServiceBinding':
        s.services.push({ alias: String(a.alias), service: isRef(a.service) ? a.service.chain : [] });
        break;
      case 'withFile': {
        const contents = fileContents(a.source);
        s.files.push({ path: String(a.path), contents });
        break;
      }
      case 'withExec':
        s.execs.push((a.args as unknown[]).map(String));
        break;
    }
  }
  return s;
}

/**
 * Runs module code as `dagger call` would: inside an SDK connection (to this fake engine), on the
 * module object made with an empty source directory. Returns what the function returned.
 */
export async function callModule<T>(engine: FakeEngine, work: (p: ReleasePipeline) => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, engine.env());
  let result: T | undefined;
  try {
    await connection(async () => {
      result = await work(new ReleasePipeline(dag.directory()));
    });
  } finally {
    for (const k of Object.keys(engine.env())) if (saved[k] === undefined) delete process.env[k];
  }
  return result as T;
}
