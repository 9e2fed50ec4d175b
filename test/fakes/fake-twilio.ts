/**
 * A local stand-in for Twilio's REST API, on 127.0.0.1:0, speaking its wire format: form-encoded
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth, answered 201 with a Message
 * resource, errors as `{code, message, more_info, status}`. Failures can be queued (429, 500, 21610, a
 * dropped connection). It also plays Twilio's webhook side: it signs and posts form webhooks to us.
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

/** A failure the next create request gets instead of a 201; `'pass'` lets one through, to fail a later one. */
export type FakeTwilioFailure = { status: number; code: number; message: string } | 'drop' | 'pass';

export const TWILIO_FAILURES = {
  tooManyRequests: { status: 429, code: 20429, message: 'Too Many Requests' },
  serverError: { status: 500, code: 20500, message: 'Internal Server Error' },
  unsubscribed: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  invalidTo: { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
} as const;

export interface FakeTwilio {
  /** Base URL for TWILIO_API_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages accepted (201), in order. */
  messages: FakeTwilioMessage[];
  /** Every create request that reached us, including failed and rejected ones. */
  attempts: number;
  failNext(...failures: FakeTwilioFailure[]): void;
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

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const messages: FakeTwilioMessage[] = [];
  const failures: FakeTwilioFailure[] = [];
  const events = new EventEmitter();
  let attempts = 0;
  const holds: { arrived(): void; released: Promise<void> }[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(path);
    if (req.method !== 'POST' || !match) {
      twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
      return;
    }
    attempts += 1;
    const form = new URLSearchParams(await readBody(req));
    if (req.headers.authorization !== expectedAuth || match[1] !== accountSid) {
      twilioError(res, 401, 20003, 'Authenticate');
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
    const failure = failures.shift();
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    if (failure && failure !== 'pass') {
      twilioError(res, failure.status, failure.code, failure.message);
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
    const now = new Date().toUTCString().replace('GMT', '+0000');
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        account_sid: accountSid,
        api_version: '2010-04-01',
        body: body ?? '',
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: messagingServiceSid ?? null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: messagingServiceSid ? 'accepted' : 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      }),
    );
    events.emit('message');
  });
  const port = await listenOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get attempts() {
      return attempts;
    },
    failNext: (...next) => void failures.push(...next),
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
