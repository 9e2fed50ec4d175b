/**
 * For tests and benchmarks of the engine alone: records an inbound message as a webhook would, then runs its
 * turn at once, as the inbox worker would hand it over (without a lease: nothing else runs turns here).
 */
import type { Engine } from '../../src/engine/engine.js';
import { createInboxRecorder } from '../../src/inbox/inbox-recorder.js';
import type { Inbound, ReceiveResult } from '../../src/model.js';
import type { Store } from '../../src/store/store.js';

export async function answerNow(store: Store, engine: Engine, inbound: Inbound): Promise<ReceiveResult> {
  const result = await createInboxRecorder({ store, defaultLanguage: 'en' }).record(inbound);
  const message = await store.findInbound(inbound.from.channel, inbound.externalId);
  // A duplicate whose turn has not run (an earlier attempt failed) gets its turn, as the inbox would give it.
  if (message && !message.processedAt) {
    await engine.answer({ message, address: { channel: inbound.from.channel, id: inbound.from.id }, hints: inbound.hints ?? {}, attempts: 1 });
  }
  return result;
}
