/**
 * A fake OpenAI-compatible server on 127.0.0.1:0: `POST /v1/chat/completions` answering JSON or, when the
 * request asks `stream: true`, server-sent events in the chunk format of the real API, with tool calls. Each
 * test scripts the replies (text, a tool call, 429, 500, a delay beyond the client's timeout, a malformed
 * body) and reads back every request, so it can assert what left the service. `POST /v1/embeddings` answers
 * with {@link fakeEmbedding} vectors (or a scripted error status).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

/** One scripted answer. */
export type FakeReply =
  | { text: string; finishReason?: 'stop' | 'length' | 'content_filter' }
  | { toolCall: { name: string; arguments: string }; text?: string }
  | { status: 429 | 500 | 503 | 400 | 401; message?: string }
  /** Waits before answering `then` (default: a text); the client gives up first when `ms` exceeds its timeout. */
  | { delayMs: number; then?: FakeReply }
  /** Holds the request until `waitFor` settles, then answers `then` (default: a text): the test decides when. */
  | { waitFor: Promise<unknown>; then?: FakeReply }
  /**
   * Never finishes: `headers` sends nothing at all, `body` sends the 200 headers and half a body, then stalls
   * (a server that dies mid-answer). Only the client's deadline ends the request.
   */
  | { hang: 'headers' | 'body' }
  /** `json`: not JSON at all; `no_choices`: JSON without choices; `empty`: a choice with neither text nor tools. */
  | { malformed: 'json' | 'no_choices' | 'empty' };

export interface FakeChatMessage {
  role: string;
  content: string | null;
  tool_call_id?: string;
}

/** What a request carried, parsed. */
export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  tools: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  stream: boolean;
  /** The request body exactly as sent, for "this string never left" assertions. */
  raw: string;
  authorization: string | undefined;
}

/** An embeddings request, parsed. */
export interface FakeEmbeddingRequest {
  model: string;
  input: string[];
  encodingFormat: string | undefined;
}

export interface FakeOpenAi {
  /** For OPENAI_BASE_URL: ends in /v1. */
  baseUrl: string;
  requests: FakeChatRequest[];
  embeddingRequests: FakeEmbeddingRequest[];
  /** Every embeddings request fails with this status from now on; undefined: answer them again. */
  failEmbeddings(status: 404 | 500 | undefined): void;
  /** Replies for the next requests, in order; afterwards the default responder answers. */
  enqueue(...replies: FakeReply[]): void;
  /** Answers requests when nothing is queued (default: a fixed English text). */
  respondWith(responder: (request: FakeChatRequest) => FakeReply): void;
  close(): Promise<void>;
}

/** A request to translate a knowledge entry (see knowledgeTranslationMessages), as the fake reads it. */
export interface FakeKnowledgeTranslationRequest {
  /** The target language code. */
  to: string;
  entry: { questions: string[]; answer: string; short?: string };
}

/** The knowledge entry and target language of a translation request; undefined for any other request. */
export function knowledgeTranslationOf(request: FakeChatRequest): FakeKnowledgeTranslationRequest | undefined {
  const to = /^You translate one entry of a business's customer-support knowledge base from .+ into .+ \(([a-z]{2,3})\)\./.exec(request.messages[0]?.content ?? '')?.[1];
  const fenced = /<knowledge_entry>\n([\s\S]*)\n<\/knowledge_entry>/.exec(request.messages[1]?.content ?? '')?.[1];
  return to === undefined || fenced === undefined ? undefined : { to, entry: JSON.parse(fenced) as FakeKnowledgeTranslationRequest['entry'] };
}

const EMBEDDING_DIMENSIONS = 512;

/**
 * A deterministic embedding: a bag of lower-cased words hashed (FNV-1a) into 512 dimensions, unit length.
 * Texts sharing words are similar, so a test chooses which passage a question is nearest to by its words.
 */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    let hash = 0x811c9dc5;
    for (const char of word) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
    vector[hash % EMBEDDING_DIMENSIONS] = (vector[hash % EMBEDDING_DIMENSIONS] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

function parseEmbeddingRequest(raw: string): FakeEmbeddingRequest {
  const body = JSON.parse(raw) as { model?: unknown; input?: unknown; encoding_format?: unknown };
  const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
  return { model: String(body.model), input, encodingFormat: typeof body.encoding_format === 'string' ? body.encoding_format : undefined };
}

function embeddingsResponse(request: FakeEmbeddingRequest): Record<string, unknown> {
  return {
    object: 'list',
    data: request.input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
    model: request.model,
    usage: { prompt_tokens: 10, total_tokens: 10 },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseRequest(raw: string, authorization: string | undefined): FakeChatRequest {
  const body = JSON.parse(raw) as Partial<FakeChatRequest> & { stream?: boolean };
  return {
    model: String(body.model),
    messages: Array.isArray(body.messages) ? body.messages : [],
    tools: Array.isArray(body.tools) ? body.tools : [],
    stream: body.stream === true,
    raw,
    authorization,
  };
}

function completion(model: string, message: Record<string, unknown>, finishReason: string): Record<string, unknown> {
  return {
    id: `chatcmpl-fake${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

function toolCallOf(reply: { toolCall: { name: string; arguments: string } }): Record<string, unknown> {
  return { id: 'call_fake1', type: 'function', function: { name: reply.toolCall.name, arguments: reply.toolCall.arguments } };
}

/** The real API streams `chat.completion.chunk` objects, one delta each, then `data: [DONE]`. */
function writeStream(res: ServerResponse, model: string, reply: Extract<FakeReply, { text: string } | { toolCall: unknown }>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: 'chatcmpl-fakestream', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const send = (delta: Record<string, unknown>, finishReason: string | null): void => {
    res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] })}\n\n`);
  };
  send({ role: 'assistant', content: '' }, null);
  if ('toolCall' in reply) {
    const { name, arguments: args } = reply.toolCall;
    const half = Math.ceil(args.length / 2);
    send({ tool_calls: [{ index: 0, id: 'call_fake1', type: 'function', function: { name, arguments: args.slice(0, half) } }] }, null);
    send({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }, null);
    send({}, 'tool_calls');
  } else {
    for (const piece of reply.text.match(/.{1,12}/gsu) ?? []) send({ content: piece }, null);
    send({}, reply.finishReason ?? 'stop');
  }
  res.end('data: [DONE]\n\n');
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: FakeChatRequest[] = [];
  const embeddingRequests: FakeEmbeddingRequest[] = [];
  let embeddingFailure: number | undefined;
  const queue: FakeReply[] = [];
  let responder: (request: FakeChatRequest) => FakeReply = () => ({ text: 'This is the fake model answering.' });
  const timers = new Set<NodeJS.Timeout>();

  function answer(res: ServerResponse, request: FakeChatRequest, reply: FakeReply): void {
    if ('delayMs' in reply) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        // The client aborted and closed the socket meanwhile: nothing to write to.
        if (!res.destroyed) answer(res, request, reply.then ?? { text: 'A late answer.' });
      }, reply.delayMs);
      timers.add(timer);
      return;
    }
    if ('waitFor' in reply) {
      void reply.waitFor.finally(() => {
        if (!res.destroyed) answer(res, request, reply.then ?? { text: 'A late answer.' });
      });
      return;
    }
    if ('hang' in reply) {
      if (reply.hang === 'body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":"chatcmpl-stalled","object":"chat.completion","choices":[');
      }
      return;
    }
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.status === 429 && { 'retry-after': '1' }) });
      res.end(JSON.stringify({ error: { message: reply.message ?? `fake error ${reply.status}`, type: 'fake_error', param: null, code: null } }));
      return;
    }
    if ('malformed' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (reply.malformed === 'json') res.end('{"choices": [ this is not json');
      else if (reply.malformed === 'no_choices') res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: request.model }));
      else res.end(JSON.stringify(completion(request.model, { content: null }, 'stop')));
      return;
    }
    if (request.stream) {
      writeStream(res, request.model, reply);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if ('toolCall' in reply) res.end(JSON.stringify(completion(request.model, { content: reply.text ?? null, tool_calls: [toolCallOf(reply)] }, 'tool_calls')));
    else res.end(JSON.stringify(completion(request.model, { content: reply.text }, reply.finishReason ?? 'stop')));
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === '/v1/embeddings') {
        const request = parseEmbeddingRequest(raw);
        embeddingRequests.push(request);
        if (embeddingFailure === undefined) sendJson(res, 200, embeddingsResponse(request));
        else sendJson(res, embeddingFailure, { error: { message: `fake error ${embeddingFailure}`, type: 'fake_error', param: null, code: null } });
        return;
      }
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method ?? ''} ${req.url ?? ''}`, type: 'invalid_request_error' } }));
        return;
      }
      let request: FakeChatRequest;
      try {
        request = parseRequest(raw, req.headers.authorization);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'body is not JSON', type: 'invalid_request_error' } }));
        return;
      }
      requests.push(request);
      answer(res, request, queue.shift() ?? responder(request));
    })();
  });
  const port = await listenOnLoopback(server);

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests,
    failEmbeddings: (status) => {
      embeddingFailure = status;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    respondWith: (next) => {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
