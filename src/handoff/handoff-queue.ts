/**
 * The human queue behind the engine's {@link HumanDesk}: escalations become queue cards on the staff desk,
 * staff claim them, talk to the customer through the outbox, and hand the conversation back or close it.
 * Conversation states: bot → queued → agent → bot | closed. Unclaimed cards are re-paged every few minutes
 * while staff are at work.
 */
import type { EscalationEvent, HumanDesk } from '../engine/engine.js';
import type { Translator, TranslationVars } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { Address } from '../model.js';
import type { Conversation, Customer, Handoff, Message, Store } from '../store/store.js';
import type { Agent, AgentDesk, CardStatus, ClaimOutcome, DeskEventRef, DeskThread, EndOutcome, HandoffActions, QueueCard, ReplyOutcome } from './agent-desk.js';
import type { BusinessHours } from './business-hours.js';
import { createSystemClock, type Clock, type ScheduledTimer } from './clock.js';
import { estimateWaitMinutes } from './wait-estimate.js';
import type { TextTranslator } from '../engine/translate.js';
import type { Outbox } from '../outbox/outbox.js';

export interface HandoffQueueOptions {
  store: Store;
  desk: AgentDesk;
  translator: Translator;
  logger: Logger;
  /** Where customer notices and agent replies are queued for delivery. */
  outbox: Pick<Outbox, 'enqueue'>;
  repageMinutes: number;
  /** Without hours, staff are always at work. */
  hours?: BusinessHours;
  clock?: Clock;
  /** Messages shown on a card. */
  cardMessages?: number;
  /**
   * With a model: customer messages are relayed with a translation into `agentLanguage`, staff replies go
   * out translated into the customer's language, and cards carry a summary. Without: originals, unchanged.
   */
  textTranslator?: TextTranslator;
  /** The language staff read and write (AGENT_LANGUAGE). Default en. */
  agentLanguage?: string;
}

export interface HandoffQueue extends HumanDesk, HandoffActions {
  /** Starts the re-page timer. */
  start(): void;
  stop(): void;
}

const RECENT_CLAIMS = 20;

function addressOf(customer: Customer): Address {
  return { channel: customer.channel, id: customer.addressId, ...(customer.addressRef !== null && { ref: customer.addressRef }) };
}

function threadOf(handoff: Handoff): DeskThread | undefined {
  return handoff.deskChannel !== null && handoff.deskThread !== null ? { channel: handoff.deskChannel, thread: handoff.deskThread } : undefined;
}

function cardStatus(handoff: Handoff): CardStatus {
  return handoff.status;
}

export function createHandoffQueue(options: HandoffQueueOptions): HandoffQueue {
  const { store, desk, translator, hours } = options;
  const logger = options.logger.child({ component: 'handoff' });
  const clock = options.clock ?? createSystemClock();
  const repageMs = options.repageMinutes * 60_000;
  const cardMessages = options.cardMessages ?? 6;
  const agentLanguage = options.agentLanguage ?? 'en';
  let timer: ScheduledTimer | undefined;
  let running = false;
  let ticking: Promise<void> | undefined;

  async function load(handoff: Handoff): Promise<{ conversation: Conversation; customer: Customer }> {
    const conversation = await store.getConversation(handoff.conversationId);
    const customer = conversation && (await store.getCustomer(conversation.customerId));
    if (!conversation || !customer) throw new Error(`handoff ${handoff.id}: conversation ${handoff.conversationId} is gone`);
    return { conversation, customer };
  }

  async function queuePosition(handoffId: number): Promise<number> {
    const queued = await store.listQueuedHandoffs();
    const index = queued.findIndex((h) => h.id === handoffId);
    return index < 0 ? queued.length + 1 : index + 1;
  }

  async function buildCard(handoff: Handoff, conversation: Conversation, customer: Customer, transcript?: Message[]): Promise<QueueCard> {
    const messages = transcript ?? (await store.listMessages(conversation.id));
    const now = clock.now();
    return {
      handoffId: handoff.id,
      status: cardStatus(handoff),
      reason: handoff.reason,
      ...(handoff.reasonDetail !== null && { reasonDetail: handoff.reasonDetail }),
      channel: customer.channel,
      customerName: customer.displayName,
      customerAddress: customer.addressId,
      language: conversation.language,
      languageReason: conversation.languageReason,
      lastMessages: messages.slice(-cardMessages).map((m) => ({ author: m.author, agentName: m.agentName, text: m.text })),
      ...(handoff.summary !== null && { summary: handoff.summary }),
      ...(handoff.claimedBy !== null && { claimedBy: { id: handoff.claimedBy, name: handoff.claimedByName ?? handoff.claimedBy } }),
      ...(hours && !hours.isOpen(now) && { closedUntil: hours.nextOpening(now).toISOString() }),
      position: handoff.status === 'queued' ? await queuePosition(handoff.id) : 0,
    };
  }

  /** A system notice to the customer in their language; nothing for a customer who opted out. */
  async function tellCustomer(conversation: Conversation, customer: Customer, key: string, vars?: TranslationVars, deskEvent?: DeskEventRef): Promise<void> {
    if (customer.optedOut) return;
    const text = translator.t(conversation.language, key, vars);
    await options.outbox.enqueue(conversation, [{ author: 'system', text }], addressOf(customer), { deskEvent: deskEvent?.id });
  }

  /** Summarizes the conversation for staff once, kept on the handoff row so every later redraw shows it. */
  async function withSummary(handoff: Handoff, conversation: Conversation, transcript?: Message[]): Promise<Handoff> {
    if (!options.textTranslator || handoff.summary !== null) return handoff;
    const turns = (transcript ?? (await store.listMessages(conversation.id))).map((m) => ({ author: m.author, text: m.text }));
    const text = await options.textTranslator.summarize(turns, agentLanguage);
    return text === undefined ? handoff : store.setHandoffSummary(handoff.id, { language: agentLanguage, text });
  }

  /** Posts the card; a failure leaves the handoff queued without a post, and the next tick pages again. */
  async function page(queued: Handoff, conversation: Conversation, customer: Customer, transcript?: Message[]): Promise<void> {
    const handoff = await withSummary(queued, conversation, transcript);
    try {
      const at = await desk.page(await buildCard(handoff, conversation, customer, transcript));
      await store.setHandoffThread(handoff.id, at.channel, at.thread);
      logger.info({ handoffId: handoff.id, conversationId: conversation.id, reason: handoff.reason }, 'handoff paged');
    } catch (error) {
      logger.error({ err: error, handoffId: handoff.id }, 'paging the desk failed; will retry');
    }
  }

  async function redraw(handoff: Handoff): Promise<void> {
    const at = threadOf(handoff);
    if (!at) return;
    const { conversation, customer } = await load(handoff);
    try {
      await desk.updateCard(at, await buildCard(handoff, conversation, customer));
    } catch (error) {
      logger.warn({ err: error, handoffId: handoff.id }, 'updating the desk card failed');
    }
  }

  async function repageDue(): Promise<void> {
    const now = clock.now();
    // Nobody is at work to answer a page; the card waits in the queue until opening time.
    if (hours && !hours.isOpen(now)) return;
    for (const handoff of await store.listQueuedHandoffs()) {
      const at = threadOf(handoff);
      if (!at) {
        const { conversation, customer } = await load(handoff);
        await page(handoff, conversation, customer);
        continue;
      }
      if (now.getTime() - handoff.lastPagedAt.getTime() < repageMs) continue;
      // Conditional on the last page time, so of several replicas only one re-pages this round.
      if (!(await store.recordRepage(handoff.id, handoff.lastPagedAt, now))) continue;
      const waitedMinutes = Math.round((now.getTime() - handoff.pagedAt.getTime()) / 60_000);
      try {
        await desk.postToThread(at, { kind: 'repage', waitedMinutes, repage: handoff.repagedCount + 1 });
        logger.info({ handoffId: handoff.id, repage: handoff.repagedCount + 1 }, 'handoff re-paged');
      } catch (error) {
        logger.warn({ err: error, handoffId: handoff.id }, 're-page failed');
      }
    }
  }

  /** Sleeps until the oldest page falls due, at most one re-page interval (picks up other replicas' cards). */
  async function schedule(): Promise<void> {
    timer?.cancel();
    timer = undefined;
    if (!running) return;
    const now = clock.now();
    const queued = await store.listQueuedHandoffs();
    let due = now.getTime() + repageMs;
    for (const h of queued) due = Math.min(due, threadOf(h) ? h.lastPagedAt.getTime() + repageMs : now.getTime() + repageMs);
    if (hours && !hours.isOpen(now)) due = Math.min(Math.max(due, hours.nextOpening(now).getTime()), now.getTime() + repageMs);
    timer = clock.schedule(() => void tick(), Math.max(0, due - now.getTime()));
  }

  function tick(): Promise<void> {
    const run = (ticking ?? Promise.resolve())
      .then(async () => {
        await repageDue();
        await schedule();
      })
      .catch((error: unknown) => logger.error({ err: error }, 'handoff timer failed'));
    ticking = run;
    return run;
  }

  function rearm(): void {
    if (running) void schedule().catch((error: unknown) => logger.error({ err: error }, 'handoff timer failed'));
  }

  async function end(handoffId: number, agent: Agent, status: 'released' | 'closed', deskEvent: DeskEventRef | undefined): Promise<EndOutcome> {
    const ended = await store.endHandoff(handoffId, status, clock.now());
    const handoff = ended ?? (await store.getHandoff(handoffId));
    if (!handoff) return { ok: false, why: 'unknown' };
    // Ended before: refused, unless this is the same click again after its first attempt ended it and died (each
    // step below is idempotent, and the notice is queued with the event's completion, so it is sent once).
    if (!ended && !(deskEvent?.repeated === true && handoff.status === status)) return { ok: false, why: 'ended' };
    const { conversation, customer } = await load(handoff);
    const updated = await store.updateConversation(conversation.id, status === 'released' ? { state: 'bot', failedAnswers: 0 } : { state: 'closed' });
    await redraw(handoff);
    const at = threadOf(handoff);
    if (at) await desk.postToThread(at, { kind: 'ended', agent, status }).catch(() => undefined);
    await tellCustomer(updated, customer, status === 'released' ? 'handoffReturnedToBot' : 'handoffClosed', { name: agent.name }, deskEvent);
    logger.info({ handoffId, status, agent: agent.id }, 'handoff ended');
    rearm();
    return { ok: true };
  }

  return {
    async escalate(event: EscalationEvent) {
      const now = clock.now();
      const { handoff, created } = await store.createHandoff({
        conversationId: event.conversation.id,
        reason: event.reason,
        ...(event.reasonDetail !== undefined && { reasonDetail: event.reasonDetail }),
        language: event.language,
        pagedAt: now,
      });
      if (!created) return;
      const conversation = await store.updateConversation(event.conversation.id, { state: 'queued' });
      // The customer hears first: paging waits on the staff summary (a model call of up to LLM_TIMEOUT_MS),
      // and a model handoff already took one such call, so the notice must not wait for a second.
      if (hours && !hours.isOpen(now)) {
        await tellCustomer(conversation, event.customer, 'handoffOutsideHours', { time: hours.describeNextOpening(now, conversation.language) });
      } else {
        const position = await queuePosition(handoff.id);
        const waits = (await store.listRecentClaims(RECENT_CLAIMS)).map((h) => (h.claimedAt?.getTime() ?? 0) - h.pagedAt.getTime());
        await tellCustomer(conversation, event.customer, 'handoffQueued', { position, minutes: estimateWaitMinutes(waits, position, options.repageMinutes) });
      }
      await page(handoff, conversation, event.customer, event.transcript);
      rearm();
    },

    async relayCustomerMessage(conversation, customer, message) {
      const handoff = await store.findActiveHandoff(conversation.id);
      const at = handoff && threadOf(handoff);
      if (!at) {
        logger.warn({ conversationId: conversation.id }, 'customer message for a person, but no desk post to relay it to');
        return;
      }
      // The original always, with its detected language; a translation below it when a model made one.
      const translated = await options.textTranslator?.translate(message.text, conversation.language, agentLanguage);
      await desk.postToThread(at, {
        kind: 'customer_message',
        customerName: customer.displayName,
        channel: customer.channel,
        language: conversation.language,
        text: message.text,
        // Media is recorded, never downloaded by us: the agent opens the channel's link (Twilio's media URL).
        media: message.media,
        ...(translated !== undefined && { translation: { language: agentLanguage, text: translated } }),
      });
    },

    async claim(handoffId, agent, deskEvent): Promise<ClaimOutcome> {
      const { handoff, claimed } = await store.claimHandoff(handoffId, agent, clock.now());
      // This agent's own Claim again, after its first attempt claimed and died: finish what that attempt left.
      const resumed = !claimed && deskEvent?.repeated === true && handoff.status === 'claimed' && handoff.claimedBy === agent.id;
      if (!claimed && !resumed) {
        if (handoff.status === 'claimed' && handoff.claimedBy !== null) {
          return { ok: false, why: 'claimed_by_other', heldBy: { id: handoff.claimedBy, name: handoff.claimedByName ?? handoff.claimedBy } };
        }
        return { ok: false, why: 'ended' };
      }
      const { conversation, customer } = await load(handoff);
      const updated = await store.updateConversation(conversation.id, { state: 'agent' });
      await redraw(handoff);
      const at = threadOf(handoff);
      if (at) {
        await desk
          .postToThread(at, { kind: 'claimed', handoffId, agent })
          .catch((error: unknown) => logger.warn({ err: error, handoffId }, 'posting thread controls failed'));
      }
      await tellCustomer(updated, customer, 'handoffAgentJoined', { name: agent.name }, deskEvent);
      logger.info({ handoffId, agent: agent.id }, 'handoff claimed');
      rearm();
      return { ok: true };
    },

    handBack: (handoffId, agent, deskEvent) => end(handoffId, agent, 'released', deskEvent),
    close: (handoffId, agent, deskEvent) => end(handoffId, agent, 'closed', deskEvent),

    async agentReply(at, agent, text, deskEvent): Promise<ReplyOutcome> {
      const handoff = await store.findHandoffByThread(at.channel, at.thread);
      if (!handoff) return { delivered: false, why: 'not_a_handoff' };
      if (handoff.status === 'released' || handoff.status === 'closed') return { delivered: false, why: 'ended' };
      if (handoff.status === 'queued') return { delivered: false, why: 'not_claimed' };
      if (handoff.claimedBy !== agent.id) {
        return { delivered: false, why: 'claimed_by_other', heldBy: { id: handoff.claimedBy ?? '', name: handoff.claimedByName ?? '' } };
      }
      const { conversation, customer } = await load(handoff);
      // An SMS customer who sent STOP must not hear from us again, a person included.
      if (customer.optedOut) return { delivered: false, why: 'opted_out' };
      // The agent may write in any language; the model sees it and leaves text already in the customer's alone.
      const translated =
        options.textTranslator && conversation.language !== agentLanguage ? await options.textTranslator.translate(text, undefined, conversation.language) : undefined;
      await options.outbox.enqueue(conversation, [{ author: 'agent', agentName: agent.name, text: translated ?? text }], addressOf(customer), { deskEvent: deskEvent?.id });
      // The thread keeps the agent's original (their own message) and shows what the customer actually got.
      if (translated !== undefined) {
        await desk
          .postToThread(at, { kind: 'sent_translation', language: conversation.language, text: translated })
          .catch((error: unknown) => logger.warn({ err: error }, 'posting the sent translation failed'));
      }
      return { delivered: true };
    },

    start() {
      running = true;
      rearm();
    },

    stop() {
      running = false;
      timer?.cancel();
      timer = undefined;
    },
  };
}
