/**
 * The bot's decision for one customer message: a pure function of the message, the conversation's state
 * and the knowledge base. No I/O, no clock — the engine does those and records what this returns.
 */
import { capabilitiesOf } from '../channel-capabilities.js';
import type { Channel, ConversationState } from '../model.js';
import { SURE_PROBABILITY, type KnowledgeBase, type KnowledgeEntry, type KnowledgeVerdict } from './knowledge.js';
import { chosenNumber } from './numbered-choice.js';
import { contactEntryFor } from './contact-entries.js';
import { detectSmallTalk } from './small-talk.js';
import type { TranslationVars } from '../i18n.js';
import type { DetectedEscalationReason } from '../understanding/escalation-labels.js';
import { shippedEscalationClassifier, type EscalationClassifier, type EscalationVerdict } from '../understanding/escalation-classifier.js';

/** Why the bot wants a person to take over. */
export type EscalationReason =
  | 'knowledge_handoff'
  | 'repeated_misses'
  | 'llm_handoff'
  /** A channel holds a reply it may not send (WhatsApp window closed): a person must reach the customer. */
  | 'delivery_held'
  /** A reply was dead-lettered (refused, or undelivered for OUTBOX_RETRY_HOURS): a person must reach the customer. */
  | 'delivery_failed'
  | DetectedEscalationReason;

/**
 * Where a language model, when configured, may improve the offline decision: replies from `replaceFrom` on
 * are the offline answer it would replace (see src/engine/llm-decision.ts).
 */
export type LlmOpportunity =
  /** No confident knowledge match (none, a guess, or a question back): the model may answer from the closest passages. */
  | { task: 'answer'; replaceFrom: number }
  /** The entry has no answer in the conversation's language: the model may translate `text` from `from`. */
  | { task: 'translate'; replaceFrom: number; text: string; from: string };

export interface DecisionInput {
  text: string;
  channel: Channel;
  state: ConversationState;
  isNewConversation: boolean;
  /** The conversation's language, already updated with this message's evidence. */
  language: string;
  /** Consecutive unanswered messages before this one. */
  failedAnswers: number;
  /** The message carried pictures or files, which the bot cannot read. */
  hasMedia?: boolean;
  /** The entries the bot's previous reply offered by number (a question back or suggestions), by id. */
  offered?: readonly string[];
  /**
   * The escalation verdict already reached for this message (the engine's, perhaps with a model's second
   * opinion); without one, the context's classifier judges the text.
   */
  escalation?: EscalationVerdict;
}

export interface DecisionContext {
  knowledge: KnowledgeBase;
  t: (language: string, key: string, vars?: TranslationVars) => string;
  defaultLanguage: string;
  /** Misses in a row after which the bot stops guessing and offers a person. */
  maxFailedAnswers?: number;
  /**
   * Whether a person can take over (a staff desk is configured); without one the bot answers as usual, except
   * that a self-harm message still gets the supportive text (without the promise of a person).
   */
  humanAvailable?: boolean;
  escalationClassifier?: EscalationClassifier;
  /** How else to reach the business (phone, e-mail), told when a customer asks for a person and no desk exists. */
  contactLine?: string;
  /** Whether a "didn't get that" goes on to name the nearest entries, to pick by number (SUGGESTIONS=on). */
  suggestOnMiss?: boolean;
}

export interface Decision {
  /** Bot messages to send, in order. */
  replies: string[];
  failedAnswers: number;
  escalation?: EscalationReason;
  /** Who decided the escalation and how sure it was, for staff ("classifier 0.91"). */
  escalationDetail?: string;
  /** The knowledge entry answered, for logs and analytics. */
  entryId?: string;
  /** The entries this reply offers by number, by id: a reply "2" to it answers the second. */
  offered?: string[];
  llm?: LlmOpportunity;
}

function languageName(code: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "classifier 0.91", "model, classifier 0.55", "rule": what staff see next to the reason. */
export function describeVerdict(verdict: EscalationVerdict): string {
  if (verdict.source === 'rule') return 'rule';
  const score = verdict.score.toFixed(2);
  return verdict.source === 'model' ? `model, classifier ${score}` : `classifier ${score}`;
}

/** The offered entry a bare number picks ("2"), if the message is one and the entry still exists. */
function chosenEntry(text: string, offered: readonly string[] | undefined, knowledge: KnowledgeBase): KnowledgeEntry | undefined {
  if (!offered?.length) return undefined;
  const number = chosenNumber(text, offered.length);
  return number === undefined ? undefined : knowledge.entries.find((entry) => entry.id === offered[number - 1]);
}

/** An entry's answer as sent: in the customer's language, or in another one with a line saying so first. */
function answerOf(entry: KnowledgeEntry, input: DecisionInput, context: DecisionContext): { lines: string[]; text: string; language: string } {
  const lang = input.language;
  const answer = context.knowledge.answerFor(entry, lang, { short: capabilitiesOf(input.channel).shortAnswers });
  const note = answer.language === lang ? [] : [context.t(lang, 'answerInDefaultLanguage', { language: languageName(answer.language, lang) })];
  return { lines: [...note, answer.text], ...answer };
}

/**
 * The entry a request for a person matched, else the base's own way to reach one. Not an entry marked handoff: it
 * only says that a person is coming, which the desk says itself with the queue position (and without a desk it
 * would be untrue); nor would "are you a real person?", read as a request, get an entry for an answer that way.
 */
function entryForPersonRequest(input: DecisionInput, understood: KnowledgeVerdict, context: DecisionContext, classifier: EscalationClassifier): KnowledgeEntry | undefined {
  const entry = understood.kind === 'answer' ? understood.match.entry : contactEntryFor(input.text, input.language, context.knowledge, classifier);
  return entry?.handoff === true ? undefined : entry;
}

export function decide(input: DecisionInput, context: DecisionContext): Decision {
  // A person owns the conversation (or is about to): the bot stays silent and the message goes to them.
  if (input.state !== 'bot') return { replies: [], failedAnswers: input.failedAnswers };

  const { t, knowledge } = context;
  const lang = input.language;
  const replies = input.isNewConversation ? [t(lang, 'disclosure')] : [];
  const classifier = context.escalationClassifier ?? shippedEscalationClassifier();
  const verdict = input.escalation ?? classifier.classify(input.text);
  const wanted = verdict.reason && { reason: verdict.reason, detail: describeVerdict(verdict) };
  // The classifier's own verdict, in its band of doubt (no rule's and no model's, which stand).
  const unsure = verdict.source === 'classifier' && verdict.uncertain;
  // A person in crisis gets care before anything else, desk or not: no media notice, small talk or shop answer
  // first, and no model rewriting it (no `llm`). The person-joining line only when a desk can send one.
  if (wanted?.reason === 'sensitive_self_harm') {
    // With a desk, a classifier unsure of it (and no model to ask) pages a person without the crisis text: of 1,798
    // routine questions to knowledge bases it never saw, 10 were taken for self-harm, 6 of them unsure ("do you
    // deliver today? Utrecht centre"), against 3 of the 232 cries for help it caught on the escalation test sets.
    // The person paged is told the reason. Without a desk the text is all the help there is.
    const crisisText = context.humanAvailable === false || !unsure;
    if (crisisText) replies.push(t(lang, context.humanAvailable === false ? 'selfHarmSupport' : 'selfHarmSupportWithPerson'));
    return { replies, failedAnswers: 0, escalation: wanted.reason, escalationDetail: wanted.detail };
  }
  // Say so rather than answer a photo with "I didn't get that"; an agent sees the media link.
  if (input.hasMedia) {
    replies.push(t(lang, 'mediaNotSupported'));
    if (!input.text.trim()) return { replies, failedAnswers: input.failedAnswers };
  }

  const smallTalk = detectSmallTalk(input.text);
  if (smallTalk) {
    // The disclosure already greets; a bare "hi" needs no second hello.
    if (!(input.isNewConversation && smallTalk.kind === 'greeting')) replies.push(t(lang, smallTalk.kind));
    return { replies, failedAnswers: 0 };
  }

  // "Are you a robot?" gets the truth, never a knowledge entry: an AI assistant, and how to reach a person.
  if (verdict.label === 'bot_question') {
    replies.push(t(lang, 'botQuestion'));
    return { replies, failedAnswers: 0 };
  }

  // "2" after "Did you mean: 1. … 2. …?" is the customer's own choice: an answer as sure as can be.
  const chosen = chosenEntry(input.text, input.offered, knowledge);
  const understood: KnowledgeVerdict = chosen ? { kind: 'answer', match: { entry: chosen, score: 1 } } : knowledge.understand(input.text, { language: lang });
  // An unsure "frustration" of the classifier yields to a sure knowledge answer: on routine questions of trades
  // it never saw ("why does it keep asking me to log into my bank again") it fires now and then, and the base
  // answers them. Only frustration: yielding on the other reasons too cut those false alarms by a third but answered a
  // cloned card, a fire and a lawyer's threat with an entry. A rule's verdict, a model's or a sure one stands.
  const yieldsToAnswer = verdict.reason === 'frustration' && unsure && understood.kind === 'answer';
  const paged = wanted !== undefined && !yieldsToAnswer && context.humanAvailable !== false;
  // A customer who asks for a person gets what the base says to that while the person is fetched, as for a handoff
  // entry: the entry their message matched, else the business's own way to reach a person (its phone number and
  // hours). A customer paged for another reason by a classifier unsure of it gets the entry the base is sure of as
  // well: such is a routine question the classifier misread (3–11% of those to the fresh bases), and the answer
  // comes at once while the person is paged all the same. Not when the classifier is sure: on the escalation test
  // sets that would have said an entry to 73 messages of grief, fraud or danger, many beside the point ("my husband
  // died, how do I close his phone contract?" answered with the clinic's opening hours).
  const misread = paged && unsure && understood.kind === 'answer' && !understood.match.entry.handoff ? understood.match.entry : undefined;
  const answeredToo = wanted?.reason === 'asked_for_human' ? entryForPersonRequest(input, understood, context, classifier) : misread;
  if (answeredToo) replies.push(...answerOf(answeredToo, input, context).lines);
  const answeredTooId = answeredToo && { entryId: answeredToo.id };
  // The desk tells the customer a person is coming, in their language, with the queue position.
  if (paged) return { replies, failedAnswers: 0, escalation: wanted.reason, escalationDetail: wanted.detail, ...answeredTooId };
  // No desk: nobody is trapped with the bot all the same; the customer is told honestly how else to reach us.
  if (wanted?.reason === 'asked_for_human') {
    replies.push(context.contactLine ? t(lang, 'noDeskContact', { contact: context.contactLine }) : t(lang, 'noDesk'));
    return { replies, failedAnswers: 0, ...answeredTooId };
  }

  if (understood.kind === 'clarify') {
    // Two entries are about equally likely: a question back beats a coin toss. Not a miss, not an answer.
    const [first, second] = understood.options;
    // A model, when there is one, may tell from the passages which was meant; the question back is its fallback.
    const llm = { task: 'answer' as const, replaceFrom: replies.length };
    replies.push(t(lang, 'clarify', { first: knowledge.questionFor(first, lang), second: knowledge.questionFor(second, lang) }));
    return { replies, failedAnswers: input.failedAnswers, llm, offered: [first.id, second.id] };
  }
  if (understood.kind === 'answer') {
    const { match } = understood;
    const answer = answerOf(match.entry, input, context);
    const replaceFrom = replies.length;
    replies.push(...answer.lines);
    // A match the matcher is not sure of may be confidently wrong: a model, when there is one, answers from the
    // passages instead (or says it does not know), and this answer stands only if the model fails.
    const llm: LlmOpportunity | undefined =
      match.score < SURE_PROBABILITY
        ? { task: 'answer', replaceFrom }
        : answer.language !== lang
          ? { task: 'translate', replaceFrom, text: answer.text, from: answer.language }
          : undefined;
    return {
      replies,
      failedAnswers: 0,
      entryId: match.entry.id,
      ...(llm && { llm }),
      ...(match.entry.handoff ? { escalation: 'knowledge_handoff' as const } : {}),
    };
  }

  const failedAnswers = input.failedAnswers + 1;
  const llm = { task: 'answer' as const, replaceFrom: replies.length };
  if (failedAnswers >= (context.maxFailedAnswers ?? 2)) {
    replies.push(t(lang, 'fallback'));
    return { replies, failedAnswers, llm, escalation: 'repeated_misses' };
  }
  // With SUGGESTIONS=on the nearest entries, too unsure to answer with, are one number away: the right one is often
  // among them. In the same message as the "didn't get that", which stays first and unchanged. Off by default: an
  // off-topic message gets a suggestion beside the point about one time in four.
  const nearest = context.suggestOnMiss === true ? understood.nearest.map(({ entry }) => entry) : [];
  const list = nearest.map((entry, i) => `${i + 1}. ${knowledge.questionFor(entry, lang)}`).join('\n');
  replies.push(nearest.length === 0 ? t(lang, 'fallback') : `${t(lang, 'fallback')}\n\n${t(lang, 'suggestions', { list })}`);
  return { replies, failedAnswers, llm, ...(nearest.length > 0 && { offered: nearest.map((entry) => entry.id) }) };
}
