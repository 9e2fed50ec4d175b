/**
 * Logs refused requests (bad signatures, missing tokens) without letting a flood of them flood the log: the
 * first refusal of a kind from one source is logged at once, later ones within the interval are only counted,
 * and the next line after the interval carries how many there were. The state lives on the instance.
 */
import type { Logger } from './logger.js';

export interface RefusalLogOptions {
  logger: Logger;
  /** One line per source and kind at most this often. Default 60 s. */
  intervalMs?: number;
  /** Sources remembered at once; past it the oldest are forgotten (each then logs once more). Default 10 000. */
  maxSources?: number;
  now?: () => number;
}

export interface RefusalLog {
  /**
   * Records one refusal of `kind` ("twilio signature") from `source` (the client IP); `fields` are logged with
   * it and must carry no secret or personal data. Returns whether a line was written.
   */
  refused(kind: string, source: string | undefined, fields: Record<string, unknown>, message: string): boolean;
}

interface Window {
  startedAt: number;
  /** Refusals since the last line, not yet logged. */
  unlogged: number;
}

export function createRefusalLog(options: RefusalLogOptions): RefusalLog {
  const intervalMs = options.intervalMs ?? 60_000;
  const maxSources = options.maxSources ?? 10_000;
  const now = options.now ?? (() => Date.now());
  // Map iteration follows insertion order, and a logged source is re-inserted: the first entries are the oldest.
  const windows = new Map<string, Window>();

  function forgetOldest(at: number): void {
    for (const [key, window] of windows) {
      if (windows.size < maxSources && at - window.startedAt < intervalMs) return;
      windows.delete(key);
    }
  }

  return {
    refused(kind, source, fields, message) {
      const at = now();
      const key = `${kind}\u0001${source ?? '-'}`;
      const window = windows.get(key);
      if (window && at - window.startedAt < intervalMs) {
        window.unlogged += 1;
        return false;
      }
      windows.delete(key);
      forgetOldest(at);
      windows.set(key, { startedAt: at, unlogged: 0 });
      // `refusals`: this one and those counted silently since the previous line from the same source.
      options.logger.warn({ ...fields, ip: source, refusals: 1 + (window?.unlogged ?? 0), intervalMs }, message);
      return true;
    },
  };
}
