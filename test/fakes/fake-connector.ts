/**
 * A fake Bot Framework Connector service (the `serviceUrl` of an activity) on 127.0.0.1:0. Speaks the v3 REST
 * API the SDK's ConnectorClient calls to send: `POST /v3/conversations/{conversationId}/activities` and
 * `POST /v3/conversations/{conversationId}/activities/{activityId}` → 200 `{ id }`. Records what arrives and can
 * be told to fail the next requests, to exercise retries.
 * API reference: https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import express from 'express';
import { z } from 'zod';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

const activityBodySchema = z.looseObject({
  type: z.string().min(1),
  text: z.string().optional(),
  textFormat: z.string().optional(),
  replyToId: z.string().optional(),
  conversation: z.looseObject({ id: z.string() }).optional(),
  from: z.looseObject({ id: z.string() }).optional(),
  recipient: z.looseObject({ id: z.string() }).optional(),
});

export type ConnectorActivity = z.infer<typeof activityBodySchema>;

export interface RecordedActivity {
  /** The id we answered with. */
  id: string;
  /** The conversation id as decoded from the URL path. */
  conversationId: string;
  /** The `{activityId}` path segment when the SDK replied to an activity. */
  replyToId: string | undefined;
  authorization: string | undefined;
  activity: ConnectorActivity;
}

export interface FakeConnector {
  /** Put this in an activity's `serviceUrl`. */
  readonly serviceUrl: string;
  readonly activities: readonly RecordedActivity[];
  /** Requests answered with an injected failure, in order. */
  readonly failed: readonly { status: number; conversationId: string }[];
  /**
   * Answers the next `count` requests carrying an activity of `type` (default: messages, so the typing
   * indicator sent inside a turn does not use up the failures) with `status` instead of recording them.
   */
  failNext(count: number, status?: number, type?: string): void;
  /** The first recorded activity that matches, now or once it arrives (the test's timeout bounds the wait). */
  waitFor(predicate: (recorded: RecordedActivity) => boolean): Promise<RecordedActivity>;
  /** Texts of the message activities sent to one conversation, in arrival order. */
  messagesTo(conversationId: string): string[];
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const activities: RecordedActivity[] = [];
  const failed: { status: number; conversationId: string }[] = [];
  const events = new EventEmitter();
  let failures = { remaining: 0, status: 500, type: 'message' };

  const app = express();
  app.use(express.json({ limit: '1mb' }));
  const handler = (req: express.Request, res: express.Response): void => {
    const conversationId = String(req.params['conversationId']);
    const replyToId = typeof req.params['activityId'] === 'string' ? req.params['activityId'] : undefined;
    const parsed = activityBodySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'BadArgument', message: parsed.error.issues[0]?.message ?? 'invalid activity' } });
      return;
    }
    if (failures.remaining > 0 && parsed.data.type === failures.type) {
      failures.remaining -= 1;
      failed.push({ status: failures.status, conversationId });
      res.status(failures.status).json({ error: { code: 'ServiceError', message: 'injected failure' } });
      return;
    }
    const recorded: RecordedActivity = {
      id: `fake-activity-${activities.length + 1}`,
      conversationId,
      replyToId,
      authorization: req.get('authorization'),
      activity: parsed.data,
    };
    activities.push(recorded);
    events.emit('activity', recorded);
    res.status(200).json({ id: recorded.id });
  };
  app.post('/v3/conversations/:conversationId/activities', handler);
  app.post('/v3/conversations/:conversationId/activities/:activityId', handler);
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NotFound', message: `${req.method} ${req.path} is not part of the fake connector` } });
  });

  const server = createServer(app);
  const port = await listenOnLoopback(server);

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    activities,
    failed,
    failNext(count, status = 500, type = 'message') {
      failures = { remaining: count, status, type };
    },
    waitFor(predicate) {
      const found = activities.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const listener = (recorded: RecordedActivity): void => {
          if (!predicate(recorded)) return;
          events.off('activity', listener);
          resolve(recorded);
        };
        events.on('activity', listener);
      });
    },
    messagesTo(conversationId) {
      return activities
        .filter((a) => a.conversationId === conversationId && a.activity.type === 'message')
        .map((a) => a.activity.text ?? '');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
