/**
 * botbuilder's CloudAdapter, configured from our credentials. It is the only place the SDK's authentication
 * lives: JWT validation of inbound requests, tokens for outbound connector calls.
 */
import {
  CloudAdapter,
  ConfigurationServiceClientCredentialFactory,
  createBotFrameworkAuthenticationFromConfiguration,
  type Activity,
  type ConversationReference,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { createConnectorTransport, type ConnectorTransportOptions } from './botframework-connector-transport.js';

/** Credentials of the bot's Azure app registration; none at all means anonymous local development. */
export interface BotCredentials {
  appId: string;
  appPassword?: string;
  tenantId?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

/** The two SDK calls the channel needs, so the rest of the adapter does not depend on the SDK's classes. */
export interface BotConnector {
  /** Authenticates the request (throws the SDK's AuthenticationError) and runs `logic` as the turn. */
  runTurn(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
  /** Opens a proactive turn on a stored conversation; what `logic` sends goes to its serviceUrl. */
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

/**
 * `CloudAdapter.process` would do the HTTP part too, but it answers a bad request with a bare 400 and logs
 * failures with `console.error`; our route validates with reasons and logs through pino, so it calls the
 * adapter's protected `processActivity` (authentication, connector client, middleware, turn) directly.
 */
class TurnRunner extends CloudAdapter {
  runTurn(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * `transport` tunes the connector's HTTP client, which makes one attempt per call: retries are the outbox's
 * (see botframework-connector-transport.ts).
 */
export function createBotConnector(credentials: BotCredentials | undefined, transport: ConnectorTransportOptions = {}): BotConnector {
  const factory = new ConfigurationServiceClientCredentialFactory(
    credentials
      ? {
          MicrosoftAppId: credentials.appId,
          MicrosoftAppPassword: credentials.appPassword,
          MicrosoftAppTenantId: credentials.tenantId,
          MicrosoftAppType: credentials.appType,
        }
      : {},
  );
  const httpClient = createConnectorTransport(transport);
  const adapter = new TurnRunner(createBotFrameworkAuthenticationFromConfiguration(null, factory, undefined, undefined, { httpClient }));
  // Anonymous: the empty app id makes the SDK send without a token, matching a channel that sent none.
  const appId = credentials?.appId ?? '';
  return {
    runTurn: (authHeader, activity, logic) => adapter.runTurn(authHeader, activity, logic),
    continueConversation: (reference, logic) => adapter.continueConversationAsync(appId, reference, logic),
  };
}
