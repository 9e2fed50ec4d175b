/**
 * The JSON a customer's data access request returns: what we store about them, in plain field names and ISO
 * timestamps. Internal bookkeeping (the engine's language scores, retry counters, Slack post ids) is left out;
 * everything that is about the person, including the channel's reply reference and staff summaries, is in.
 */
import type { CustomerExport } from '../store/store.js';

/** One customer's data as the export endpoint answers it. */
export interface CustomerExportView {
  exportedAt: string;
  customer: {
    channel: string;
    address: string;
    /** What the channel needs to reply (e.g. a Bot Framework conversation reference with the user's name); null when none. */
    reference: unknown;
    displayName: string | null;
    optedOut: boolean;
    createdAt: string;
  };
  conversations: {
    state: string;
    language: string;
    languageReason: string | null;
    createdAt: string;
    updatedAt: string;
    lastInboundAt: string | null;
    messages: {
      direction: string;
      author: string;
      agentName: string | null;
      text: string;
      media: { url: string; contentType: string }[];
      deliveryStatus: string | null;
      createdAt: string;
      processedAt: string | null;
    }[];
    handoffs: {
      reason: string;
      status: string;
      language: string;
      claimedBy: string | null;
      claimedByName: string | null;
      summary: string | null;
      pagedAt: string;
      claimedAt: string | null;
      endedAt: string | null;
    }[];
    /** The satisfaction survey asked at its end, and the customer's rating (1 to 5) once answered; null when none was asked. */
    survey: { askedAt: string; rating: number | null; answeredAt: string | null } | null;
  }[];
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** Maps the store's export to the response body; `now` stamps when it was taken. */
export function toCustomerExportView(data: CustomerExport, now: Date): CustomerExportView {
  const { customer } = data;
  return {
    exportedAt: now.toISOString(),
    customer: {
      channel: customer.channel,
      address: customer.addressId,
      reference: customer.addressRef,
      displayName: customer.displayName,
      optedOut: customer.optedOut,
      createdAt: customer.createdAt.toISOString(),
    },
    conversations: data.conversations.map(({ conversation, messages, handoffs, survey }) => ({
      state: conversation.state,
      language: conversation.language,
      languageReason: conversation.languageReason,
      createdAt: conversation.createdAt.toISOString(),
      updatedAt: conversation.updatedAt.toISOString(),
      lastInboundAt: iso(conversation.lastInboundAt),
      messages: messages.map((m) => ({
        direction: m.direction,
        author: m.author,
        agentName: m.agentName,
        text: m.text,
        media: m.media,
        deliveryStatus: m.deliveryStatus,
        createdAt: m.createdAt.toISOString(),
        processedAt: iso(m.processedAt),
      })),
      handoffs: handoffs.map((h) => ({
        reason: h.reason,
        status: h.status,
        language: h.language,
        claimedBy: h.claimedBy,
        claimedByName: h.claimedByName,
        summary: h.summary?.text ?? null,
        pagedAt: h.pagedAt.toISOString(),
        claimedAt: iso(h.claimedAt),
        endedAt: iso(h.endedAt),
      })),
      survey: survey && { askedAt: survey.askedAt.toISOString(), rating: survey.rating, answeredAt: iso(survey.answeredAt) },
    })),
  };
}
