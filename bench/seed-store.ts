// Months of data for the throughput bench's "flat" figure: clones one real chat's documents (its
// record's facts, claims, thread link and messages, as FerretDB itself wrote them while the
// product handled the chat) into `conversations` copies, each under a new conversation id and
// thread ts, in SQL on FerretDB's PostgreSQL tables. Hand-written because inserting millions of
// documents through the MongoDB protocol takes longer than the whole bench may (~7,000 a second
// here); a copy made this way is what the product would have stored, indexes included, since
// PostgreSQL maintains FerretDB's indexes and their twins on every insert. Embedded FerretDB on
// PostgreSQL only (the default); psql from Debian's postgresql-client.
import { spawnSync } from 'node:child_process';

export interface SeedInput {
  postgresqlUrl: string;
  dbName: string;
  /** The chat to copy: its id and its thread's ts appear in every document it owns. */
  conversationId: string;
  threadTs: string;
  conversations: number;
}

export interface SeedResult { seconds: number; documents: Record<string, number> }

const COLLECTIONS = ['conversation_facts', 'conversation_claims', 'threads', 'thread_messages'];

function psql(url: string, sql: string): string {
  const run = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`psql failed (${run.status}): ${run.stderr || run.error?.message}`);
  return run.stdout.trim();
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function seedStore(input: SeedInput): SeedResult {
  const started = performance.now();
  const schema = ident(input.dbName);
  // FerretDB's own map from collection names to table names.
  const tables = new Map(
    psql(input.postgresqlUrl, `SELECT _jsonb->>'_id', _jsonb->>'table' FROM ${schema}._ferretdb_database_metadata`)
      .split('\n').filter(Boolean).map((line) => line.split('|') as [string, string]),
  );
  const documents: Record<string, number> = {};
  const [tsSeconds] = input.threadTs.split('.');
  for (const collection of COLLECTIONS) {
    const table = tables.get(collection);
    if (!table) throw new Error(`no FerretDB table for ${collection} in ${input.dbName}`);
    // Each copy n: the conversation id gets a suffix, the thread ts another second part, so every
    // _id (which holds one or the other) is new and nothing points at the original chat.
    const sql = `INSERT INTO ${schema}.${ident(table)} (_jsonb)
      SELECT replace(replace(t._jsonb::text, ${literal(input.conversationId)}, ${literal(input.conversationId)} || '_s' || n),
                     ${literal(input.threadTs)}, ${literal(`${tsSeconds}.`)} || lpad(n::text, 6, '0'))::jsonb
      FROM ${schema}.${ident(table)} t, generate_series(1, ${input.conversations}) n
      WHERE t._jsonb::text LIKE ${literal(`%${input.conversationId}%`)}`;
    const inserted = psql(input.postgresqlUrl, sql);
    documents[collection] = Number(/INSERT 0 (\d+)/.exec(inserted)?.[1] ?? 0);
  }
  // As autovacuum would have, long before a store held this much.
  psql(input.postgresqlUrl, `ANALYZE`);
  return { seconds: Math.round((performance.now() - started) / 100) / 10, documents };
}
