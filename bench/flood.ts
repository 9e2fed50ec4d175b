/**
 * Flood benchmark of the public web channel, against the whole service in a child process on the embedded
 * store, on 127.0.0.1 only, every loop bounded:
 *  1. with the default limits: 2,000 messages from one visitor, then 2,000 from 200 visitors behind one IP,
 *     then 2,000 WebSockets from one visitor and from 200 visitors: accepted and limited, RSS, database growth;
 *  2. with every limit off: 1,000 messages of 2,000 characters, for the database growth per 1,000 messages,
 *     and history read in pages against one read of everything.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:flood      (FLOOD_CONCURRENCY=20 by default)
 */
import { startServer, stopServer, type Server } from './service-process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { SQLITE_FILE_NAME } from '../src/store/open-store.js';

const concurrency = Number(process.env.FLOOD_CONCURRENCY ?? 20);
const LIMITS_OFF = {
  WEB_MESSAGES_PER_VISITOR_PER_MINUTE: '0',
  WEB_MESSAGES_PER_IP_PER_MINUTE: '0',
  WEB_SOCKETS_PER_VISITOR: '0',
  WEB_SOCKETS_PER_IP: '0',
  WEB_SOCKETS_TOTAL: '0',
};

interface Service extends Server {
  dataDir: string;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-flood-'));
  return { ...(await startServer('src/main.ts', { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env })), dataDir };
}

async function stopService(service: Service): Promise<void> {
  await stopServer(service);
  rmSync(service.dataDir, { recursive: true, force: true });
}

/** Resident and peak resident memory of the service process, in MiB. */
function memory(service: Service): string {
  const status = readFileSync(`/proc/${service.child.pid}/status`, 'utf8');
  const mib = (field: string) => (Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024).toFixed(0);
  return `RSS ${mib('VmRSS')} MiB (peak ${mib('VmHWM')} MiB)`;
}

/**
 * The database's logical size (pages × page size) as a reader sees it, write-ahead log included: the files'
 * sizes would count the log's preallocation and not its checkpoints.
 */
function databaseBytes(service: Service): number {
  const db = new Database(join(service.dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
  } finally {
    db.close();
  }
}

/** Waits (at most 60 s) until the outbox has written its replies: the database stops growing for a second. */
async function settled(service: Service): Promise<number> {
  let last = -1;
  for (let i = 0; i < 60; i += 1) {
    const now = databaseBytes(service);
    if (now === last) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return last;
}

/** Runs `count` tasks, `concurrency` at a time. */
async function pool<T>(count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

const tally = (statuses: number[]) => {
  const accepted = statuses.filter((s) => s === 202).length;
  const limited = statuses.filter((s) => s === 429).length;
  return `accepted ${accepted}, limited ${limited}, other ${statuses.length - accepted - limited}`;
};

async function flood(service: Service, label: string, count: number, visitorOf: (i: number) => string, text: (i: number) => string): Promise<void> {
  const before = databaseBytes(service);
  const started = performance.now();
  const statuses = await pool(count, async (i) => {
    const response = await fetch(`${service.url}/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitorId: visitorOf(i), clientMessageId: `flood_${label.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 40)}_${i}`, text: text(i) }),
    });
    await response.arrayBuffer();
    return response.status;
  });
  const seconds = (performance.now() - started) / 1000;
  const grown = (await settled(service)) - before;
  console.log(
    `${label}: ${count} messages in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s): ${tally(statuses)}; ` +
      `database +${(grown / 1024).toFixed(0)} KiB; ${memory(service)}`,
  );
}

/** Opens `count` sockets (kept open until all are tried), then closes them; prints opened and refused. */
async function socketFlood(service: Service, label: string, count: number, visitorOf: (i: number) => string): Promise<void> {
  const open: WebSocket[] = [];
  const outcomes = await pool(count, (i) => {
    const ws = new WebSocket(`${service.url.replace('http', 'ws')}/web/socket?visitorId=${visitorOf(i)}`);
    return new Promise<string>((resolve) => {
      ws.once('open', () => {
        open.push(ws);
        resolve('opened');
      });
      ws.once('unexpected-response', (request, response) => {
        request.destroy();
        resolve(String(response.statusCode));
      });
      ws.once('error', () => resolve('error'));
    });
  });
  console.log(
    `${label}: ${count} WebSockets: opened ${outcomes.filter((o) => o === 'opened').length}, ` +
      `refused (429) ${outcomes.filter((o) => o === '429').length}, other ${outcomes.filter((o) => o !== 'opened' && o !== '429').length}; ${memory(service)}`,
  );
  await Promise.all(open.map((ws) => new Promise((resolve) => (ws.once('close', resolve), ws.close()))));
}

async function historyReads(service: Service, visitorId: string): Promise<void> {
  const read = async (query: string) => {
    const response = await fetch(`${service.url}/web/history?visitorId=${visitorId}${query}`);
    return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
  };
  const page = await read('&limit=200');
  const all = await read('&limit=100000');
  await pool(50, () => read('&limit=200'));
  console.log(
    `history: one page of 200 = ${(page.bytes / 1024).toFixed(0)} KiB; asking for everything answers ${all.status} ` +
      `(limit is at most 200); 50 page reads at once: ${memory(service)}`,
  );
}

async function main(): Promise<void> {
  console.log(`web channel flood, ${concurrency} concurrent requests, one IP (127.0.0.1), embedded SQLite`);
  const limited = await startService({});
  try {
    console.log(`started with the default limits: ${memory(limited)}`);
    await flood(limited, 'one visitor', 2000, () => 'flood_visitor_0001', (i) => `question ${i}: how long does shipping take?`);
    await flood(limited, '200 visitors, one IP', 2000, (i) => `flood_visitor_${String(i % 200).padStart(4, '0')}`, (i) => `question ${i}: where is my order?`);
    await socketFlood(limited, 'one visitor', 2000, () => 'flood_socket_0001');
    await socketFlood(limited, '200 visitors, one IP', 2000, (i) => `flood_socket_${String(i % 200).padStart(4, '0')}`);
  } finally {
    await stopService(limited);
  }

  const open = await startService(LIMITS_OFF);
  try {
    console.log(`started with every web limit off: ${memory(open)}`);
    const long = (i: number) => `${i} ${'Where is my order? It has not arrived yet and I am waiting. '.repeat(40)}`.slice(0, 2000);
    await flood(open, '1,000 long messages (100 visitors, limits off), database growth per 1,000', 1000, (i) => `flood_long_${String(i % 100).padStart(4, '0')}`, long);
    await flood(open, '1,000 more from one visitor (limits off)', 1000, () => 'flood_history_0001', (i) => `question ${i}: how can I return an item?`);
    await historyReads(open, 'flood_history_0001');
  } finally {
    await stopService(open);
  }
}

await main();
