/**
 * The staff-only admin API under /admin: a customer's data access (export) and erasure requests, re-driving
 * a dead-lettered reply, and the operator insights. Mounted only when ADMIN_TOKEN is set; every request passes {@link createAdminAuth} first.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CHANNELS } from '../model.js';
import type { Store } from '../store/store.js';
import type { Outbox } from '../outbox/outbox.js';
import { createAdminAuth } from './admin-auth.js';
import { toCustomerExportView } from './customer-export-view.js';
import { buildInsights } from '../insights/insights-report.js';
import { parseInsightsPeriod } from '../insights/insights-period.js';

export interface AdminRouterOptions {
  /** The configured ADMIN_TOKEN. */
  token: string;
  store: Store;
  logger: Logger;
  /** Re-drives dead letters. */
  outbox: Pick<Outbox, 'redrive'>;
  /** The clock stamping exports and re-drives; injectable for tests. */
  now?: () => Date;
}

const customerParams = z.object({
  channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }),
  addressId: z.string().min(1, 'addressId must not be empty').max(512, 'addressId must be at most 512 characters'),
});

const outboxParams = z.object({ id: z.string().regex(/^[1-9]\d{0,15}$/, 'id must be an outbox row id (a positive whole number)').transform(Number) });

function parseCustomerParams(req: Request): z.infer<typeof customerParams> {
  const result = customerParams.safeParse(req.params);
  if (!result.success) throw new BadRequestError(result.error.issues[0]?.message ?? 'invalid customer address');
  return result.data;
}

/** A router to mount at the root; it answers only paths under /admin. */
export function createAdminRouter(options: AdminRouterOptions): Router {
  const { store, logger } = options;
  const now = options.now ?? (() => new Date());
  const admin = Router();

  admin.get('/customers/:channel/:addressId/export', async (req, res) => {
    const { channel, addressId } = parseCustomerParams(req);
    const customer = await store.findCustomer(channel, addressId);
    const data = customer && (await store.exportCustomer(customer.id));
    if (!data) {
      res.status(404).json({ error: 'no customer at this address' });
      return;
    }
    // Logged by id only: the address is the personal data being asked about.
    logger.info({ customerId: data.customer.id, channel, conversations: data.conversations.length }, 'customer data exported');
    res.set('Cache-Control', 'no-store').json(toCustomerExportView(data, now()));
  });

  admin.delete('/customers/:channel/:addressId', async (req, res) => {
    const { channel, addressId } = parseCustomerParams(req);
    // One transaction: a turn running for this customer meanwhile fails on its vanished rows and queues nothing
    // (its message went with them), and the customer's next message starts a fresh customer.
    const customer = await store.findCustomer(channel, addressId);
    const erased = customer && { customerId: customer.id, counts: await store.eraseCustomer(customer.id) };
    if (!erased?.counts) {
      res.status(404).json({ error: 'no customer at this address' });
      return;
    }
    logger.info({ customerId: erased.customerId, channel, erased: erased.counts }, 'customer data erased');
    res.json({ erased: erased.counts });
  });

  // A dead letter (refused, or expired after the retry window) goes out again: due now, with a fresh retry window.
  admin.post('/outbox/:id/retry', async (req, res) => {
    const parsed = outboxParams.safeParse(req.params);
    if (!parsed.success) throw new BadRequestError(parsed.error.issues[0]?.message ?? 'invalid outbox id');
    const { id } = parsed.data;
    const result = await options.outbox.redrive(id, now());
    if (!result) {
      res.status(404).json({ error: 'no outbox row with this id' });
      return;
    }
    const { item, redriven } = result;
    const view = { id: item.id, conversationId: item.conversationId, channel: item.channel, status: item.status, attempts: item.attempts, lastError: item.lastError };
    if (!redriven) {
      res.status(409).json({ error: `outbox row ${id} is ${item.status}: only a dead or expired row can be re-driven`, outbox: view });
      return;
    }
    logger.info({ outboxId: id, conversationId: item.conversationId }, 'dead letter re-driven');
    res.json({ outbox: view });
  });

  // The operator figures of a period (default the last 7 days), the same as the /insights page shows.
  admin.get('/insights', async (req, res) => {
    const at = now();
    res.set('Cache-Control', 'no-store').json(await buildInsights(store, parseInsightsPeriod(req.query, at), at));
  });

  const router = Router();
  router.use('/admin', createAdminAuth({ token: options.token, logger }), admin);
  return router;
}
