/**
 * The composition root: builds every part from the config, wires them together, and stops them in order.
 * Nothing else creates long-lived objects. Parts are built in dependency order — store, outbox, model, staff
 * desk, delivery follow-up, engine, channels, delivery worker, inbox, routes — so every part is handed only parts
 * that already exist, and no closure reaches one built later.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { Channel, ChannelAdapter, Receive } from './model.js';
import { createLogger, type Logger } from './logger.js';
import { createTranslator } from './i18n.js';
import { Metrics } from './metrics.js';
import { createApp } from './app.js';
import { openStore } from './store/open-store.js';
import type { NewDeskEvent, Store } from './store/store.js';
import { loadKnowledgeBase } from './engine/knowledge.js';
import { createEngine } from './engine/engine.js';
import { createLlm } from './engine/llm.js';
import { createLlmAnswerStep } from './engine/llm-answer-step.js';
import { createLlmTranslator } from './engine/translate.js';
import { servedLanguages } from './engine/language.js';
import { createLanguageDetector } from './engine/language-detector.js';
import { createOutboxWorker } from './outbox/outbox-worker.js';
import { createOutbox } from './outbox/outbox.js';
import { createInboxRecorder } from './inbox/inbox-recorder.js';
import { createInboxWorker } from './inbox/inbox-worker.js';
import { messageInbox } from './inbox/message-inbox.js';
import { deskEventInbox } from './inbox/desk-event-inbox.js';
import { createWebAdapter } from '../adapters/web/web-adapter.js';
import type { HistoryMessage } from '../adapters/web/types.js';
import { createTwilioAdapter } from '../adapters/twilio/twilio-adapter.js';
import { createBotFrameworkAdapter } from '../adapters/botframework/botframework-adapter.js';
import { startSlackHandoff } from '../adapters/slack/slack-handoff.js';
import type { Clock } from './handoff/clock.js';
import { createDeliveryFollowUp } from './delivery/delivery-follow-up.js';
import { createPersonLabel } from './person-label.js';
import { createSwappableKnowledge } from './llm/swappable-knowledge.js';
import { createKnowledgeTranslationJob } from './llm/knowledge-translation-job.js';
import { createEntryEmbeddings } from './llm/entry-embeddings.js';
import { createAdminRouter } from './admin/admin-routes.js';
import { openLimits, withModelCallBudget } from './limits/limits.js';
import { withLlmMetrics } from './insights/llm-metrics.js';
import { withStoreMetrics } from './insights/store-metrics.js';
import { createRetentionSweeper } from './insights/retention.js';
import { createInsightsPage } from './insights/insights-page.js';
import { createSurveySweeper } from './insights/survey-sweeper.js';
import { createSurveyAnswerStep } from './insights/survey-answer.js';
import { createSpikeAlerts } from './insights/spike-alerts.js';
import { createStaffTexts } from './insights/staff-texts.js';

export interface RunningService {
  url: string;
  port: number;
  store: Store;
  logger: Logger;
  /** Resolves once no turn is running or due in this process's inbox (tests wait for answers with it). */
  idle(): Promise<void>;
  /** Stops accepting requests, finishes the turns in progress, drains the outbox worker, closes the store. */
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export async function startService(config: Config, options: { logger?: Logger; clock?: Clock; outboxClock?: Clock } = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const translator = createTranslator({ defaultLanguage: config.defaultLanguage });
  // Names LANGUAGES or DEFAULT_LANGUAGE and the fix when either asks for a language without a locale.
  const languages = servedLanguages({ configured: config.languages, locales: translator.languages, defaultLanguage: config.defaultLanguage });
  // eld's n-gram database (~140 MB resident for medium) is loaded once here and shared by the engine.
  const detector = await createLanguageDetector({ languages, model: config.languageDetector });
  const fileKnowledge = loadKnowledgeBase(config.knowledgeBase, { defaultLanguage: config.defaultLanguage });
  // Retrained with the model's translations as they arrive (see the translation job below).
  const knowledge = createSwappableKnowledge(fileKnowledge);
  const openedStore = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  await openedStore.migrate();
  const metrics = new Metrics({ outboxBacklog: () => openedStore.outboxBacklog() });
  // Handoffs created and claimed are counted by the store every path goes through (see src/insights/store-metrics.ts).
  const store = withStoreMetrics(openedStore, metrics);
  // The one way replies are queued: everything below queues through it; the delivery worker, built once the
  // channels exist, subscribes to be woken.
  const outbox = createOutbox(store);
  const limits = await openLimits({ limits: config.limits, databaseUrl: config.databaseUrl, logger });
  // Without OPENAI_API_KEY there is no model: every answer is the offline one and relays are untranslated.
  const llm = config.llm ? withLlmMetrics(createLlm({ ...config.llm, logger }), metrics) : undefined;
  // Background work for the model, started once the service listens: the knowledge base translated into the
  // served languages (cached by the file's hash) and the entries embedded for retrieval by meaning.
  const translations =
    llm &&
    createKnowledgeTranslationJob({
      llm,
      store,
      entries: fileKnowledge.entries,
      knowledgeHash: createHash('sha256').update(readFileSync(config.knowledgeBase)).digest('hex'),
      languages,
      defaultLanguage: config.defaultLanguage,
      onRebuilt: (rebuilt) => knowledge.replace(rebuilt),
      logger,
    });
  const embeddings = llm?.embed && createEntryEmbeddings({ embed: llm.embed, entries: fileKnowledge.entries, defaultLanguage: config.defaultLanguage, logger });
  // The Slack staff desk, when configured; the handoff clock is injectable so tests drive re-pages.
  const handoff = config.slack
    ? await startSlackHandoff({
        slack: config.slack,
        ...config.handoff,
        store,
        translator,
        logger,
        outbox,
        ...(options.clock && { clock: options.clock }),
        ...(llm && { textTranslator: createLlmTranslator(llm) }),
        agentLanguage: config.agentLanguage,
      })
    : undefined;
  // What channels report about deliveries (dead letters, status callbacks) is acted on in one place.
  const deliveryFollowUp = createDeliveryFollowUp({ store, outbox, desk: handoff?.queue, logger, metrics });
  const engine = createEngine({
    store,
    knowledge,
    translator,
    defaultLanguage: config.defaultLanguage,
    logger,
    outbox,
    detector,
    ...(handoff && { desk: handoff.queue }),
    ...(llm && {
      llm: withModelCallBudget(createLlmAnswerStep({ llm, knowledge, ...(embeddings && { retriever: embeddings }) }), limits.modelCalls, logger),
      escalationSecondOpinion: (text: string) => llm.classifyEscalation(text),
    }),
    ...(config.contactLine !== undefined && { contactLine: config.contactLine }),
    suggestOnMiss: config.suggestOnMiss,
    metrics,
    ...(config.surveys && { surveyAnswer: createSurveyAnswerStep({ store, outbox, translator, logger }) }),
  });

  const web = createWebAdapter({
    logger,
    translator,
    languages,
    limits: limits.web,
    trustProxy: config.trustProxy,
    history: async (visitorId, after, limit): Promise<HistoryMessage[]> => {
      const customer = await store.findCustomer('web', visitorId);
      if (!customer) return [];
      const messages = await store.listCustomerMessages(customer.id, { after, limit });
      return messages.map((m) => ({
        id: m.id,
        author: m.author,
        agentName: m.agentName,
        text: m.text,
        createdAt: m.createdAt.toISOString(),
      }));
    },
  });
  const adapters = new Map<Channel, ChannelAdapter>([[web.channel, web]]);
  const personLabel = createPersonLabel(translator, config.defaultLanguage);
  const twilio = config.twilio
    ? createTwilioAdapter({
        ...config.twilio,
        store,
        logger,
        reportDelivery: deliveryFollowUp.report,
        personLabel,
      })
    : undefined;
  // One Twilio adapter serves SMS and WhatsApp; it is registered under each channel it has a sender for.
  for (const channel of twilio?.channels ?? []) if (twilio) adapters.set(channel, twilio);
  if (config.botFramework) {
    const { botFramework } = config;
    const botframework = createBotFrameworkAdapter({
      credentials: botFramework.anonymous ? undefined : botFramework,
      logger,
      welcome: async (address, hints) => {
        await engine.welcome(address, hints);
      },
      // The conversation's language (or, on older rows, a Bot Framework locale: i18next falls back es-ES → es → default).
      personLabel,
      // A conversation's stored reference is never replaced by one naming another serviceUrl.
      storedReference: async (conversationId) => (await store.findCustomer('botframework', conversationId))?.addressRef,
    });
    adapters.set(botframework.channel, botframework);
  }

  const outboxWorker = createOutboxWorker({
    store,
    adapters,
    logger,
    retryWindowMs: config.outbox.retryHours * 60 * 60 * 1000,
    sendTimeoutMs: config.outbox.sendTimeoutMs,
    ...(options.outboxClock && { clock: options.outboxClock }),
    metrics,
    onDeadLetter: deliveryFollowUp.onDeadLetter,
  });
  outbox.onQueued(() => outboxWorker.wake());
  // Webhooks answer once a message is recorded; its turn runs from the inbox, in order per customer.
  const inbox = createInboxWorker({ queue: messageInbox(store), answer: (item) => engine.answer(item), logger });
  const recorder = createInboxRecorder({ store, defaultLanguage: config.defaultLanguage });
  const receive: Receive = async (inbound) => {
    const result = await recorder.record(inbound);
    if (!result.duplicate) metrics.inboundMessage(inbound.from.channel);
    inbox.wake();
    return result;
  };
  // Staff events from the desk (thread replies, Claim / Hand back / Close) are recorded before the desk's webhook
  // is answered and processed from their own inbox, in order per desk thread.
  const deskInbox = handoff && createInboxWorker({ queue: deskEventInbox(store), answer: (item) => handoff.process(item), logger });
  const recordDeskEvent = async (event: NewDeskEvent): Promise<boolean> => {
    const fresh = await store.recordDeskEvent(event);
    if (fresh) deskInbox?.wake();
    return fresh;
  };

  // The admin API exists only with ADMIN_TOKEN: without it /admin/* is a plain 404.
  const admin = config.admin ? createAdminRouter({ token: config.admin.token, store, logger, outbox }) : undefined;
  // Texts for staff (the insights page, spike alerts) in AGENT_LANGUAGE.
  const staffTexts = createStaffTexts();
  // The staff insights page signs in with ADMIN_TOKEN: without it /insights does not exist either.
  const insightsPage = config.admin ? createInsightsPage({ token: config.admin.token, store, logger, texts: staffTexts, language: config.agentLanguage }) : undefined;
  const app = createApp({
    store,
    logger,
    metrics,
    trustProxy: config.trustProxy,
    routers: [...[...new Set(adapters.values())].map((a) => a.routes(receive)), ...(handoff ? [handoff.routes(recordDeskEvent)] : []), ...(admin ? [admin] : []), ...(insightsPage ? [insightsPage] : [])],
  });
  const retention = config.retentionDays === undefined ? undefined : createRetentionSweeper({ store, logger, retentionDays: config.retentionDays });
  // The injected clock (tests) drives the survey sweeps as it drives re-pages.
  const surveys =
    config.surveys &&
    createSurveySweeper({ store, translator, logger, afterMinutes: config.surveys.afterMinutes, outbox, ...(options.clock && { clock: options.clock }) });
  // Spike alerts go to the Slack queue channel: without the desk there is nowhere to post them.
  const spikes =
    handoff &&
    createSpikeAlerts({ store, channel: handoff.alerts, texts: staffTexts, language: config.agentLanguage, minCount: config.alerts.minCount, logger, ...(options.clock && { clock: options.clock }) });
  const server = createServer(app);
  web.attach(server);
  const port = await listen(server, config.port);
  outboxWorker.start();
  inbox.start();
  deskInbox?.start();
  handoff?.queue.start();
  translations?.start();
  embeddings?.start();
  retention?.start();
  surveys?.start();
  spikes?.start();
  logger.info({ port, store: config.databaseUrl ? 'postgresql' : 'sqlite', channels: [...adapters.keys()] }, 'switchboard listening');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    logger,
    async idle() {
      await inbox.idle();
      await deskInbox?.idle();
    },
    async stop() {
      const closing = closeServer(server);
      await web.close();
      await closing;
      handoff?.queue.stop();
      await inbox.stop();
      await deskInbox?.stop();
      await translations?.stop();
      await embeddings?.stop();
      await retention?.stop();
      await surveys?.stop();
      await spikes?.stop();
      await outboxWorker.stop();
      await limits.close();
      await store.close();
      logger.info('switchboard stopped');
    },
  };
}
