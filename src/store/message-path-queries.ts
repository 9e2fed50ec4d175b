/**
 * The customer, conversation and message statements every inbound message runs — recorded by its webhook, read
 * and updated by its turn, its reply's status reported — compiled once (see precompiled-query.ts) instead of
 * built and compiled by Kysely at every call.
 */
import type { ConversationPatch, DeliveryStatus } from './store.js';
import { precompiled, precompiledByShape, type PrecompiledQuery } from './precompiled-query.js';
import { CLOSED, INBOUND, OUTBOUND, limitOf } from './literal-terms.js';
import { deliveryStatusesReplacedBy } from './delivery-status.js';
import type { Database } from './schema.js';
import { MESSAGE_COLUMNS } from './rows.js';
import type { Selectable, Updateable } from 'kysely';

type ConversationRow = Selectable<Database['conversations']>;

export const findMessageByExternalId = {
  in: precompiled((db, p: { channel: string; externalId: string }) =>
    db.selectFrom('messages').selectAll().where('direction', '=', INBOUND).where('channel', '=', p.channel).where('external_id', '=', p.externalId),
  ),
  /** The newest, should a provider id repeat. */
  out: precompiled((db, p: { channel: string; externalId: string }) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('direction', '=', OUTBOUND)
      .where('channel', '=', p.channel)
      .where('external_id', '=', p.externalId)
      .orderBy('id', 'desc'),
  ),
};

/**
 * Finds or creates the customer at an address. Only what the caller gave is refreshed: a reference or name it did
 * not give is inserted as null, and the stored one is kept.
 */
interface CustomerAddress {
  channel: string;
  address_id: string;
  address_ref: string | null;
  display_name: string | null;
  created_at: string;
  updated_at: string;
}

export const upsertCustomer = precompiled((db, p: CustomerAddress) =>
  db
    .insertInto('customers')
    .values({
      channel: p.channel,
      address_id: p.address_id,
      address_ref: p.address_ref,
      display_name: p.display_name,
      opted_out: 0,
      created_at: p.created_at,
      updated_at: p.updated_at,
    })
    .onConflict((oc) =>
      oc.columns(['channel', 'address_id']).doUpdateSet((eb) => ({
        updated_at: eb.ref('excluded.updated_at'),
        address_ref: eb.fn.coalesce('excluded.address_ref', 'customers.address_ref'),
        display_name: eb.fn.coalesce('excluded.display_name', 'customers.display_name'),
      })),
    )
    .returningAll(),
);

export const getCustomer = precompiled((db, p: { id: number }) => db.selectFrom('customers').selectAll().where('id', '=', p.id));

export const findCustomer = precompiled((db, p: { channel: string; addressId: string }) =>
  db.selectFrom('customers').selectAll().where('channel', '=', p.channel).where('address_id', '=', p.addressId),
);

export const getConversation = precompiled((db, p: { id: number }) => db.selectFrom('conversations').selectAll().where('id', '=', p.id));

export const findOpenConversation = precompiled((db, p: { customerId: number }) =>
  db.selectFrom('conversations').selectAll().where('customer_id', '=', p.customerId).where('state', '<>', CLOSED).orderBy('id', 'desc').limit(limitOf(1)),
);

/** Records an inbound message; nothing (no row returned) when its (channel, external id) is recorded already. */
interface NewInboundRow {
  conversation_id: number;
  text: string;
  media: string;
  channel: string;
  external_id: string;
  created_at: string;
  hints: string | null;
}

export const recordInbound = precompiled((db, p: NewInboundRow) =>
  db
    .insertInto('messages')
    .values({
      conversation_id: p.conversation_id,
      direction: 'in',
      author: 'customer',
      agent_name: null,
      text: p.text,
      media: p.media,
      channel: p.channel,
      external_id: p.external_id,
      delivery_status: null,
      created_at: p.created_at,
      processed_at: null,
      hints: p.hints,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll(),
);

/** A turn's history, by its length: only the columns of a Message (a quarter less to read and build per row). */
export const recentMessages = precompiledByShape((limit: number) => (db, p: { conversationId: number; throughInbound: number }) =>
  db
    .selectFrom('messages')
    .select(MESSAGE_COLUMNS)
    .where('conversation_id', '=', p.conversationId)
    .where((eb) => eb.or([eb('direction', '=', OUTBOUND), eb('id', '<=', p.throughInbound)]))
    .orderBy('id', 'desc')
    .limit(limitOf(limit)),
);

/** The patch's columns, in a fixed order: each combination a caller uses is one statement shape. */
const PATCHABLE = ['state', 'language', 'languageReason', 'languageEvidence', 'failedAnswers', 'offeredEntries', 'lastInboundAt'] as const satisfies readonly (keyof ConversationPatch)[];
const COLUMN_OF = {
  state: 'state',
  language: 'language',
  languageReason: 'language_reason',
  languageEvidence: 'language_evidence',
  failedAnswers: 'failed_answers',
  offeredEntries: 'offered_entries',
  lastInboundAt: 'last_inbound_at',
} as const satisfies Record<(typeof PATCHABLE)[number], keyof ConversationRow>;

type ConversationColumns = Updateable<Database['conversations']> & { id: number; updated_at: string };

/** By the fields a patch has, one bit each in PATCHABLE's order. */
const updateConversationShapes = precompiledByShape((fields: number) => {
  const present = PATCHABLE.filter((_field, index) => (fields & (1 << index)) !== 0);
  return (db, p: ConversationColumns) =>
    db
      .updateTable('conversations')
      .set({ updated_at: p.updated_at, ...Object.fromEntries(present.map((field) => [COLUMN_OF[field], p[COLUMN_OF[field]]])) })
      .where('id', '=', p.id)
      .returningAll();
});

/** The UPDATE … RETURNING for a patch with these fields (the columns set are those the patch has). */
export function updateConversation(patch: ConversationPatch): PrecompiledQuery<ConversationColumns, ConversationRow> {
  return updateConversationShapes(PATCHABLE.reduce((fields, field, index) => (patch[field] === undefined ? fields : fields | (1 << index)), 0));
}

const advanceDeliveryStatusShapes = precompiledByShape((status: DeliveryStatus) => {
  const replaced = deliveryStatusesReplacedBy(status);
  return (db, p: { channel: string; externalId: string }) =>
    db
      .updateTable('messages')
      .set({ delivery_status: status })
      .where('direction', '=', OUTBOUND)
      .where('channel', '=', p.channel)
      .where('external_id', '=', p.externalId)
      .where((eb) => eb.or([eb('delivery_status', 'is', null), eb('delivery_status', 'in', replaced)]));
});

/**
 * Moves outbound messages with this provider id to `status` from a state it replaces. The guard is in the UPDATE
 * itself, so two callbacks racing on two replicas cannot move a state backwards. Undefined when `status` replaces
 * nothing (then nothing is to be written).
 */
export function advanceDeliveryStatus(status: DeliveryStatus): PrecompiledQuery<{ channel: string; externalId: string }, object> | undefined {
  return deliveryStatusesReplacedBy(status).length === 0 ? undefined : advanceDeliveryStatusShapes(status);
}
