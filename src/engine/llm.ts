/**
 * Answers and translations from any OpenAI-compatible chat endpoint (OpenAI, Azure OpenAI's v1 API, vLLM,
 * Ollama) through the official `openai` client. Personal data is redacted before a request leaves and
 * restored in the reply; the only action the model can take is the handoff tool. Every failure — timeout,
 * 429, 5xx, a malformed or policy-breaking reply — comes back as a `failed` outcome with its cause, logged,
 * and the caller answers offline: no retries, so the customer waits at most `timeoutMs` for the model.
 */
import { capabilitiesOf } from '../channel-capabilities.js';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { ESCALATION_LABELS, type EscalationLabel } from '../understanding/escalation-labels.js';
import { PiiVault, type PiiKind } from './pii.js';
import { fitSmsAnswer } from './sms-answer.js';
import { createHumanClaimDetector } from './human-claim.js';
import {
  HANDOFF_TOOL,
  HANDOFF_TOOL_DEFINITION,
  SMS_ANSWER_CHARS,
  answerMessages,
  escalationMessages,
  knowledgeTranslationMessages,
  leaksPolicy,
  summaryMessages,
  translateMessages,
  type AnswerPromptInput,
  type HistoryTurn,
  type KnowledgeText,
  type Passage,
  type PromptMessage,
} from './llm-prompt.js';

export interface LlmOptions {
  apiKey: string;
  /** Undefined: https://api.openai.com/v1. */
  baseUrl?: string;
  model: string;
  /** The model for `/v1/embeddings`; without one the client has no `embed`. */
  embeddingModel?: string;
  /** The whole request, connection to last byte; beyond it we answer offline. */
  timeoutMs: number;
  logger: Logger;
}

/** Why a model call gave nothing usable; logged, and the caller answers offline. */
export type LlmFailureCause =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'request_rejected'
  | 'connection'
  | 'malformed'
  | 'unexpected_tool'
  | 'policy_leak'
  | 'invented_data'
  /** The answer claims the assistant is a person, or denies it is an AI. */
  | 'claims_human'
  /** On SMS, not even the answer's first sentence fits one message. */
  | 'too_long'
  /** The caller gave up (background work stopped at shutdown); not a failure of the server. */
  | 'cancelled';

export type LlmAnswer =
  | { kind: 'answer'; text: string }
  | { kind: 'handoff'; reason: string }
  | { kind: 'failed'; cause: LlmFailureCause };

export type LlmTranslation = { ok: true; text: string } | { ok: false; cause: LlmFailureCause };

export type LlmEscalationLabel = { ok: true; label: EscalationLabel } | { ok: false; cause: LlmFailureCause };

/** The model's rewrite of a knowledge entry, as it came: its content is checked by the caller before use. */
export type LlmKnowledgeTranslation = { ok: true; text: KnowledgeText } | { ok: false; cause: LlmFailureCause };

/** One vector per input text, in input order. */
export type LlmEmbeddings = { ok: true; vectors: number[][] } | { ok: false; cause: LlmFailureCause };

export interface AnswerRequest {
  /** The customer's message as they wrote it; redacted here before it leaves. */
  question: string;
  /** Earlier messages, oldest first, as stored (unredacted). */
  history: readonly HistoryTurn[];
  passages: readonly Passage[];
  /** The conversation's language. */
  language: string;
  channel: AnswerPromptInput['channel'];
  handoffAvailable: boolean;
  /** For logs only. */
  conversationId?: number;
}

export interface Llm {
  readonly model: string;
  answer(request: AnswerRequest): Promise<LlmAnswer>;
  /** `from` undefined: let the model tell. */
  translate(text: string, from: string | undefined, to: string): Promise<LlmTranslation>;
  /** A short summary of a conversation in language `to`, for staff taking it over. */
  summarize(turns: readonly HistoryTurn[], to: string): Promise<LlmTranslation>;
  /** A second opinion on an uncertain escalation verdict: the label of one message (personal data redacted). */
  classifyEscalation(text: string): Promise<LlmEscalationLabel>;
  /** A knowledge entry (our own text, not redacted) in language `to`, with fresh question variants; `signal` cancels. */
  translateKnowledge(entry: KnowledgeText, from: string, to: string, signal?: AbortSignal): Promise<LlmKnowledgeTranslation>;
  /** Embeddings of the texts from `/v1/embeddings`; present only with an embedding model. Redact customer text first. */
  embed?: (texts: readonly string[], signal?: AbortSignal) => Promise<LlmEmbeddings>;
}

/** The part of a chat completion we read; anything else a compatible server sends is ignored. */
const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(z.object({ type: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string().nullish() }).optional() }))
            .nullish(),
        }),
      }),
    )
    .min(1),
});

/** Kinds a bot answer shows only by their last four characters: a message may be read by anyone nearby. */
const MASKED_IN_ANSWERS: readonly PiiKind[] = ['CARD', 'IBAN', 'ID'];

const handoffArgumentsSchema = z.object({ reason: z.string().trim().min(1).max(300) });

/** The JSON schema a reply must follow (structured outputs, where the server supports them). */
interface ResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; strict: true; schema: Record<string, unknown> };
}

function jsonObjectFormat(name: string, properties: Record<string, unknown>): ResponseFormat {
  return { type: 'json_schema', json_schema: { name, strict: true, schema: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } } };
}

const escalationReplySchema = z.object({ label: z.enum(ESCALATION_LABELS) });
const ESCALATION_RESPONSE_FORMAT = jsonObjectFormat('escalation_label', { label: { type: 'string', enum: [...ESCALATION_LABELS] } });

const knowledgeReplySchema = z.object({ questions: z.array(z.string()), answer: z.string(), short: z.string().optional() });
const TEXT = { type: 'string' };
/** `short` is asked for only when the entry has an SMS answer. */
function knowledgeTranslationFormat(withShort: boolean): ResponseFormat {
  return jsonObjectFormat('knowledge_translation', { questions: { type: 'array', items: TEXT }, answer: TEXT, ...(withShort && { short: TEXT }) });
}

const embeddingsSchema = z.object({ data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })) });

/** Tokens, generously above the prompt's character limits: a cut-off answer is worse than none. */
const MAX_TOKENS = { sms: 200, other: 500, translation: 1000, knowledge: 2000, label: 30 } as const;

interface CompletionRequest {
  maxTokens: number;
  tools?: boolean;
  responseFormat?: ResponseFormat;
  /** Cancels the request early (shutdown); the deadline applies regardless. */
  signal?: AbortSignal;
}

/** Internal: a classified failure on its way from `complete` to the logged `failed` outcome. */
class LlmCallError extends Error {
  constructor(
    readonly failure: LlmFailureCause,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The request's deadline, and the signal that ends it: the deadline or the caller's cancellation, whichever comes first. */
function deadlineFor(timeoutMs: number, cancel: AbortSignal | undefined): { deadline: AbortSignal; signal: AbortSignal } {
  const deadline = AbortSignal.timeout(timeoutMs);
  return { deadline, signal: cancel ? AbortSignal.any([deadline, cancel]) : deadline };
}

function classify(error: unknown, deadline: AbortSignal, cancel?: AbortSignal): { cause: LlmFailureCause; detail: string } {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof LlmCallError) return { cause: error.failure, detail };
  if (cancel?.aborted) return { cause: 'cancelled', detail };
  // The client's own timeout covers the response headers; our deadline signal covers the body as well.
  if (error instanceof APIConnectionTimeoutError || deadline.aborted || error instanceof APIUserAbortError) return { cause: 'timeout', detail };
  if (error instanceof APIError && error.status !== undefined) {
    if (error.status === 429) return { cause: 'rate_limited', detail };
    if (error.status >= 500) return { cause: 'server_error', detail };
    return { cause: 'request_rejected', detail };
  }
  if (error instanceof APIError) return { cause: 'connection', detail };
  // A body that is not JSON, or JSON of another shape.
  return { cause: 'malformed', detail };
}

function failureOf(error: unknown): [LlmFailureCause, string] {
  return error instanceof LlmCallError ? [error.failure, error.detail] : ['malformed', String(error)];
}

function parseHandoffReason(raw: string | null | undefined): string {
  try {
    const parsed = handoffArgumentsSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data.reason : 'no reason given';
  } catch {
    return 'no reason given';
  }
}

/** Builds the model client; `maxRetries: 0` because a retry would make the customer wait twice. */
export function createLlm(options: LlmOptions): Llm {
  const logger = options.logger.child({ component: 'llm', model: options.model });
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl !== undefined && { baseURL: options.baseUrl }),
    timeout: options.timeoutMs,
    maxRetries: 0,
  });
  const humanClaims = createHumanClaimDetector();
  const { embeddingModel } = options;

  async function complete(messages: PromptMessage[], request: CompletionRequest): Promise<z.infer<typeof completionSchema>['choices'][number]> {
    const { deadline, signal } = deadlineFor(options.timeoutMs, request.signal);
    try {
      const response: unknown = await client.chat.completions.create(
        {
          model: options.model,
          messages,
          max_tokens: request.maxTokens,
          temperature: 0.2,
          ...(request.tools && { tools: [HANDOFF_TOOL_DEFINITION], tool_choice: 'auto' as const }),
          ...(request.responseFormat && { response_format: request.responseFormat, temperature: 0 }),
        },
        { signal },
      );
      const parsed = completionSchema.safeParse(response);
      if (!parsed.success) throw new LlmCallError('malformed', `unexpected completion shape: ${parsed.error.issues[0]?.message ?? ''}`);
      const [choice] = parsed.data.choices;
      if (!choice) throw new LlmCallError('malformed', 'no choices');
      return choice;
    } catch (error) {
      const { cause, detail } = classify(error, deadline, request.signal);
      throw new LlmCallError(cause, detail);
    }
  }

  function failed(cause: LlmFailureCause, detail: string, context: Record<string, unknown>): { kind: 'failed'; cause: LlmFailureCause } {
    if (cause === 'cancelled') logger.debug({ ...context, detail }, 'model call cancelled');
    else logger.warn({ ...context, cause, detail }, 'model call failed; answering offline');
    return { kind: 'failed', cause };
  }

  /** A JSON task: the reply must parse as `schema`, else the call failed as `malformed`. */
  async function completeJson<T>(
    messages: PromptMessage[],
    schema: z.ZodType<T>,
    request: CompletionRequest & { responseFormat: ResponseFormat },
    context: Record<string, unknown>,
  ): Promise<{ ok: true; value: T } | { ok: false; cause: LlmFailureCause }> {
    let choice;
    try {
      choice = await complete(messages, request);
    } catch (error) {
      return { ok: false, cause: failed(...failureOf(error), context).cause };
    }
    try {
      return { ok: true, value: schema.parse(JSON.parse(choice.message.content ?? '')) };
    } catch {
      return { ok: false, cause: failed('malformed', `reply is not the ${request.responseFormat.json_schema.name} JSON asked for`, context).cause };
    }
  }

  async function embed(texts: readonly string[], model: string, cancel: AbortSignal | undefined): Promise<LlmEmbeddings> {
    const context = { task: 'embed', model, inputs: texts.length };
    const { deadline, signal } = deadlineFor(options.timeoutMs, cancel);
    try {
      // Floats, not the client's default base64: several compatible servers only speak floats.
      const response: unknown = await client.embeddings.create({ model, input: [...texts], encoding_format: 'float' }, { signal });
      const parsed = embeddingsSchema.safeParse(response);
      if (!parsed.success || parsed.data.data.length !== texts.length) throw new LlmCallError('malformed', 'not one embedding per input');
      // `index` says which input each vector belongs to; the order of `data` is not promised.
      return { ok: true, vectors: [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding) };
    } catch (error) {
      const { cause, detail } = classify(error, deadline, cancel);
      return { ok: false, cause: failed(cause, detail, context).cause };
    }
  }

  /** A plain-text task (translation, summary): the reply is the text, with the customer's data restored. */
  async function rewriteWith(vault: PiiVault, messages: PromptMessage[], context: Record<string, unknown>): Promise<LlmTranslation> {
    let choice;
    try {
      choice = await complete(messages, { maxTokens: MAX_TOKENS.translation });
    } catch (error) {
      return { ok: false, cause: failed(...failureOf(error), context).cause };
    }
    const text = choice.message.content?.trim() ?? '';
    if (text === '' || (choice.message.tool_calls?.length ?? 0) > 0 || choice.finish_reason === 'length') {
      return { ok: false, cause: failed('malformed', 'empty or cut-off text', context).cause };
    }
    const restored = vault.restore(text);
    if (restored.unknown.length > 0) return { ok: false, cause: failed('invented_data', `placeholders never issued: ${restored.unknown.join(', ')}`, context).cause };
    return { ok: true, text: restored.text };
  }

  function rewrite(text: string, build: (redacted: string) => PromptMessage[], context: Record<string, unknown>): Promise<LlmTranslation> {
    const vault = new PiiVault();
    return rewriteWith(vault, build(vault.redact(text)), context);
  }

  return {
    model: options.model,

    async answer(request) {
      const context = { conversationId: request.conversationId, task: 'answer' };
      // One vault for the whole request: a value the customer repeats keeps its placeholder.
      const vault = new PiiVault();
      const prompt: AnswerPromptInput = {
        question: vault.redact(request.question),
        history: request.history.map((turn) => ({ author: turn.author, text: vault.redact(turn.text) })),
        passages: request.passages,
        language: request.language,
        channel: request.channel,
        handoffAvailable: request.handoffAvailable,
      };
      const messages = answerMessages(prompt);
      let choice;
      try {
        choice = await complete(messages, { maxTokens: capabilitiesOf(request.channel).shortAnswers ? MAX_TOKENS.sms : MAX_TOKENS.other, tools: request.handoffAvailable });
      } catch (error) {
        return failed(...failureOf(error), context);
      }
      const calls = choice.message.tool_calls ?? [];
      const handoff = calls.find((call) => call.function?.name === HANDOFF_TOOL);
      const other = calls.find((call) => call.function?.name !== HANDOFF_TOOL);
      // Anything but our one tool is an attempt to act outside the policy: ignore the whole reply.
      if (other) return failed('unexpected_tool', `model called ${other.function?.name ?? '(unnamed)'}`, context);
      if (handoff && request.handoffAvailable) {
        const reason = parseHandoffReason(handoff.function?.arguments);
        logger.info({ ...context, reason }, 'model asked for a person');
        return { kind: 'handoff', reason };
      }
      if (handoff) return failed('unexpected_tool', 'model called the handoff tool, which was not offered', context);
      const text = choice.message.content?.trim() ?? '';
      if (text === '') return failed('malformed', 'empty answer', context);
      if (choice.finish_reason === 'length' || choice.finish_reason === 'content_filter') {
        return failed('malformed', `answer cut off (${choice.finish_reason})`, context);
      }
      const system = messages[0]?.content ?? '';
      if (leaksPolicy(text, system)) return failed('policy_leak', 'answer quotes the system prompt', context);
      // The customer must always know they are talking to an AI; the policy says so, this makes sure.
      const claim = humanClaims.find(text);
      if (claim !== undefined) return failed('claims_human', `answer claims to be human: "${claim}"`, context);
      // Contact details come back whole ("we will write to ann@…"); payment and identity numbers never do.
      const restored = vault.restore(text, { masked: MASKED_IN_ANSWERS });
      if (restored.unknown.length > 0) return failed('invented_data', `answer has placeholders never issued: ${restored.unknown.join(', ')}`, context);
      if (!capabilitiesOf(request.channel).shortAnswers) return { kind: 'answer', text: restored.text };
      // Measured after restoring: the customer's own e-mail is longer than its placeholder.
      const fitted = fitSmsAnswer(restored.text, SMS_ANSWER_CHARS, request.language);
      if (fitted === undefined) return failed('too_long', `first sentence over ${SMS_ANSWER_CHARS} characters`, context);
      if (fitted !== restored.text) logger.info({ ...context, from: restored.text.length, to: fitted.length }, 'answer cut to whole sentences to fit one SMS');
      return { kind: 'answer', text: fitted };
    },

    translate: (text, from, to) => rewrite(text, (redacted) => translateMessages(redacted, from, to), { task: 'translate', from, to }),

    async classifyEscalation(text) {
      const messages = escalationMessages(new PiiVault().redact(text));
      const reply = await completeJson(messages, escalationReplySchema, { maxTokens: MAX_TOKENS.label, responseFormat: ESCALATION_RESPONSE_FORMAT }, { task: 'classify_escalation' });
      return reply.ok ? { ok: true, label: reply.value.label } : reply;
    },

    async translateKnowledge(entry, from, to, signal) {
      const request = { maxTokens: MAX_TOKENS.knowledge, responseFormat: knowledgeTranslationFormat(entry.short !== undefined), signal };
      const reply = await completeJson(knowledgeTranslationMessages(entry, from, to), knowledgeReplySchema, request, { task: 'translate_knowledge', from, to });
      return reply.ok ? { ok: true, text: reply.value } : reply;
    },

    ...(embeddingModel !== undefined && { embed: (texts: readonly string[], signal?: AbortSignal) => embed(texts, embeddingModel, signal) }),

    summarize(turns, to) {
      // The transcript is redacted as one text so a value keeps one placeholder throughout.
      const vault = new PiiVault();
      const redacted = turns.map((turn) => ({ author: turn.author, text: vault.redact(turn.text) }));
      return rewriteWith(vault, summaryMessages(redacted, to), { task: 'summarize', to });
    },
  };
}
