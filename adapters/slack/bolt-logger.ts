/** Bolt and the Slack WebClient log through our pino logger instead of their console logger. */
import type { AppOptions, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';
import { bolt } from './bolt-sdk.js';

export type BoltLogger = NonNullable<AppOptions['logger']>;

export function createBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = bolt().LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  return {
    // The Web API client's debug lines are whole request and response bodies: cards, relayed customer messages,
    // phone numbers. They never reach our log.
    debug: () => undefined,
    info: (...msg: unknown[]) => logger.debug(text(msg)),
    warn: (...msg: unknown[]) => logger.warn(text(msg)),
    error: (...msg: unknown[]) => logger.error(text(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
