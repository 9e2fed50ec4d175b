/**
 * The only reader of `process.env`. Every variable is validated with zod; a bad value stops start-up with
 * one line naming the variable and how to fix it.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { projectPath } from './paths.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const BOT_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

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
  MICROSOFT_APP_ID: [z.string().trim().min(1).optional(), 'set it to the bot\'s Microsoft App ID from its Azure Bot resource (Configuration page)'],
  MICROSOFT_APP_PASSWORD: [z.string().min(1).optional(), 'set it to a client secret of the bot\'s app registration'],
  MICROSOFT_APP_TENANT_ID: [z.string().trim().min(1).optional(), 'set it to the Microsoft Entra tenant id of the bot\'s app registration'],
  MICROSOFT_APP_TYPE: [z.enum(BOT_APP_TYPES).default('MultiTenant'), `set it to one of ${BOT_APP_TYPES.join(', ')}`],
  BOTFRAMEWORK_ANONYMOUS: [z.enum(['true', 'false']).default('false'), 'set it to true (local development without authentication) or false'],
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
  /** The Bot Framework channel (Web Chat, Direct Line, Teams); absent when not enabled. */
  botFramework?: BotFrameworkConfig;
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
    botFramework: readBotFramework(v),
  };
}

/** A partial Bot Framework configuration stops start-up naming what is missing. */
function readBotFramework(v: Parsed): BotFrameworkConfig | undefined {
  const anonymous = v.BOTFRAMEWORK_ANONYMOUS === 'true';
  const appId = v.MICROSOFT_APP_ID;
  if (!appId) {
    const stray = (['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'] as const).find((name) => v[name] !== undefined);
    if (stray) throw new ConfigError(`${stray} is set but MICROSOFT_APP_ID is not: set MICROSOFT_APP_ID too, or unset ${stray}`);
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
