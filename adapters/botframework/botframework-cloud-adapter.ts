/**
 * botbuilder's CloudAdapter, configured from our credentials. It is the only place the SDK's authentication
 * lives: JWT validation of inbound requests, tokens for outbound connector calls.
 */
import type { Activity, ConversationReference, InvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { createConnectorTransport, type ConnectorTransportOptions } from './botframework-connector-transport.js';
import { SERVICE_URL_CLAIM, type ServiceUrlVoucher } from './botframework-service-url.js';
import { botbuilder } from './botbuilder-sdk.js';

/** Credentials of the bot's Azure app registration; none at all means anonymous local development. */
export interface BotCredentials {
  appId: string;
  appPassword?: string;
  tenantId?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
}

/**
 * Where botbuilder gets signing keys and tokens, when not from Azure's public cloud (tests point them at a local
 * authority). The issuers stay Azure's: a token is still checked as Azure Bot Service issues it.
 */
export interface BotAuthEndpoints {
  /** OpenID metadata of the channel service, whose tokens carry the serviceurl claim. */
  channelOpenIdMetadataUrl: string;
  /** OpenID metadata for tokens issued to the bot's own app (the Emulator's). */
  emulatorOpenIdMetadataUrl: string;
  /** Where the bot gets its own tokens for connector calls. */
  loginUrl: string;
}

/** The two SDK calls the channel needs, so the rest of the adapter does not depend on the SDK's classes. */
export interface BotConnector {
  /**
   * Authenticates the request (throws the SDK's AuthenticationError) and runs `logic` as the turn, telling it what
   * vouches for the activity's serviceUrl.
   */
  runTurn(authHeader: string, activity: Activity, logic: (context: TurnContext, voucher: ServiceUrlVoucher) => Promise<void>): Promise<InvokeResponse | undefined>;
  /** Opens a proactive turn on a stored conversation; what `logic` sends goes to its serviceUrl. */
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

/** The claims of the identity the SDK authenticated, as CloudAdapter keeps it in the turn state. */
const identitySchema = z.object({ claims: z.array(z.object({ type: z.string(), value: z.unknown() })) });

function serviceUrlClaimOf(context: TurnContext): string | undefined {
  const identity = identitySchema.safeParse(context.turnState.get(context.adapter.BotIdentityKey));
  const claim = identity.success ? identity.data.claims.find((c) => c.type === SERVICE_URL_CLAIM)?.value : undefined;
  return typeof claim === 'string' ? claim : undefined;
}

/** Azure's public-cloud settings (botframework-connector's AuthenticationConstants) with other endpoints. */
function endpointConfiguration(endpoints: BotAuthEndpoints): Record<string, string | boolean> {
  return {
    ValidateAuthority: false,
    ToChannelFromBotLoginUrl: endpoints.loginUrl,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl: endpoints.channelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: endpoints.emulatorOpenIdMetadataUrl,
    CallerId: 'urn:botframework:azure',
  };
}

/**
 * `transport` tunes the connector's HTTP client, which makes one attempt per call: retries are the outbox's
 * (see botframework-connector-transport.ts).
 */
export function createBotConnector(credentials: BotCredentials | undefined, transport: ConnectorTransportOptions = {}, endpoints?: BotAuthEndpoints): BotConnector {
  // Loaded here, when the channel is configured (see botbuilder-sdk.ts).
  const { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } = botbuilder();
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
  const adapter = new TurnRunner(
    new ConfigurationBotFrameworkAuthentication(endpoints ? endpointConfiguration(endpoints) : {}, factory, undefined, undefined, { httpClient }),
  );
  // Anonymous: the empty app id makes the SDK send without a token, matching a channel that sent none.
  const appId = credentials?.appId ?? '';
  return {
    runTurn: (authHeader, activity, logic) =>
      adapter.runTurn(authHeader, activity, (context) => logic(context, credentials ? { anonymous: false, claim: serviceUrlClaimOf(context) } : { anonymous: true })),
    continueConversation: (reference, logic) => adapter.continueConversationAsync(appId, reference, logic),
  };
}
