import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Log fields that would carry a customer's address or identity (a web visitor id is the key to their history).
 * Log calls name conversations and messages by our ids instead; these are censored in case one slips through.
 */
const PERSONAL_FIELDS = ['visitorId', 'addressId', 'externalId', 'phone', 'email'];

/** Secrets and personal data that might appear in logged objects are redacted at the source. */
export const LOG_REDACTION: NonNullable<LoggerOptions['redact']> = {
  paths: [
    '*.authToken',
    '*.password',
    '*.signingSecret',
    '*.apiKey',
    'req.headers.authorization',
    ...PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`]),
  ],
  censor: '[redacted]',
};

/** Structured JSON logs. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: LOG_REDACTION });
}
export type { Logger };
