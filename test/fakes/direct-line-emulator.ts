/**
 * A small Direct Line 3.0 service on 127.0.0.1:0, enough for Microsoft's own Web Chat to talk to our bot:
 *  - the Direct Line REST endpoints Web Chat uses with polling (`webSocket: false`):
 *    POST /v3/directline/conversations, POST …/{id}/activities, GET …/{id}/activities?watermark=
 *    (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-api-reference);
 *  - the Connector endpoint our bot replies to (POST /v3/conversations/{id}/activities[/{replyToId}]), because
 *    every activity it forwards names this server as its `serviceUrl`;
 *  - a page with the botframework-webchat bundle (dist/webchat.js, served by file path).
 * User activities are forwarded to the bot's messaging endpoint the way Azure Bot Service does: the first one
 * of a conversation preceded by a conversationUpdate adding the user.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

export interface DirectLineEmulatorOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3000/api/messages. */
  botEndpoint: string;
  /** Path of botframework-webchat's browser bundle. */
  webChatBundle: string;
  bot?: { id: string; name: string };
}

export interface DirectLineEmulator {
  /** The page hosting Web Chat; `?locale=es-ES` sets Web Chat's locale. */
  readonly url: string;
  /** Activities of every conversation, as Web Chat polls them (user messages and bot replies). */
  transcript(): { conversationId: string; type: string; role: string | undefined; text: string | undefined }[];
  /** Status codes the bot answered forwarded activities with. */
  readonly botResponses: number[];
  close(): Promise<void>;
}

const userActivitySchema = z.looseObject({
  type: z.string().min(1),
  from: z.looseObject({ id: z.string().min(1), name: z.string().optional() }),
  text: z.string().optional(),
  locale: z.string().optional(),
});

const connectorActivitySchema = z.looseObject({ type: z.string().min(1), text: z.string().optional() });

type StoredActivity = Record<string, unknown> & { id: string; type: string; timestamp: string };

interface EmulatedConversation {
  id: string;
  token: string;
  activities: StoredActivity[];
  userJoined: boolean;
}

function page(locale: string): string {
  // Web Chat's documented minimal embedding, with polling instead of the Direct Line WebSocket stream.
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>Web Chat</title>
<style>html, body { height: 100%; margin: 0 } #webchat { height: 100% }</style></head>
<body>
<div id="webchat" role="main"></div>
<script src="/webchat.js"></script>
<script>
  window.WebChat.renderWebChat({
    directLine: window.WebChat.createDirectLine({
      token: 'emulator-secret',
      domain: location.origin + '/v3/directline',
      webSocket: false,
      pollingInterval: 200
    }),
    userID: 'webchat-user-1',
    username: 'Lucía',
    locale: ${JSON.stringify(locale)}
  }, document.getElementById('webchat'));
</script>
</body>
</html>`;
}

export async function startDirectLineEmulator(options: DirectLineEmulatorOptions): Promise<DirectLineEmulator> {
  const bot = { ...(options.bot ?? { id: 'switchboard-bot', name: 'Switchboard' }), role: 'bot' };
  const conversations = new Map<string, EmulatedConversation>();
  const botResponses: number[] = [];
  let origin = '';

  function append(conversation: EmulatedConversation, activity: Record<string, unknown>): StoredActivity {
    const stored: StoredActivity = {
      ...activity,
      type: typeof activity['type'] === 'string' ? activity['type'] : 'message',
      id: `${conversation.id}|${String(conversation.activities.length).padStart(7, '0')}`,
      timestamp: new Date().toISOString(),
      conversation: { id: conversation.id },
    };
    conversation.activities.push(stored);
    return stored;
  }

  async function forward(conversation: EmulatedConversation, activity: Record<string, unknown>): Promise<number> {
    const response = await fetch(options.botEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...activity,
        channelId: 'directline',
        serviceUrl: `${origin}/`,
        recipient: bot,
        conversation: { id: conversation.id },
      }),
    });
    botResponses.push(response.status);
    return response.status;
  }

  /** Direct Line answers 403 to a missing or wrong token. */
  function conversationOf(req: Request, res: Response): EmulatedConversation | undefined {
    const conversation = conversations.get(String(req.params['conversationId']));
    if (!conversation) {
      res.status(404).json({ error: { code: 'BadArgument', message: 'Conversation not found' } });
      return undefined;
    }
    if (req.get('authorization') !== `Bearer ${conversation.token}`) {
      res.status(403).json({ error: { code: 'TokenExpired', message: 'Token not valid for this conversation' } });
      return undefined;
    }
    return conversation;
  }

  const app = express();
  app.use(express.json({ limit: '1mb' }));

  app.get('/', (req, res) => {
    const locale = typeof req.query['locale'] === 'string' ? req.query['locale'] : 'en-US';
    res.type('html').send(page(locale));
  });
  app.get('/webchat.js', (_req, res) => res.sendFile(options.webChatBundle));

  app.post('/v3/directline/conversations', (req, res) => {
    if (req.get('authorization') !== 'Bearer emulator-secret') {
      res.status(403).json({ error: { code: 'BadArgument', message: 'Missing or invalid secret' } });
      return;
    }
    const conversation: EmulatedConversation = { id: `DL${randomUUID().replaceAll('-', '')}-emu`, token: randomUUID(), activities: [], userJoined: false };
    conversations.set(conversation.id, conversation);
    res.status(201).json({ conversationId: conversation.id, token: conversation.token, expires_in: 3600 });
  });

  app.get('/v3/directline/conversations/:conversationId/activities', (req, res) => {
    const conversation = conversationOf(req, res);
    if (!conversation) return;
    const watermark = Number(req.query['watermark'] ?? 0) || 0;
    res.json({ activities: conversation.activities.slice(watermark), watermark: String(conversation.activities.length) });
  });

  app.post('/v3/directline/conversations/:conversationId/activities', async (req, res, next: NextFunction) => {
    try {
      const conversation = conversationOf(req, res);
      if (!conversation) return;
      const parsed = userActivitySchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: { code: 'BadArgument', message: parsed.error.issues[0]?.message ?? 'invalid activity' } });
        return;
      }
      const user = { ...parsed.data.from, role: 'user' };
      if (!conversation.userJoined) {
        conversation.userJoined = true;
        const join = { type: 'conversationUpdate', id: `${conversation.id}|join`, from: user, membersAdded: [bot, user], locale: parsed.data.locale };
        await forward(conversation, join);
      }
      // Stored first: Web Chat sees its own message echoed, which marks it as sent.
      const stored = append(conversation, { ...parsed.data, from: user });
      const status = await forward(conversation, stored);
      if (status >= 300) {
        res.status(502).json({ error: { code: 'BotError', message: `the bot answered ${status}` } });
        return;
      }
      res.json({ id: stored.id });
    } catch (error) {
      next(error);
    }
  });

  const reply = (req: Request, res: Response): void => {
    const conversation = conversations.get(String(req.params['conversationId']));
    if (!conversation) {
      res.status(404).json({ error: { code: 'ConversationNotFound', message: 'Conversation not found' } });
      return;
    }
    const parsed = connectorActivitySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'BadArgument', message: parsed.error.issues[0]?.message ?? 'invalid activity' } });
      return;
    }
    res.json({ id: append(conversation, parsed.data).id });
  };
  app.post('/v3/conversations/:conversationId/activities', reply);
  app.post('/v3/conversations/:conversationId/activities/:replyToId', reply);

  const server = createServer(app);
  origin = `http://127.0.0.1:${await listenOnLoopback(server)}`;

  return {
    url: origin,
    botResponses,
    transcript() {
      return [...conversations.values()].flatMap((conversation) =>
        conversation.activities.map((activity) => {
          const from = activity['from'];
          const role = typeof from === 'object' && from !== null && 'role' in from && typeof from.role === 'string' ? from.role : undefined;
          const text = typeof activity['text'] === 'string' ? activity['text'] : undefined;
          return { conversationId: conversation.id, type: activity.type, role, text };
        }),
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
