/**
 * Prometheus metrics (prom-client), one registry per service instance: tests run several services in one
 * process, and a module-level registry would mix their figures. Each replica reports its own counters; the
 * outbox gauges describe the shared store and are read from it at scrape time. Label values are bounded:
 * channels, authors, escalation reasons, LLM purposes and failure causes are closed sets; languages are the
 * served ones.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the outbox gauges are computed from; read from the store on each scrape. */
export interface OutboxBacklog {
  /** Rows not yet accepted by their channel (pending or in flight). */
  pending: number;
  /** When the oldest of them was queued; undefined when there is none. */
  oldestCreatedAt: Date | undefined;
}

export interface MetricsOptions {
  outboxBacklog?: () => Promise<OutboxBacklog>;
  now?: () => Date;
}

/** Turn latencies span fast offline answers (ms) and model calls (seconds). */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Staff claim in minutes to hours. */
const QUEUE_WAIT_BUCKETS = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];

export class Metrics {
  readonly registry = new Registry();
  private readonly inbound = new Counter({ name: 'switchboard_inbound_messages_total', help: 'Inbound customer messages (duplicates excluded)', labelNames: ['channel'], registers: [this.registry] });
  private readonly replies = new Counter({ name: 'switchboard_replies_total', help: 'Replies accepted by their channel', labelNames: ['channel', 'author'], registers: [this.registry] });
  private readonly escalations = new Counter({ name: 'switchboard_escalations_total', help: 'Conversations handed to the staff queue', labelNames: ['reason'], registers: [this.registry] });
  private readonly deadLetters = new Counter({ name: 'switchboard_dead_letters_total', help: 'Replies refused for good or undelivered for OUTBOX_RETRY_HOURS', labelNames: ['channel'], registers: [this.registry] });
  private readonly turnDuration = new Histogram({ name: 'switchboard_turn_duration_seconds', help: 'Inbound message recorded to its replies queued', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly deliveryDuration = new Histogram({ name: 'switchboard_delivery_duration_seconds', help: 'Reply queued to accepted by the channel provider', labelNames: ['channel'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly llmRequests = new Counter({ name: 'switchboard_llm_requests_total', help: 'Language model calls by purpose and outcome (ok, handoff or the failure cause)', labelNames: ['purpose', 'outcome'], registers: [this.registry] });
  private readonly llmDuration = new Histogram({ name: 'switchboard_llm_duration_seconds', help: 'Language model call duration', labelNames: ['purpose'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly queueWait = new Histogram({ name: 'switchboard_queue_wait_seconds', help: 'Handoff paged to claimed by staff', buckets: QUEUE_WAIT_BUCKETS, registers: [this.registry] });
  private readonly conversations = new Counter({ name: 'switchboard_conversations_total', help: 'Conversations started, by the language of their first turn', labelNames: ['language'], registers: [this.registry] });

  constructor(options: MetricsOptions = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    const now = options.now ?? (() => new Date());
    const backlog = options.outboxBacklog;
    const read = (): Promise<OutboxBacklog> => (backlog ? backlog() : Promise.resolve({ pending: 0, oldestCreatedAt: undefined }));
    new Gauge({
      name: 'switchboard_outbox_pending',
      help: 'Replies queued and not yet accepted by their channel (whole store)',
      registers: [this.registry],
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: 'switchboard_outbox_oldest_pending_seconds',
      help: 'Age of the oldest reply not yet accepted by its channel (whole store); 0 when none',
      registers: [this.registry],
      async collect() {
        const { oldestCreatedAt } = await read();
        this.set(oldestCreatedAt ? Math.max(0, (now().getTime() - oldestCreatedAt.getTime()) / 1000) : 0);
      },
    });
  }

  inboundMessage(channel: string): void {
    this.inbound.inc({ channel });
  }

  /** A reply the channel accepted, `queuedAt` when it entered the outbox. */
  replyDelivered(channel: string, author: string, queuedAt: Date, acceptedAt: Date): void {
    this.replies.inc({ channel, author });
    this.deliveryDuration.observe({ channel }, Math.max(0, (acceptedAt.getTime() - queuedAt.getTime()) / 1000));
  }

  escalated(reason: string): void {
    this.escalations.inc({ reason });
  }

  deadLettered(channel: string): void {
    this.deadLetters.inc({ channel });
  }

  turnFinished(seconds: number): void {
    this.turnDuration.observe(seconds);
  }

  conversationStarted(language: string): void {
    this.conversations.inc({ language });
  }

  llmCall(purpose: string, outcome: string, seconds: number): void {
    this.llmRequests.inc({ purpose, outcome });
    this.llmDuration.observe({ purpose }, seconds);
  }

  handoffClaimed(pagedAt: Date, claimedAt: Date): void {
    this.queueWait.observe(Math.max(0, (claimedAt.getTime() - pagedAt.getTime()) / 1000));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The part of {@link Metrics} the engine reports to. */
export type EngineMetrics = Pick<Metrics, 'turnFinished' | 'conversationStarted'>;
/** The part of {@link Metrics} the outbox worker reports to. */
export type OutboxMetrics = Pick<Metrics, 'replyDelivered'>;
