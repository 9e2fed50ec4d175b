import { pino, type Logger } from 'pino';

/** Structured JSON logs; secrets that might appear in logged objects are redacted at the source. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: ['*.authToken', '*.password', '*.signingSecret', '*.apiKey', 'req.headers.authorization'],
  });
}
export type { Logger };
