/**
 * A local stand-in for Twilio's REST API, on 127.0.0.1:0, speaking its wire format: form-encoded
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth, answered 201 with a Message
 * resource, errors as `{code, message, more_info, status}`; `GET` on the same path lists the accepted messages
 * newest first, filtered by To, From and DateSent (by day, as Twilio does). Failures can be queued (429, 500,
 * 21610, a dropped connection), an outage can last until a given time, and one recipient's requests can be left
 * unanswered. It also plays Twilio's webhook side: it signs and posts form webhooks to us.
 * See https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
import { EventEmitter, once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import twilio from 'twilio';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  body: string | undefined;
  contentSid: string | undefined;
  contentVariables: string | undefined;
  statusCallback: string | undefined;
}

/**
 * A failure the next create request gets instead of a 201: `'drop'` closes the connection before creating the
 * message, `'lose-answer'` creates it and then closes the connection (the answer is lost), `'pass'` lets one
 * through, to fail a later one.
 */
export type FakeTwilioFailure = FakeTwilioError | 'drop' | 'lose-answer' | 'pass';

/** A refusal; `retryAfter` is sent as the Retry-After header. */
export interface FakeTwilioError {
  status: number;
  code: number;
  message: string;
  retryAfter?: string;
}

export const TWILIO_FAILURES = {
  tooManyRequests: { status: 429, code: 20429, message: 'Too Many Requests' },
  serverError: { status: 500, code: 20500, message: 'Internal Server Error' },
  unsubscribed: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  invalidTo: { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
  requestTimeout: { status: 408, code: 20408, message: 'Request Timeout' },
} as const;

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** The fake's clock: message dates and the end of an outage; a test may pass its fake clock. */
  now?: () => Date;
}

export interface FakeTwilio {
  /** Base URL for TWILIO_API_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages accepted (201), in order. */
  messages: FakeTwilioMessage[];
  /** Every create request that reached us, including failed and rejected ones. */
  attempts: number;
  /** Every list (GET Messages.json) request that reached us. */
  lookups: number;
  failNext(...failures: FakeTwilioFailure[]): void;
  /** Every request (create and list) fails with `failure` (a 500 by default) until the fake's clock reaches `until`. */
  failUntil(until: Date, failure?: FakeTwilioError): void;
  /** Create requests for this recipient are read and then never answered (until `close`). */
  neverAnswer(to: string): void;
  /** Create requests left unanswered by `neverAnswer`. */
  pending: number;
  /** Requests being handled right now (not counting those left unanswered): 0 when the fake is idle. */
  inFlight: number;
  /**
   * Holds the next create request before it is answered (a slow API): `reached` resolves once it arrived,
   * and `release` lets it continue with whatever `failNext` queued.
   */
  holdNext(): { reached: Promise<void>; release(): void };
  /** Resolves once at least `count` messages have been accepted. */
  waitForMessages(count: number): Promise<FakeTwilioMessage[]>;
  /** Posts a webhook to `localUrl` signed, like Twilio, over `signedUrl` (the public URL it was configured with). */
  postWebhook(localUrl: string, signedUrl: string, params: Record<string, string>, options?: { signature?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function twilioError(res: ServerResponse, status: number, code: number, message: string, retryAfter?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter !== undefined && { 'retry-after': retryAfter }) });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Twilio's date format in resources (RFC 2822, whole seconds). */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');
const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** The Message resource as Twilio answers it; a template's body is its text with the variables filled in. */
function messageResource(message: FakeTwilioMessage, createdAt: Date): Record<string, unknown> {
  const variables: unknown = message.contentVariables === undefined ? undefined : JSON.parse(message.contentVariables);
  const body = message.body ?? `Template ${message.contentSid ?? ''}: ${Object.values(variables ?? {}).map(String).join(' | ')}`;
  return {
    account_sid: message.accountSid,
    api_version: '2010-04-01',
    body,
    date_created: rfc2822(createdAt),
    // The fake sends at once: the message has left Twilio's queue when it is listed.
    date_sent: rfc2822(createdAt),
    date_updated: rfc2822(createdAt),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: message.from ?? null,
    messaging_service_sid: message.messagingServiceSid ?? null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.messagingServiceSid ? 'accepted' : 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json` },
    to: message.to,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
  };
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const now = options.now ?? (() => new Date());
  const messages: FakeTwilioMessage[] = [];
  const createdAt = new Map<string, Date>();
  const failures: FakeTwilioFailure[] = [];
  const events = new EventEmitter();
  let attempts = 0;
  let lookups = 0;
  let pending = 0;
  let inFlight = 0;
  let outage: { until: Date; failure: FakeTwilioError } | undefined;
  const unanswered = new Set<string>();
  const holds: { arrived(): void; released: Promise<void> }[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  /** GET Messages.json: newest first; `DateSent>` keeps messages sent on or after that day (Twilio reads the date only). */
  function list(res: ServerResponse, query: URLSearchParams): void {
    const to = query.get('To');
    const from = query.get('From');
    const sentAfter = query.get('DateSent>');
    const pageSize = Number(query.get('PageSize') ?? 50);
    const listed = messages
      .filter((m) => (to === null || m.to === to) && (from === null || m.from === from))
      .filter((m) => sentAfter === null || utcDay(createdAt.get(m.sid) ?? now()) >= utcDay(new Date(sentAfter)))
      .reverse()
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        messages: listed.map((m) => messageResource(m, createdAt.get(m.sid) ?? now())),
        end: Math.max(0, listed.length - 1),
        first_page_uri: `${uri}?PageSize=${pageSize}&Page=0`,
        next_page_uri: null,
        page: 0,
        page_size: pageSize,
        previous_page_uri: null,
        start: 0,
        uri: `${uri}?PageSize=${pageSize}&Page=0`,
      }),
    );
  }

  const server = createServer(async (req, res) => {
    inFlight += 1;
    try {
      await handle(req, res);
    } finally {
      inFlight -= 1;
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(path);
    if ((req.method !== 'POST' && req.method !== 'GET') || !match) {
      twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
      return;
    }
    if (req.method === 'POST') attempts += 1;
    else lookups += 1;
    const form = new URLSearchParams(await readBody(req));
    if (req.headers.authorization !== expectedAuth || match[1] !== accountSid) {
      twilioError(res, 401, 20003, 'Authenticate');
      return;
    }
    const down = outage && now() < outage.until ? outage.failure : undefined;
    if (req.method === 'GET') {
      if (down) twilioError(res, down.status, down.code, down.message);
      else list(res, url.searchParams);
      return;
    }
    if (unanswered.has(form.get('To') ?? '')) {
      // Read, never answered: a hanging connector. `close` ends the connection.
      pending += 1;
      return;
    }
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      twilioError(res, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
      return;
    }
    const hold = holds.shift();
    if (hold) {
      hold.arrived();
      await hold.released;
    }
    if (down) {
      twilioError(res, down.status, down.code, down.message, down.retryAfter);
      return;
    }
    const failure = failures.shift();
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    const loseAnswer = failure === 'lose-answer';
    if (failure && failure !== 'pass' && !loseAnswer) {
      twilioError(res, failure.status, failure.code, failure.message, failure.retryAfter);
      return;
    }
    const to = form.get('To');
    const from = form.get('From') ?? undefined;
    const messagingServiceSid = form.get('MessagingServiceSid') ?? undefined;
    const body = form.get('Body') ?? undefined;
    const contentSid = form.get('ContentSid') ?? undefined;
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!from && !messagingServiceSid) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body && !contentSid) return twilioError(res, 400, 21602, 'Message body is required.');
    if (body && body.length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');

    const sid = `SM${hex(16)}`;
    const message: FakeTwilioMessage = {
      sid,
      accountSid,
      to,
      from,
      messagingServiceSid,
      body,
      contentSid,
      contentVariables: form.get('ContentVariables') ?? undefined,
      statusCallback: form.get('StatusCallback') ?? undefined,
    };
    messages.push(message);
    createdAt.set(sid, now());
    events.emit('message');
    if (loseAnswer) {
      req.socket.destroy();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json' });
    // The create answer has no send date yet; the message leaves the queue after it.
    res.end(JSON.stringify({ ...messageResource(message, now()), date_sent: null }));
  }
  const port = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get attempts() {
      return attempts;
    },
    get lookups() {
      return lookups;
    },
    get pending() {
      return pending;
    },
    get inFlight() {
      return inFlight;
    },
    failNext: (...next) => void failures.push(...next),
    failUntil(until, failure = TWILIO_FAILURES.serverError) {
      outage = { until, failure };
    },
    neverAnswer: (to) => void unanswered.add(to),
    holdNext() {
      let arrived = () => {};
      let release = () => {};
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ arrived, released });
      return { reached, release };
    },
    async waitForMessages(count) {
      while (messages.length < count) await once(events, 'message');
      return messages;
    },
    async postWebhook(localUrl, signedUrl, params, webhookOptions = {}) {
      const signature =
        webhookOptions.signature === undefined ? twilio.getExpectedTwilioSignature(authToken, signedUrl, params) : webhookOptions.signature;
      return fetch(localUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'user-agent': 'TwilioProxy/1.1',
          ...(signature === null ? {} : { 'x-twilio-signature': signature }),
        },
        body: new URLSearchParams(params).toString(),
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
