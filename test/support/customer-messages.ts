/** Reading a customer's transcript from the real store, as end-to-end tests check what was said. */
import type { Channel } from '../../src/model.js';
import type { Message, Store } from '../../src/store/store.js';

/** Every message of the customer at `channel`/`addressId`, oldest first; none while the store has no such customer. */
export async function customerMessages(store: Store, channel: Channel, addressId: string): Promise<Message[]> {
  const customer = await store.findCustomer(channel, addressId);
  return customer ? store.listCustomerMessages(customer.id) : [];
}
