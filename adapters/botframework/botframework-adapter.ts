/**
 * The Bot Framework channel (Azure Bot Service: Web Chat / Direct Line, Microsoft Teams, …) through botbuilder's
 * CloudAdapter. Thin on purpose: the SDK is touched only in botframework-cloud-adapter.ts (auth, connector),
 * the Activity protocol only in the pure mappers, so moving to the Microsoft 365 Agents SDK (same Activity
 * protocol) means rewriting one small file.
 */
import type { ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Address, ChannelAdapter, ChannelHints, Outbound, Receive } from '../../src/model.js';
import { ChannelError } from '../../src/errors.js';
import { createBotConnector, type BotAuthEndpoints, type BotCredentials } from './botframework-cloud-adapter.js';
import { toChannelError, toReplyActivity } from './botframework-outbound.js';
import { createBotFrameworkRouter } from './botframework-routes.js';
import { conversationReferenceSchema, describeIssue } from './botframework-schemas.js';
import { isLoopbackServiceUrl } from './botframework-service-url.js';

export { mapActivity, type BotFrameworkEvent } from './botframework-inbound.js';
export type { BotAuthEndpoints, BotCredentials } from './botframework-cloud-adapter.js';

export interface BotFrameworkAdapterOptions {
  /** The app registration; `undefined` runs anonymously (local development: no JWT check, no tokens). */
  credentials: BotCredentials | undefined;
  logger: Logger;
  /** Greets a customer who joined (conversationUpdate) with the AI disclosure, through the outbox. */
  welcome: (address: Address, hints: ChannelHints) => Promise<void>;
  /** The visible "from a person" label for agent messages, in `language` (the conversation's) when known. */
  personLabel: (agentName: string | undefined, language: string | undefined) => string;
  /**
   * The conversation reference stored for a Bot Framework conversation id (the customer's `addressRef`), so an
   * activity naming another serviceUrl for the same conversation is refused instead of replacing it.
   */
  storedReference?: (conversationId: string) => Promise<unknown>;
  /** Signing-key and token endpoints other than Azure's public cloud (tests). */
  authEndpoints?: BotAuthEndpoints;
  now?: () => Date;
}

export function createBotFrameworkAdapter(options: BotFrameworkAdapterOptions): ChannelAdapter {
  const logger = options.logger.child({ channel: 'botframework' });
  const connector = createBotConnector(options.credentials, {}, options.authEndpoints);
  if (!options.credentials) {
    logger.warn(
      'Bot Framework channel runs ANONYMOUSLY: /api/messages accepts unauthenticated activities and replies to any serviceUrl. ' +
        'Use this only for local development; set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD for Azure Bot Service.',
    );
  }

  return {
    channel: 'botframework',

    routes(receive: Receive) {
      return createBotFrameworkRouter({
        connector,
        receive,
        welcome: options.welcome,
        logger,
        ...(options.storedReference && { storedReference: options.storedReference }),
        ...(options.now ? { now: options.now } : {}),
      });
    },

    async send(outbound: Outbound) {
      const parsed = conversationReferenceSchema.safeParse(outbound.to.ref);
      if (!parsed.success) {
        throw new ChannelError(
          `no usable conversation reference stored for Bot Framework conversation ${outbound.to.id} (${describeIssue(parsed.error)}); it is renewed when the customer writes again`,
          false,
          'invalid_reference',
        );
      }
      const reference = parsed.data;
      // Anonymous mode vouches for nothing: a reference stored before (or around) the intake check is still only
      // followed to this machine.
      if (!options.credentials && !isLoopbackServiceUrl(reference.serviceUrl)) {
        throw new ChannelError(
          `Bot Framework message ${outbound.messageId} not sent: the channel runs anonymously and its serviceUrl is not on this machine`,
          false,
          'service_url_refused',
        );
      }
      // The conversation's language, not the locale of the customer's last activity: a Teams client set to English
      // whose user writes Spanish gets the label in Spanish, like the agent's words. Older rows lack it.
      const activity = toReplyActivity(outbound, (name) => options.personLabel(name, outbound.language ?? reference.locale));
      let providerId: string | undefined;
      try {
        // A fresh proactive turn per delivery: works long after the customer's turn ended and after a restart.
        await connector.continueConversation(reference as Partial<ConversationReference>, async (context) => {
          providerId = (await context.sendActivity(activity))?.id;
        });
      } catch (error) {
        throw toChannelError(error, outbound.to.id);
      }
      logger.debug({ messageId: outbound.messageId, providerId }, 'activity sent');
      return { providerId: providerId || `botframework:${outbound.messageId}` };
    },
  };
}
