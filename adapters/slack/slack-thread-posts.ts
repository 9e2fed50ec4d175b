/**
 * Thread posts of the handoff queue as Slack messages. Pure. Customers' and models' words (messages, names,
 * translations, attachment types) are escaped; the only markup is what this file writes around them. Staff-facing
 * wording is English, like the cards (slack-blocks.ts).
 */
import type { KnownBlock } from '@slack/web-api';
import type { ThreadPost } from '../../src/handoff/agent-desk.js';
import { threadControlBlocks } from './slack-blocks.js';
import { escapeMrkdwn, mrkdwnLink } from './slack-mrkdwn.js';

export interface ThreadPostOptions {
  /** Who re-pages mention (SLACK_ONCALL_MENTION, e.g. `<!subteam^S0123>`): the business's own markup, kept as it is. */
  oncallMention?: string | undefined;
}

/** The `text` (and blocks, for posts with buttons) of a `chat.postMessage` in the card's thread. */
export function threadPostMessage(post: ThreadPost, options: ThreadPostOptions): { text: string; blocks?: KnownBlock[] } {
  switch (post.kind) {
    case 'customer_message': {
      const who = escapeMrkdwn(post.customerName ?? `${post.channel} customer`);
      const media = post.media.map((m) => `\n${mrkdwnLink(m.url, m.contentType)}`).join('');
      const relay = `*${who}* (${post.language}): ${escapeMrkdwn(post.text)}${media}`;
      return { text: post.translation ? `${relay}\n> _${post.translation.language}:_ ${escapeMrkdwn(post.translation.text)}` : relay };
    }
    case 'repage': {
      const mention = options.oncallMention ? `${options.oncallMention} ` : '';
      return { text: `${mention}still waiting for a person after ${post.waitedMinutes} min (re-page ${post.repage}) — please claim.` };
    }
    case 'claimed': {
      const text = `${escapeMrkdwn(post.agent.name)} has the conversation. Reply in this thread to write to the customer.`;
      return { text, blocks: threadControlBlocks(text, post.handoffId, ['hand_back', 'close']) };
    }
    case 'ended':
      return { text: `${escapeMrkdwn(post.agent.name)} ${post.status === 'released' ? 'handed the conversation back to the bot' : 'closed the conversation'}.` };
    case 'sent_translation':
      return { text: `_Sent to the customer in ${post.language}:_ ${escapeMrkdwn(post.text)}` };
  }
}
