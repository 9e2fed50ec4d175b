/**
 * Twilio's two webhooks. Each reads the raw body, verifies X-Twilio-Signature over it, and only then parses:
 * an unsigned request never reaches the engine or the store. A signed one is accepted whenever its ids are
 * there (Twilio does not retry a 400); parameters of an unexpected shape are logged. Incoming messages are
 * acked with empty TwiML; the reply goes out through the outbox.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Receive } from '../../src/model.js';
import { BadRequestError, SignatureError, bodyParserErrorType, httpStatusOf } from '../../src/errors.js';
import { createRefusalLog, type RefusalLog } from '../../src/refusal-log.js';
import { publicWebhookUrl, verifyTwilioRequest, type TwilioParams } from './twilio-signature.js';
import { parseTwilioInbound } from './twilio-inbound.js';
import { parseStatusCallback, type StatusUpdate } from './twilio-status.js';

export interface TwilioRoutesOptions {
  receive: Receive;
  onStatus: (update: StatusUpdate) => Promise<void>;
  authToken: string;
  /** The https origin Twilio calls (PUBLIC_URL); signatures are computed over it. */
  publicUrl: string;
  logger: Logger;
  now?: () => Date;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** Twilio's message webhook is a few KB even with ten media items. */
const BODY_LIMIT = '64kb';

/** Parameters of a verified request: form fields as they are, a JSON body's top-level object. */
function paramsOf(verified: ReturnType<typeof verifyTwilioRequest>): TwilioParams | Record<string, unknown> {
  if (verified.kind === 'form') return verified.params;
  let parsed: unknown;
  try {
    parsed = JSON.parse(verified.body);
  } catch {
    throw new BadRequestError('body must be valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequestError('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function createTwilioRouter(options: TwilioRoutesOptions): Router {
  const { receive, logger, now = () => new Date() } = options;
  const router = express.Router();
  // Every content type is kept raw: the signature covers the bytes exactly as Twilio sent them.
  const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT });

  function verify(req: Request) {
    const body: unknown = req.body;
    return verifyTwilioRequest(options.authToken, {
      url: publicWebhookUrl(options.publicUrl, req.originalUrl),
      signature: req.get('x-twilio-signature'),
      contentType: req.get('content-type'),
      rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
    });
  }

  router.post('/twilio/messages', rawBody, async (req, res, next) => {
    try {
      const { inbound, issues } = parseTwilioInbound(paramsOf(verify(req)), now());
      if (issues.length > 0) logger.warn({ externalId: inbound.externalId, issues }, 'Twilio message webhook of an unexpected shape; accepted');
      const result = await receive(inbound);
      logger.debug({ messageSid: inbound.externalId, duplicate: result.duplicate }, 'twilio message received');
      res.status(200).type('text/xml').send(EMPTY_TWIML);
    } catch (error) {
      next(error);
    }
  });

  router.post('/twilio/status', rawBody, async (req, res, next) => {
    try {
      // The query is the one the sender put on the message's StatusCallback (its outbox row), covered by the signature.
      const { update, issues } = parseStatusCallback(paramsOf(verify(req)), new URL(req.originalUrl, 'http://localhost').searchParams);
      if (issues.length > 0) logger.warn({ messageSid: update.messageSid, issues }, 'Twilio status callback of an unexpected shape; accepted');
      await options.onStatus(update);
      res.status(204).end();
    } catch (error) {
      next(error);
    }
  });

  router.use('/twilio', twilioErrors(logger, createRefusalLog({ logger, now: () => now().getTime() })));
  return router;
}

/**
 * Signature failures are answered 400/403 and logged once per source and minute with a count; bad parameters
 * and unreadable bodies (a body marked gzip that is not) 400 with the reason; the rest 500.
 */
function twilioErrors(logger: Logger, refusals: RefusalLog) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const type = bodyParserErrorType(error);
    if (type === 'entity.too.large') {
      res.status(413).type('text/plain').send(`body must be at most ${BODY_LIMIT}`);
      return;
    }
    if (type !== undefined) {
      const unsupported = type === 'encoding.unsupported' || type === 'charset.unsupported';
      res.status(unsupported ? 415 : 400).type('text/plain').send(unsupported ? 'unsupported body encoding' : 'body could not be read');
      return;
    }
    const status = httpStatusOf(error);
    const reason = error instanceof Error ? error.message : 'invalid request';
    if (error instanceof SignatureError) {
      refusals.refused('twilio signature', req.ip, { path: req.path, reason: error.reason }, `rejected Twilio webhook: ${reason}`);
    } else if (status >= 500) {
      logger.error({ err: error, path: req.path }, 'Twilio webhook failed');
    } else {
      logger.warn({ path: req.path, reason }, 'bad Twilio webhook');
    }
    res.status(status).type('text/plain').send(status >= 500 ? 'internal error' : reason);
  };
}
