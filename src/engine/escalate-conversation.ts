/**
 * Pages staff about a stored conversation with its recent transcript: after a customer's turn, and from
 * outside one, e.g. when a channel holds a reply it may not send (WhatsApp's 24-hour window closed, no
 * template configured), so staff know the customer is waiting.
 */
import type { Store } from '../store/store.js';
import type { EscalationReason } from './decide.js';
import type { HumanDesk } from './engine.js';

export async function escalateConversation(
  store: Pick<Store, 'getConversation' | 'getCustomer' | 'listMessages'>,
  desk: Pick<HumanDesk, 'escalate'>,
  conversationId: number,
  reason: EscalationReason,
  options: { detail?: string | undefined; transcriptLength?: number | undefined } = {},
): Promise<boolean> {
  const conversation = await store.getConversation(conversationId);
  const customer = conversation && (await store.getCustomer(conversation.customerId));
  if (!conversation || !customer || conversation.state === 'closed') return false;
  const transcript = (await store.listMessages(conversationId)).slice(-(options.transcriptLength ?? 20));
  await desk.escalate({ reason, ...(options.detail !== undefined && { reasonDetail: options.detail }), conversation, customer, language: conversation.language, transcript });
  return true;
}
