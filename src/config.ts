/**
 * The only reader of `process.env`. Every variable is validated with zod; a bad value stops start-up with
 * one line naming the variable and how to fix it.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { projectPath } from './paths.js';
import { parseBusinessHours } from './handoff/business-hours.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const BOT_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

/** A whole number of a limit variable; 0 turns the limit off. */
const limitCount = (min: number, max: number, fallback: number) => z.coerce.number().int('must be a whole number').min(min).max(max).default(fallback);

/** Each entry: the schema, and the fix we print when a value fails it. */
const variables = {
  PORT: [z.coerce.number().int().min(0).max(65535).default(3000), 'set it to a TCP port between 0 and 65535, e.g. PORT=3000'],
  DATA_DIR: [z.string().min(1).default('./data'), 'set it to a writable directory, e.g. DATA_DIR=./data'],
  DATABASE_URL: [
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
    'set it to a PostgreSQL URL such as postgres://user@127.0.0.1:5432/switchboard, or unset it for the embedded SQLite store',
  ],
  KNOWLEDGE_BASE: [z.string().min(1).default(projectPath('knowledge', 'demo.yaml')), 'set it to the path of a knowledge-base YAML file'],
  DEFAULT_LANGUAGE: [z.string().regex(/^[a-z]{2,3}$/, 'must be a language code like en').default('en'), 'set it to a supported language code, e.g. DEFAULT_LANGUAGE=en'],
  LOG_LEVEL: [z.enum(LOG_LEVELS).default('info'), `set it to one of ${LOG_LEVELS.join(', ')}`],
  OUTBOX_RETRY_HOURS: [z.coerce.number().min(1).max(720).default(24), 'set it to the hours a reply is retried through a channel outage before it is dead-lettered, between 1 and 720, e.g. OUTBOX_RETRY_HOURS=24'],
  RETENTION_DAYS: [
    z.coerce.number().int().min(1).max(36_500).optional(),
    'set it to the whole number of days conversations are kept after their last activity, at least 1, e.g. RETENTION_DAYS=90, or unset it to keep them forever',
  ],
  SUGGESTIONS: [
    z.enum(['on', 'off']).default('off'),
    'set it to on (a question the bot cannot answer is told its nearest entries, to pick by number) or off',
  ],
  CSAT: [z.enum(['on', 'off']).default('on'), 'set it to on (ask customers for a 1–5 rating when a conversation ends) or off'],
  CSAT_AFTER_MINUTES: [
    z.coerce.number().int('must be a whole number').min(1).max(24 * 60).default(30),
    'set it to the minutes a conversation with the bot stays quiet before the satisfaction survey is sent, between 1 and 1440, e.g. CSAT_AFTER_MINUTES=30',
  ],
  ALERT_MIN_COUNT: [
    z.coerce.number().int('must be a whole number').min(1).max(100_000).default(5),
    'set it to the fewest occurrences in an hour that can raise a spike alert in Slack, at least 1, e.g. ALERT_MIN_COUNT=5',
  ],
  OUTBOX_SEND_TIMEOUT_MS: [z.coerce.number().int().min(100).max(120_000).default(10_000), 'set it to the milliseconds one delivery may take before it is retried, between 100 and 120000, e.g. OUTBOX_SEND_TIMEOUT_MS=10000'],
  LANGUAGES: [
    z.string().regex(/^\s*[a-z]{2,3}(\s*,\s*[a-z]{2,3})*\s*$/, 'must be a comma-separated list of language codes').optional(),
    'set it to the languages to serve, each with a locales/<code>/translation.json, e.g. LANGUAGES=en,lv,ru, or unset it to serve every locale',
  ],
  LANGUAGE_DETECTOR: [z.enum(['medium', 'large']).default('medium'), 'set it to medium (default) or large (eld database size; large is slightly more accurate on short text and needs ~200 MB more memory)'],
  MICROSOFT_APP_ID: [z.string().trim().min(1).optional(), 'set it to the bot\'s Microsoft App ID from its Azure Bot resource (Configuration page)'],
  MICROSOFT_APP_PASSWORD: [z.string().min(1).optional(), 'set it to a client secret of the bot\'s app registration'],
  MICROSOFT_APP_TENANT_ID: [z.string().trim().min(1).optional(), 'set it to the Microsoft Entra tenant id of the bot\'s app registration'],
  MICROSOFT_APP_TYPE: [z.enum(BOT_APP_TYPES).default('MultiTenant'), `set it to one of ${BOT_APP_TYPES.join(', ')}`],
  BOTFRAMEWORK_ANONYMOUS: [z.enum(['true', 'false']).default('false'), 'set it to true (local development without authentication) or false'],
  TWILIO_ACCOUNT_SID: [z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits').optional(), 'set it to the Account SID from the Twilio console (starts with AC)'],
  TWILIO_AUTH_TOKEN: [z.string().trim().min(16, 'must be at least 16 characters').optional(), 'set it to the Auth Token from the Twilio console'],
  TWILIO_SMS_FROM: [z.string().trim().regex(/^(\+[1-9]\d{1,14}|MG[0-9a-fA-F]{32})$/, 'must be +E164 or a Messaging Service SID (MG…)').optional(), 'set it to your Twilio number like +15017122661 or a Messaging Service SID'],
  TWILIO_WHATSAPP_FROM: [z.string().trim().regex(/^(whatsapp:)?\+[1-9]\d{1,14}$/, 'must be +E164 (optionally whatsapp:+E164)').optional(), 'set it to your WhatsApp sender number like +14155238886'],
  TWILIO_WHATSAPP_TEMPLATE_SID: [z.string().trim().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Content SID (HX followed by 32 hex digits)').optional(), 'set it to the Content SID of an approved WhatsApp template, or unset it to hold late replies for staff'],
  PUBLIC_URL: [z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(), 'set it to the public https origin Twilio calls, e.g. PUBLIC_URL=https://support.example.com'],
  TWILIO_API_URL: [z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(), 'set it to a Twilio REST API base URL such as https://api.dublin.ie1.twilio.com, or unset it'],
  SLACK_BOT_TOKEN: [z.string().trim().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(), 'set it to the Bot User OAuth Token of your Slack app (OAuth & Permissions page, starts with xoxb-)'],
  SLACK_SIGNING_SECRET: [z.string().trim().min(16, 'must be at least 16 characters').optional(), 'set it to the Signing Secret of your Slack app (Basic Information page)'],
  SLACK_QUEUE_CHANNEL: [z.string().trim().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id like C0123ABCD').optional(), 'set it to the id of the Slack channel staff watch (channel details → bottom of the About tab), and invite the app there'],
  SLACK_API_URL: [z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(), 'set it to a Slack Web API base URL ending in /api/ (e.g. a proxy), or unset it for https://slack.com/api/'],
  SLACK_ONCALL_MENTION: [z.string().trim().min(1).optional(), 'set it to the mention re-pages carry, e.g. <!subteam^S0123ABCD> for a user group or <!here>'],
  HANDOFF_REPAGE_MINUTES: [z.coerce.number().positive().max(24 * 60).default(5), 'set it to the minutes between re-pages of an unclaimed conversation, e.g. HANDOFF_REPAGE_MINUTES=5'],
  HANDOFF_HOURS: [
    z
      .string()
      .trim()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        try {
          parseBusinessHours(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid' });
        }
      }),
    'set it to staff working hours like "Mon-Fri 09:00-17:00 Europe/Riga", or unset it when staff are always on',
  ],
  OPENAI_API_KEY: [z.string().trim().min(1).optional(), 'set it to the API key of your OpenAI-compatible server (any non-empty value for a local server that needs none), or unset it to answer offline'],
  OPENAI_BASE_URL: [z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(), 'set it to an OpenAI-compatible base URL such as https://RESOURCE.openai.azure.com/openai/v1 or http://127.0.0.1:11434/v1, or unset it for api.openai.com'],
  OPENAI_MODEL: [z.string().trim().min(1).default('gpt-4o-mini'), 'set it to a chat model the server offers, e.g. OPENAI_MODEL=gpt-4o-mini'],
  OPENAI_EMBEDDING_MODEL: [
    z.string().trim().regex(/^\S+$/, 'must be a model name without spaces').optional(),
    'set it to an embedding model the server offers, e.g. OPENAI_EMBEDDING_MODEL=text-embedding-3-small, or unset it to pick passages with the offline matcher',
  ],
  LLM_TIMEOUT_MS: [z.coerce.number().int().min(100).max(120_000).default(8000), 'set it to the milliseconds to wait for the model before answering offline, between 100 and 120000, e.g. LLM_TIMEOUT_MS=8000'],
  CONTACT_LINE: [z.string().trim().min(1).max(300).optional(), 'set it to how customers reach your team without the chat, e.g. CONTACT_LINE="+1 555 0100 or help@shop.example" (at most 300 characters), or unset it'],
  AGENT_LANGUAGE: [z.string().regex(/^[a-z]{2,3}$/, 'must be a language code like en').default('en'), 'set it to the language staff read and write in Slack, e.g. AGENT_LANGUAGE=en'],
  REDIS_URL: [z.string().trim().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(), 'set it to a Redis URL such as redis://127.0.0.1:6379 to keep the limits there, or unset it to keep them in PostgreSQL (DATABASE_URL) or in memory'],
  WEB_MESSAGES_PER_VISITOR_PER_MINUTE: [limitCount(0, 1000, 20), 'set it to the messages one web visitor may send per minute (a burst of that many, then one every 60/N seconds), e.g. 20, or 0 for no limit'],
  WEB_MESSAGES_PER_IP_PER_MINUTE: [limitCount(0, 100_000, 120), 'set it to the web messages everyone behind one IP address (an IPv6 /64) may send per minute, e.g. 120, or 0 for no limit'],
  WEB_SOCKETS_PER_VISITOR: [limitCount(0, 1000, 5), 'set it to the chat connections (browser tabs) one web visitor may hold open at once, e.g. 5, or 0 for no limit'],
  WEB_SOCKETS_PER_IP: [limitCount(0, 100_000, 50), 'set it to the chat connections everyone behind one IP address may hold open at once, e.g. 50, or 0 for no limit'],
  WEB_SOCKETS_TOTAL: [limitCount(0, 1_000_000, 10_000), 'set it to the chat connections one replica holds open at once, e.g. 10000, or 0 for no limit'],
  LLM_CALLS_PER_CONVERSATION_PER_HOUR: [limitCount(0, 10_000, 10), 'set it to the model calls one conversation may make per hour before it gets offline answers, e.g. 10, or 0 for no limit'],
  TRUST_PROXY: [
    z.string().trim().optional().superRefine((value, ctx) => {
      const problem = value === undefined ? undefined : trustProxyProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    'set it to the number of proxies in front of the service (e.g. TRUST_PROXY=1 behind one load balancer) or their addresses or subnets (e.g. TRUST_PROXY=10.0.0.0/8,loopback), or unset it when clients connect directly',
  ],
  // Its length is checked in readAdmin, whose message leaves the secret out (the generic one would print it).
  ADMIN_TOKEN: [z.string().optional(), 'set it to a random secret of at least 32 characters, or unset it to turn the admin API off'],
} as const;

type Variables = typeof variables;
type Parsed = { [K in keyof Variables]: z.output<Variables[K][0]> };

export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  knowledgeBase: string;
  defaultLanguage: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** The served languages (LANGUAGES); undefined serves every language in locales/. */
  languages: string[] | undefined;
  /** eld's n-gram database for language detection. */
  languageDetector: 'medium' | 'large';
  /** The Bot Framework channel (Web Chat, Direct Line, Teams); absent when not enabled. */
  botFramework?: BotFrameworkConfig;
  /** SMS and WhatsApp through Twilio; absent when not configured. */
  twilio?: TwilioConfig;
  /** The Slack staff desk; absent when not configured. */
  slack?: SlackConfig;
  handoff: { repageMinutes: number; hours: string | undefined };
  /** Reply delivery: how long transient failures are retried (OUTBOX_RETRY_HOURS) and each attempt's limit (OUTBOX_SEND_TIMEOUT_MS). */
  outbox: { retryHours: number; sendTimeoutMs: number };
  /** Days conversations are kept after their last activity (RETENTION_DAYS); undefined keeps them forever. */
  retentionDays: number | undefined;
  /** Spike alerts in the Slack queue channel (on with Slack): the fewest occurrences in an hour that count (ALERT_MIN_COUNT). */
  alerts: { minCount: number };
  /** The satisfaction survey at the end of a conversation; undefined with CSAT=off. */
  surveys: { afterMinutes: number } | undefined;
  /** An OpenAI-compatible model for answers and translation; absent when OPENAI_API_KEY is unset (offline). */
  llm?: LlmConfig;
  /** The language staff read and write in the desk (AGENT_LANGUAGE). */
  agentLanguage: string;
  /** How customers reach the business outside the chat (CONTACT_LINE), told when they ask for a person and no desk exists. */
  contactLine: string | undefined;
  /** SUGGESTIONS=on: the "didn't get that" names the nearest knowledge entries, to pick by number. */
  suggestOnMiss: boolean;
  /** The staff-only admin API (customer data export and erasure); absent, and not mounted, without ADMIN_TOKEN. */
  admin?: AdminConfig;
  /** Limits on the public web channel and on model calls; 0 (off) is undefined. */
  limits: LimitsConfig;
  /**
   * Express's `trust proxy` (TRUST_PROXY): false (clients connect directly; X-Forwarded-For is ignored), the number
   * of proxy hops in front, or the proxies' addresses and subnets.
   */
  trustProxy: TrustProxy;
}

/** What express's `trust proxy` setting is given; never `true`, which would let any client forge its address. */
export type TrustProxy = false | number | string;

/** Limits a business sets (README "Security"); undefined means no limit. */
export interface LimitsConfig {
  /** Where shared limits live when set; else PostgreSQL with DATABASE_URL, else this process's memory. */
  redisUrl: string | undefined;
  webMessagesPerVisitorPerMinute: number | undefined;
  webMessagesPerIpPerMinute: number | undefined;
  webSocketsPerVisitor: number | undefined;
  webSocketsPerIp: number | undefined;
  webSocketsTotal: number | undefined;
  llmCallsPerConversationPerHour: number | undefined;
}

/** Enabled by ADMIN_TOKEN. */
export interface AdminConfig {
  /** The bearer token admin requests must carry; at least {@link ADMIN_TOKEN_MIN_LENGTH} characters. */
  token: string;
}

/** Enabled by OPENAI_API_KEY. */
export interface LlmConfig {
  apiKey: string;
  /** Undefined: the client's default, https://api.openai.com/v1. */
  baseUrl: string | undefined;
  model: string;
  /** For passage retrieval by meaning (OPENAI_EMBEDDING_MODEL); undefined: the offline matcher ranks passages. */
  embeddingModel: string | undefined;
  timeoutMs: number;
}

/** Enabled by SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET + SLACK_QUEUE_CHANNEL. */
export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  queueChannel: string;
  apiUrl: string | undefined;
  oncallMention: string | undefined;
}

/** Enabled by TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN + PUBLIC_URL and at least one sender. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  publicUrl: string;
  smsFrom: string | undefined;
  whatsappFrom: string | undefined;
  whatsappTemplateSid: string | undefined;
  apiUrl: string | undefined;
}

/**
 * Enabled by MICROSOFT_APP_ID (requests must carry a valid Bot Framework JWT), or by BOTFRAMEWORK_ANONYMOUS=true
 * for local development (no authentication either way). Never on by default: an open /api/messages would let
 * anyone make this server post to any serviceUrl.
 */
export type BotFrameworkConfig =
  | { anonymous: false; appId: string; appPassword: string | undefined; tenantId: string | undefined; appType: (typeof BOT_APP_TYPES)[number] }
  | { anonymous: true };

function readVariables(env: NodeJS.ProcessEnv): Parsed {
  const parsed: Record<string, unknown> = {};
  for (const [name, [schema, fix]] of Object.entries(variables)) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = schema.safeParse(raw);
    if (!result.success) {
      const reason = result.error.issues[0]?.message ?? 'invalid';
      throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid (${reason}): ${fix}`);
    }
    parsed[name] = result.data;
  }
  return parsed as Parsed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const v = readVariables(env);
  return {
    port: v.PORT,
    dataDir: v.DATA_DIR,
    databaseUrl: v.DATABASE_URL,
    knowledgeBase: v.KNOWLEDGE_BASE,
    defaultLanguage: v.DEFAULT_LANGUAGE,
    logLevel: v.LOG_LEVEL,
    languages: v.LANGUAGES ? [...new Set(v.LANGUAGES.split(',').map((l) => l.trim()))] : undefined,
    languageDetector: v.LANGUAGE_DETECTOR,
    botFramework: readBotFramework(v, env.NODE_ENV),
    twilio: readTwilio(v),
    slack: readSlack(v),
    handoff: { repageMinutes: v.HANDOFF_REPAGE_MINUTES, hours: v.HANDOFF_HOURS },
    outbox: { retryHours: v.OUTBOX_RETRY_HOURS, sendTimeoutMs: v.OUTBOX_SEND_TIMEOUT_MS },
    retentionDays: v.RETENTION_DAYS,
    alerts: { minCount: v.ALERT_MIN_COUNT },
    surveys: v.CSAT === 'on' ? { afterMinutes: v.CSAT_AFTER_MINUTES } : undefined,
    llm: readLlm(v, env),
    agentLanguage: v.AGENT_LANGUAGE,
    contactLine: v.CONTACT_LINE,
    suggestOnMiss: v.SUGGESTIONS === 'on',
    admin: readAdmin(v),
    limits: readLimits(v),
    trustProxy: readTrustProxy(v.TRUST_PROXY),
  };
}

/** Names express's proxy-addr takes besides addresses: the loopback, link-local and unique-local ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Why a TRUST_PROXY value is unusable, or undefined when express can take it. */
function trustProxyProblem(value: string): string | undefined {
  if (/^(true|\*)$/i.test(value)) return 'trusting every hop lets any client forge X-Forwarded-For';
  if (/^(false|\d+)$/i.test(value)) return undefined;
  for (const item of value.split(',').map((part) => part.trim())) {
    if (PROXY_RANGE_NAMES.has(item)) continue;
    const [address = '', prefix, ...rest] = item.split('/');
    const family = isIP(address);
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32)) || (family === 4 && isIP(prefix) === 4);
    if (family === 0 || !prefixOk || rest.length > 0) return `"${item}" is not a number of hops, an IP address, a subnet or one of ${[...PROXY_RANGE_NAMES].join(', ')}`;
  }
  return undefined;
}

/** Off (false) unless TRUST_PROXY names hops or proxies; 0 hops is off too. */
function readTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || /^false$/i.test(value)) return false;
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : Number(value);
  return value;
}

/**
 * A partial Bot Framework configuration stops start-up naming what is missing. Anonymous mode lets anyone post
 * activities, so it refuses to run where NODE_ENV=production (the Docker image sets it).
 */
function readBotFramework(v: Parsed, nodeEnv: string | undefined): BotFrameworkConfig | undefined {
  const anonymous = v.BOTFRAMEWORK_ANONYMOUS === 'true';
  const appId = v.MICROSOFT_APP_ID;
  if (!appId) {
    const stray = (['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'] as const).find((name) => v[name] !== undefined);
    if (stray) throw new ConfigError(`${stray} is set but MICROSOFT_APP_ID is not: set MICROSOFT_APP_ID too, or unset ${stray}`);
    if (anonymous && nodeEnv === 'production') {
      throw new ConfigError(
        'BOTFRAMEWORK_ANONYMOUS=true is refused with NODE_ENV=production (anyone could post activities and pick where the server sends replies): unset BOTFRAMEWORK_ANONYMOUS and set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD, or use anonymous mode only on a development machine without NODE_ENV=production',
      );
    }
    return anonymous ? { anonymous: true } : undefined;
  }
  if (anonymous) {
    throw new ConfigError('BOTFRAMEWORK_ANONYMOUS=true conflicts with MICROSOFT_APP_ID: unset one of them (anonymous mode is for local development only)');
  }
  const { MICROSOFT_APP_TYPE: appType, MICROSOFT_APP_PASSWORD: appPassword, MICROSOFT_APP_TENANT_ID: tenantId } = v;
  if (appType === 'UserAssignedMSI' && appPassword) {
    throw new ConfigError('MICROSOFT_APP_PASSWORD must not be set with MICROSOFT_APP_TYPE=UserAssignedMSI: unset it (the managed identity needs no secret)');
  }
  if (appType !== 'UserAssignedMSI' && !appPassword) {
    throw new ConfigError(`MICROSOFT_APP_PASSWORD is missing for MICROSOFT_APP_TYPE=${appType}: set it to a client secret of app ${appId}`);
  }
  if (appType !== 'MultiTenant' && !tenantId) {
    throw new ConfigError(`MICROSOFT_APP_TENANT_ID is missing for MICROSOFT_APP_TYPE=${appType}: set it to the app's Microsoft Entra tenant id`);
  }
  return { anonymous: false, appId, appPassword, tenantId, appType };
}

/** 0 turns a limit off. */
function readLimits(v: Parsed): LimitsConfig {
  const on = (n: number) => (n === 0 ? undefined : n);
  return {
    redisUrl: v.REDIS_URL,
    webMessagesPerVisitorPerMinute: on(v.WEB_MESSAGES_PER_VISITOR_PER_MINUTE),
    webMessagesPerIpPerMinute: on(v.WEB_MESSAGES_PER_IP_PER_MINUTE),
    webSocketsPerVisitor: on(v.WEB_SOCKETS_PER_VISITOR),
    webSocketsPerIp: on(v.WEB_SOCKETS_PER_IP),
    webSocketsTotal: on(v.WEB_SOCKETS_TOTAL),
    llmCallsPerConversationPerHour: on(v.LLM_CALLS_PER_CONVERSATION_PER_HOUR),
  };
}

/** The shortest admin token accepted: 32 characters leave a guessed or brute-forced token out of reach. */
export const ADMIN_TOKEN_MIN_LENGTH = 32;

/** The admin API is on with ADMIN_TOKEN; a short token stops start-up without echoing the secret. */
function readAdmin(v: Parsed): AdminConfig | undefined {
  const token = v.ADMIN_TOKEN;
  if (token === undefined) return undefined;
  if (token.length < ADMIN_TOKEN_MIN_LENGTH) {
    throw new ConfigError(
      `ADMIN_TOKEN is too short (${token.length} characters, at least ${ADMIN_TOKEN_MIN_LENGTH} needed): set it to a random secret, e.g. ADMIN_TOKEN=$(openssl rand -hex 32), or unset it to turn the admin API off`,
    );
  }
  return { token };
}

/** The model is on with OPENAI_API_KEY; a base URL or model without a key is a half-done setup. */
function readLlm(v: Parsed, env: NodeJS.ProcessEnv): LlmConfig | undefined {
  if (!v.OPENAI_API_KEY) {
    const stray = (['OPENAI_BASE_URL', 'OPENAI_MODEL', 'OPENAI_EMBEDDING_MODEL'] as const).find((name) => env[name] !== undefined && env[name] !== '');
    if (stray) throw new ConfigError(`${stray} is set but OPENAI_API_KEY is not: set OPENAI_API_KEY (any non-empty value for a local server that needs none), or unset ${stray} to answer offline`);
    return undefined;
  }
  return { apiKey: v.OPENAI_API_KEY, baseUrl: v.OPENAI_BASE_URL, model: v.OPENAI_MODEL, embeddingModel: v.OPENAI_EMBEDDING_MODEL, timeoutMs: v.LLM_TIMEOUT_MS };
}

/** Slack is on when any of its variables is set; then a missing one stops start-up naming it. */
function readSlack(v: Parsed): SlackConfig | undefined {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_QUEUE_CHANNEL: queueChannel } = v;
  if ([botToken, signingSecret, queueChannel, v.SLACK_API_URL, v.SLACK_ONCALL_MENTION].every((x) => x === undefined)) return undefined;
  if (!botToken || !signingSecret || !queueChannel) {
    const missing = [...(botToken ? [] : ['SLACK_BOT_TOKEN']), ...(signingSecret ? [] : ['SLACK_SIGNING_SECRET']), ...(queueChannel ? [] : ['SLACK_QUEUE_CHANNEL'])];
    throw new ConfigError(`Slack is partly configured; missing ${missing.join(', ')}: set them, or unset every SLACK_* variable to run without the staff desk`);
  }
  const apiUrl = v.SLACK_API_URL === undefined ? undefined : v.SLACK_API_URL.endsWith('/') ? v.SLACK_API_URL : `${v.SLACK_API_URL}/`;
  return { botToken, signingSecret, queueChannel, apiUrl, oncallMention: v.SLACK_ONCALL_MENTION };
}

/** Twilio is on when any of its variables is set; then a missing one stops start-up naming it. */
function readTwilio(v: Parsed): TwilioConfig | undefined {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, PUBLIC_URL: publicUrl } = v;
  const { TWILIO_SMS_FROM: smsFrom, TWILIO_WHATSAPP_FROM: whatsappFrom, TWILIO_WHATSAPP_TEMPLATE_SID: whatsappTemplateSid } = v;
  const anySet = [accountSid, authToken, smsFrom, whatsappFrom, whatsappTemplateSid, v.TWILIO_API_URL].some((x) => x !== undefined);
  if (!anySet) return undefined;
  const missing = [
    ...(accountSid ? [] : ['TWILIO_ACCOUNT_SID']),
    ...(authToken ? [] : ['TWILIO_AUTH_TOKEN']),
    ...(publicUrl ? [] : ['PUBLIC_URL']),
    ...(smsFrom || whatsappFrom ? [] : ['TWILIO_SMS_FROM or TWILIO_WHATSAPP_FROM']),
  ];
  if (!accountSid || !authToken || !publicUrl || missing.length > 0) {
    throw new ConfigError(`Twilio is partly configured; missing ${missing.join(', ')}: set them, or unset every TWILIO_* variable to disable SMS and WhatsApp`);
  }
  return { accountSid, authToken, publicUrl, smsFrom, whatsappFrom, whatsappTemplateSid, apiUrl: v.TWILIO_API_URL };
}
