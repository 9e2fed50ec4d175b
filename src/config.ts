/**
 * The only reader of `process.env`. Every variable is validated with zod; a bad value stops start-up with
 * one line naming the variable and how to fix it.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { projectPath } from './paths.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
}

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
  };
}
