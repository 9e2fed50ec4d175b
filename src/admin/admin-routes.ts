/**
 * The staff-only admin API under /admin: a customer's data access (export) and erasure requests. Mounted only
 * when ADMIN_TOKEN is set; every request passes {@link createAdminAuth} first.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CHANNELS } from '../model.js';
import type { Store } from '../store/store.js';
import { createAdminAuth } from './admin-auth.js';
import { toCustomerExportView } from './customer-export-view.js';

export interface AdminRouterOptions {
  /** The configured ADMIN_TOKEN. */
  token: string;
  store: Store;
  logger: Logger;
  /** The clock stamping exports; injectable for tests. */
  now?: () => Date;
}

const customerParams = z.object({
  channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }),
  addressId: z.string().min(1, 'addressId must not be empty').max(512, 'addressId must be at most 512 characters'),
});

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
    // The engine's turn lock for this address: a message being answered finishes before its rows go (across
    // replicas on PostgreSQL), and the next one starts a fresh customer.
    const erased = await store.withAddressLock(`${channel}:${addressId}`, async () => {
      const customer = await store.findCustomer(channel, addressId);
      return customer && { customerId: customer.id, counts: await store.eraseCustomer(customer.id) };
    });
    if (!erased?.counts) {
      res.status(404).json({ error: 'no customer at this address' });
      return;
    }
    logger.info({ customerId: erased.customerId, channel, erased: erased.counts }, 'customer data erased');
    res.json({ erased: erased.counts });
  });

  const router = Router();
  router.use('/admin', createAdminAuth({ token: options.token, logger }), admin);
  return router;
}
