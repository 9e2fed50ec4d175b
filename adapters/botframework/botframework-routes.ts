/**
 * `POST /api/messages`: the Bot Framework messaging endpoint. Validate → authenticate (the SDK's JWT check) →
 * vouch for the serviceUrl → map → receive or welcome → ack. Replies never go out inside the turn: they are
 * queued and the outbox sends them through the stored ConversationReference. Only the typing indicator is sent
 * from the turn, after the serviceUrl has been vouched for (botframework-service-url.ts) and found to be the one
 * the conversation already uses.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Address, ChannelHints, Receive } from '../../src/model.js';
import { mapActivity, type BotFrameworkEvent } from './botframework-inbound.js';
import { toChannelError } from './botframework-outbound.js';
import type { BotConnector } from './botframework-cloud-adapter.js';
import { bodyParserErrorType, ForbiddenError } from '../../src/errors.js';
import { createRefusalLog } from '../../src/refusal-log.js';
import { conversationReferenceSchema } from './botframework-schemas.js';
import { serviceUrlRefusal, type ServiceUrlVoucher } from './botframework-service-url.js';
import { botbuilder } from './botbuilder-sdk.js';

export interface BotFrameworkRoutesOptions {
  connector: BotConnector;
  receive: Receive;
  welcome: (address: Address, hints: ChannelHints) => Promise<void>;
  logger: Logger;
  /**
   * The reference stored for a conversation (the customer's `addressRef`), if any: an activity naming another
   * serviceUrl for it is refused, so nobody can redirect a conversation's replies. Without it nothing is compared.
   */
  storedReference?: (conversationId: string) => Promise<unknown>;
  now?: () => Date;
}

/** Activities are small; Teams attachments travel as URLs, not inline. */
const BODY_LIMIT = '256kb';

function authStatusOf(error: unknown): number | undefined {
  // botframework-connector's AuthenticationError carries the status it wants answered (401).
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = error.statusCode;
  return status === 401 || status === 403 ? status : undefined;
}

export function createBotFrameworkRouter(options: BotFrameworkRoutesOptions): Router {
  const { connector, receive, welcome, logger, now = () => new Date() } = options;
  const router = express.Router();
  const refusals = createRefusalLog({ logger, now: () => now().getTime() });

  /** Throws {@link ForbiddenError} unless the serviceUrl is vouched for and is the conversation's own. */
  async function checkServiceUrl(serviceUrl: string, voucher: ServiceUrlVoucher, event: BotFrameworkEvent): Promise<void> {
    const refusal = serviceUrlRefusal(serviceUrl, voucher);
    if (refusal) throw new ForbiddenError(refusal);
    if (event.kind === 'ignored' || !options.storedReference) return;
    const conversationId = event.kind === 'join' ? event.address.id : event.inbound.from.id;
    const stored = conversationReferenceSchema.safeParse(await options.storedReference(conversationId));
    if (stored.success && stored.data.serviceUrl !== serviceUrl) {
      throw new ForbiddenError('serviceUrl differs from the one this conversation uses');
    }
  }

  async function sendTyping(context: TurnContext, conversationId: string): Promise<void> {
    try {
      await context.sendActivity({ type: botbuilder().ActivityTypes.Typing });
    } catch (error) {
      // Only a hint to the customer: the answer itself goes through the outbox, which retries and dead-letters.
      logger.warn({ err: toChannelError(error, conversationId) }, 'typing indicator not delivered');
    }
  }

  async function handle(context: TurnContext, voucher: ServiceUrlVoucher, event: BotFrameworkEvent): Promise<void> {
    await checkServiceUrl(context.activity.serviceUrl, voucher, event);
    if (event.kind === 'ignored') {
      logger.debug({ reason: event.reason }, 'activity ignored');
      return;
    }
    if (event.kind === 'join') {
      await welcome(event.address, event.hints);
      return;
    }
    const typing = sendTyping(context, event.inbound.from.id);
    const result = await receive(event.inbound);
    await typing;
    logger.debug({ messageId: result.messageId, duplicate: result.duplicate }, 'activity received');
  }

  router.post('/api/messages', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const mapped = mapActivity(req.body, now());
    if (!mapped.ok) {
      refusals.refused('botframework activity', req.ip, { reason: mapped.reason }, 'activity rejected');
      res.status(400).json({ error: mapped.reason });
      return;
    }
    const event = mapped.event;
    // The schema checked every field the SDK reads; the rest of the Activity interface is optional in practice.
    const activity = req.body as Activity;
    try {
      const invoke = await connector.runTurn(req.get('authorization') ?? '', activity, (context, voucher) => handle(context, voucher, event));
      if (invoke?.body !== undefined) res.status(invoke.status).json(invoke.body);
      else res.sendStatus(invoke?.status ?? 200);
    } catch (error) {
      const status = authStatusOf(error);
      if (status) {
        const reason = error instanceof Error ? error.message : 'not authenticated';
        refusals.refused('botframework token', req.ip, { reason }, 'Bot Framework request not authenticated');
        res.status(status).json({ error: 'not authenticated: a valid Bot Framework token is required' });
        return;
      }
      if (error instanceof ForbiddenError) {
        refusals.refused('botframework serviceUrl', req.ip, { reason: error.message }, 'Bot Framework activity refused');
        res.status(403).json({ error: error.message });
        return;
      }
      logger.error({ err: error, activityId: activity.id }, 'activity could not be processed');
      res.status(500).json({ error: 'the activity could not be processed; please retry' });
    }
  });

  router.use('/api/messages', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = bodyParserErrorType(error);
    if (type === 'entity.parse.failed') res.status(400).json({ error: 'body must be a JSON activity' });
    else if (type === 'entity.too.large') res.status(413).json({ error: `body must be at most ${BODY_LIMIT}` });
    else next(error);
  });
  return router;
}
