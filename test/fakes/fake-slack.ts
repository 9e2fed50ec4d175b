/**
 * A fake Slack Web API on 127.0.0.1:0 that speaks the real wire protocol (form-encoded or JSON POSTs to
 * /api/<method>, `{ ok: true, ... }` answers, 429 with Retry-After), so the real @slack/web-api WebClient and
 * Bolt talk to it unchanged. Records every call for assertions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

export interface FakeSlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** `performance.now()` when the request arrived, for latency measurements (bench/escalation.ts). */
  receivedAt: number;
}

export interface FakeSlack {
  /** Base URL for SLACK_API_URL, ending in /api/. */
  apiUrl: string;
  botUserId: string;
  botId: string;
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** The next `count` calls to `method` answer 429 with Retry-After. */
  rateLimitNext(method: string, count?: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    // The WebClient JSON-encodes structured arguments (blocks, attachments) in form bodies.
    args[key] = key === 'blocks' || key === 'attachments' ? (JSON.parse(value) as unknown) : value;
  }
  return args;
}

export async function startFakeSlack(options: { users?: Record<string, string> } = {}): Promise<FakeSlack> {
  const users = options.users ?? {};
  const calls: FakeSlackCall[] = [];
  const limited = new Map<string, { count: number; retryAfter: number }>();
  let seq = 0;
  const botUserId = 'UBOT00001';
  const botId = 'BBOT00001';

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake Team', user: 'switchboard', team_id: 'T0FAKE', user_id: botUserId, bot_id: botId };
      case 'chat.postMessage': {
        seq += 1;
        const ts = `1700000000.${String(seq).padStart(6, '0')}`;
        return { ok: true, channel: args.channel, ts, message: { text: args.text, ts, thread_ts: args.thread_ts, bot_id: botId, user: botUserId } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        seq += 1;
        return { ok: true, message_ts: `1700000000.${String(seq).padStart(6, '0')}` };
      case 'users.info': {
        const id = String(args.user);
        const name = users[id];
        if (!name) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id, name: name.toLowerCase(), real_name: `${name} Real`, profile: { display_name: name, real_name: `${name} Real` } } };
      }
      case 'conversations.replies':
        return { ok: true, messages: [], has_more: false };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const receivedAt = performance.now();
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const args = await readBody(req);
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
      calls.push({ method, args, token, receivedAt });
      const limit = limited.get(method);
      if (limit && limit.count > 0) {
        limit.count -= 1;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfter) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const body = token ? answer(method, args) : { ok: false, error: 'not_authed' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    })();
  });
  const port = await listenOnLoopback(server);
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    botUserId,
    botId,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    rateLimitNext(method, count = 1, retryAfterSeconds = 1) {
      limited.set(method, { count, retryAfter: retryAfterSeconds });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
