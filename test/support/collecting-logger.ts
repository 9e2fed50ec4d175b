/**
 * A pino logger that keeps every line it writes, so a test can check what the service logged (a retry noticed,
 * the cause of an offline answer) without reading stdout. It redacts like the service's own logger.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { LOG_REDACTION } from '../../src/logger.js';

/** A debug-level logger and the JSON lines it has written so far. */
export interface CollectingLogger {
  logger: Logger;
  lines: string[];
}

/** Creates a logger that appends each JSON log line to `lines`. */
export function createCollectingLogger(): CollectingLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug', redact: LOG_REDACTION }, stream), lines };
}
