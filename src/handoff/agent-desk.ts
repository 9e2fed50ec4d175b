/**
 * The seam between the human queue (this folder) and the staff console that shows it (adapters/slack/).
 * The queue decides; the desk only renders cards and threads and reports what staff clicked or wrote.
 */
import type { Author, Channel } from '../model.js';

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

export type ThreadControl = 'hand_back' | 'close';

/** A staff console. Implementations throw on failure; the queue logs and retries paging later. */
export interface AgentDesk {
  /** Posts a new card to the queue; returns where it lives. */
  page(card: QueueCard): Promise<DeskThread>;
  /** Redraws a card after a claim, hand back or close. */
  updateCard(at: DeskThread, card: QueueCard): Promise<void>;
  /** Posts into the card's thread: a relayed customer message, a re-page, controls after a claim. */
  postToThread(at: DeskThread, text: string, controls?: { handoffId: number; buttons: ThreadControl[] }): Promise<void>;
  /** A message only one member of staff sees (e.g. "already claimed by …"). */
  notify(at: DeskThread, agentId: string, text: string): Promise<void>;
}

/** What the desk reports back to the queue; implemented by {@link createHandoffQueue}. */
export interface HandoffActions {
  claim(handoffId: number, agent: Agent): Promise<ClaimOutcome>;
  handBack(handoffId: number, agent: Agent): Promise<EndOutcome>;
  close(handoffId: number, agent: Agent): Promise<EndOutcome>;
  /** A staff message in a card's thread, to go to the customer. */
  agentReply(at: DeskThread, agent: Agent, text: string): Promise<ReplyOutcome>;
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
