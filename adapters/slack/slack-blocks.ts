/**
 * Pure mappers from queue cards to Slack Block Kit messages. Staff-facing text is English: the desk is the
 * business's own workspace, while customer-facing text comes from locales/.
 */
import type { KnownBlock } from '@slack/web-api';
import type { QueueCard } from '../../src/handoff/agent-desk.js';
import { escapeMrkdwn, fitMrkdwn } from './slack-mrkdwn.js';

/** action_id of each button; the value is the handoff id. */
export const ACTION_IDS = { claim: 'handoff_claim', close: 'handoff_close', hand_back: 'handoff_hand_back' } as const;

const REASONS: Readonly<Record<string, string>> = {
  asked_for_human: 'asked for a person',
  frustration: 'frustrated or angry',
  sensitive_bereavement: 'sensitive: bereavement',
  sensitive_fraud: 'sensitive: fraud or hacked account',
  sensitive_legal: 'sensitive: legal threat',
  sensitive_self_harm: 'sensitive: SELF-HARM — handle with care',
  sensitive_safety: 'sensitive: injury or danger to safety',
  repeated_misses: 'the bot could not answer twice',
  knowledge_handoff: 'topic always goes to a person',
  llm_handoff: 'the AI assistant asked for a person',
  delivery_held: 'a reply is held: the WhatsApp 24-hour window is closed and no template is set',
  delivery_failed: 'a reply could not be delivered',
};

export function reasonLabel(reason: string): string {
  return REASONS[reason] ?? reason;
}

/** Buttons under a thread post. */
export type ThreadControl = 'hand_back' | 'close';

/** Slack's limit on a section's text is 3,000 characters. */
const SECTION_MAX = 2900;

function statusLine(card: QueueCard): string {
  switch (card.status) {
    case 'queued':
      return card.closedUntil ? `:crescent_moon: Waiting — outside working hours until ${card.closedUntil}` : `:hourglass: Waiting — #${card.position} in the queue`;
    case 'claimed':
      return `:white_check_mark: Claimed by <@${card.claimedBy?.id ?? ''}>`;
    case 'released':
      return ':robot_face: Handed back to the bot';
    case 'closed':
      return ':lock: Closed';
  }
}

/** The notification text (shown in pushes and to screen readers). */
export function cardText(card: QueueCard): string {
  return `Conversation #${card.handoffId} needs a person (${reasonLabel(card.reason)}) — ${card.channel}, ${card.language}`;
}

export function cardBlocks(card: QueueCard): KnownBlock[] {
  const who = card.customerName ? `${escapeMrkdwn(card.customerName)} (${escapeMrkdwn(card.customerAddress)})` : escapeMrkdwn(card.customerAddress);
  const transcript = card.lastMessages
    .map((m) => `> *${m.author === 'agent' ? escapeMrkdwn(m.agentName ?? 'agent') : m.author}:* ${escapeMrkdwn(m.text).replace(/\n/g, '\n> ')}`)
    .join('\n');
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*Conversation #${card.handoffId}* — ${reasonLabel(card.reason)}` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Channel*\n${card.channel}` },
        { type: 'mrkdwn', text: `*Customer*\n${who}` },
        { type: 'mrkdwn', text: `*Language*\n${card.language}${card.languageReason ? ` (${escapeMrkdwn(card.languageReason)})` : ''}` },
        { type: 'mrkdwn', text: `*Reason*\n${card.reason}${card.reasonDetail ? ` (${escapeMrkdwn(card.reasonDetail)})` : ''}` },
      ],
    },
  ];
  if (card.summary) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Summary (${card.summary.language})*\n${fitMrkdwn(escapeMrkdwn(card.summary.text), SECTION_MAX)}` } });
  if (transcript) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fitMrkdwn(transcript, SECTION_MAX) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: statusLine(card) }] });
  const value = String(card.handoffId);
  if (card.status === 'queued') {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', action_id: ACTION_IDS.claim, text: { type: 'plain_text', text: 'Claim' }, style: 'primary', value },
        { type: 'button', action_id: ACTION_IDS.close, text: { type: 'plain_text', text: 'Close' }, style: 'danger', value },
      ],
    });
  }
  return blocks;
}

export function threadControlBlocks(text: string, handoffId: number, buttons: ThreadControl[]): KnownBlock[] {
  const labels: Record<ThreadControl, string> = { hand_back: 'Hand back to bot', close: 'Close' };
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: buttons.map((b) => ({
        type: 'button' as const,
        action_id: ACTION_IDS[b],
        text: { type: 'plain_text' as const, text: labels[b] },
        value: String(handoffId),
        ...(b === 'close' && { style: 'danger' as const }),
      })),
    },
  ];
}
