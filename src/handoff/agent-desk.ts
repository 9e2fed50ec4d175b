/**
 * The seam between the human queue (this folder) and the staff console that shows it (adapters/slack/).
 * The queue decides; the desk only renders cards and threads and reports what staff clicked or wrote. What
 * crosses the seam is data: customers' and models' words as they are, never markup, which only the desk
 * builds (escaping everything it did not write itself).
 */
import type { Author, Channel, Media } from '../model.js';

/** Where a conversation's post lives on the desk (a Slack channel id and message ts). */
export interface DeskThread {
  channel: string;
  thread: string;
}

/** A member of staff, as the desk knows them. */
export interface Agent {
  id: string;
  /** Display name, told to the customer. */
  name: string;
}

export type CardStatus = 'queued' | 'claimed' | 'released' | 'closed';

/** What staff see about one conversation waiting for, or with, a person. */
export interface QueueCard {
  handoffId: number;
  status: CardStatus;
  reason: string;
  /** Who decided the escalation and how sure it was ("classifier 0.91", "model, classifier 0.55", "rule"). */
  reasonDetail?: string;
  channel: Channel;
  customerName: string | null;
  /** The customer's address on their channel, e.g. a phone number or web visitor id. */
  customerAddress: string;
  language: string;
  /** Why the language is what it is, so staff can judge the guess. */
  languageReason: string | null;
  lastMessages: { author: Author; agentName: string | null; text: string }[];
  /** The conversation so far in the staff's language (AGENT_LANGUAGE), when a model wrote one. */
  summary?: { language: string; text: string };
  claimedBy?: Agent;
  /** When the queue is outside working hours: when staff are back (ISO time), for the post. */
  closedUntil?: string;
  position: number;
}

/** What the queue posts into a card's thread. */
export type ThreadPost =
  /** A customer wrote while waiting for or talking with a person; with a translation into the staff's language. */
  | {
      kind: 'customer_message';
      customerName: string | null;
      channel: Channel;
      /** The conversation's language. */
      language: string;
      text: string;
      media: readonly Media[];
      translation?: { language: string; text: string };
    }
  /** Nobody has claimed the conversation yet: a reminder (re-page number `repage`). */
  | { kind: 'repage'; waitedMinutes: number; repage: number }
  /** `agent` claimed it: the thread now offers Hand back and Close. */
  | { kind: 'claimed'; handoffId: number; agent: Agent }
  | { kind: 'ended'; agent: Agent; status: 'released' | 'closed' }
  /** What an agent's reply became in the customer's language. */
  | { kind: 'sent_translation'; language: string; text: string };

/** A staff console. Implementations throw on failure; the queue logs and retries paging later. */
export interface AgentDesk {
  /** Posts a new card to the queue; returns where it lives. */
  page(card: QueueCard): Promise<DeskThread>;
  /** Redraws a card after a claim, hand back or close. */
  updateCard(at: DeskThread, card: QueueCard): Promise<void>;
  /** Posts into the card's thread. */
  postToThread(at: DeskThread, post: ThreadPost): Promise<void>;
}

/**
 * The recorded desk event (a click or a staff message) an action runs for. It is finished in the transaction that
 * queues what the action tells the customer, so a process that dies in between neither loses nor repeats it.
 */
export interface DeskEventRef {
  id: number;
  /** An earlier attempt of this event ran and did not finish: it may have done part of its work. */
  repeated: boolean;
}

/** What the desk reports back to the queue; implemented by {@link createHandoffQueue}. */
export interface HandoffActions {
  claim(handoffId: number, agent: Agent, deskEvent?: DeskEventRef): Promise<ClaimOutcome>;
  handBack(handoffId: number, agent: Agent, deskEvent?: DeskEventRef): Promise<EndOutcome>;
  close(handoffId: number, agent: Agent, deskEvent?: DeskEventRef): Promise<EndOutcome>;
  /** A staff message in a card's thread, to go to the customer. */
  agentReply(at: DeskThread, agent: Agent, text: string, deskEvent?: DeskEventRef): Promise<ReplyOutcome>;
}

export type ClaimOutcome =
  | { ok: true }
  | { ok: false; why: 'claimed_by_other'; heldBy: Agent }
  | { ok: false; why: 'ended' | 'unknown' };

export type EndOutcome = { ok: true } | { ok: false; why: 'ended' | 'unknown' };

export type ReplyOutcome =
  | { delivered: true }
  /** Not a handoff thread: an ordinary staff conversation, left alone. */
  | { delivered: false; why: 'not_a_handoff' }
  | { delivered: false; why: 'opted_out' | 'not_claimed' | 'ended' }
  | { delivered: false; why: 'claimed_by_other'; heldBy: Agent };
