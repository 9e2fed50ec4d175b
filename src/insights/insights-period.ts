/** The period of an insights request: `from` and `to` as ISO dates or times; default the last 7 days. */
import { z } from 'zod';
import { BadRequestError } from '../errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longer periods are refused: the unanswered list and the daily series are meant for weeks, not years. */
const MAX_DAYS = 366;

const instant = z.iso.datetime({ offset: true }).or(z.iso.date()).transform((text) => new Date(text));
const query = z.object({ from: instant.optional(), to: instant.optional() });

export function parseInsightsPeriod(raw: unknown, now: Date): { from: Date; to: Date } {
  const parsed = query.safeParse(raw);
  if (!parsed.success) throw new BadRequestError('from and to must be ISO-8601 dates or times, e.g. from=2026-11-01&to=2026-11-08');
  const to = parsed.data.to ?? now;
  const from = parsed.data.from ?? new Date(to.getTime() - 7 * DAY_MS);
  if (from >= to) throw new BadRequestError('from must be before to');
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw new BadRequestError(`the period must be at most ${MAX_DAYS} days`);
  return { from, to };
}
