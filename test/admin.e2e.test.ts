/**
 * The staff-only admin API end to end: the whole service on SQLite, a web customer writing over HTTP, then a
 * data access request (export) and an erasure request through HTTP with the bearer token.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import type { CustomerExportView } from '../src/admin/customer-export-view.js';
import { createCollectingLogger } from './support/collecting-logger.js';
import { eventually } from './support/eventually.js';
import { postWebMessage } from './support/web-requests.js';

const TOKEN = 'test-admin-token-0123456789abcdef-0123';
const DISCLOSURE = /automated assistant \(AI\)/;

describe('admin API: customer data export and erasure', () => {
  let dataDir: string;
  let service: RunningService | undefined;
  let logLines: string[];

  const start = async (env: Record<string, string> = { ADMIN_TOKEN: TOKEN }): Promise<RunningService> => {
    const { logger, lines } = createCollectingLogger();
    logLines = lines;
    service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }), { logger });
    return service;
  };

  /** A request to the admin API; `token` null sends no Authorization header. */
  const admin = (method: 'GET' | 'DELETE', path: string, token: string | null = TOKEN): Promise<Response> =>
    fetch(`${service!.url}/admin/customers/${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  /** A web visitor's message, answered and delivered (the outbox is empty afterwards). */
  const converse = async (visitorId: string, clientMessageId: string, text: string): Promise<void> => {
    const res = await postWebMessage(service!.url, { visitorId, clientMessageId, text });
    assert.equal(res.status, 202);
    // The webhook answers once the message is recorded: first its turn queues the replies, then they are sent.
    await service!.idle();
    await eventually(async () => (await service!.store.nextOutboxDueAt()) === undefined);
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-admin-e2e-'));
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exports a customer's conversation with its messages", async () => {
    await start();
    await converse('visitor-admin-0001', 'client-0001', 'how long does shipping take?');

    const res = await admin('GET', 'web/visitor-admin-0001/export');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as CustomerExportView;
    assert.equal(body.customer.channel, 'web');
    assert.equal(body.customer.address, 'visitor-admin-0001');
    assert.equal(body.customer.optedOut, false);
    assert.equal(body.conversations.length, 1);
    const [conversation] = body.conversations;
    assert.equal(conversation?.state, 'bot');
    assert.equal(conversation?.language, 'en');
    assert.deepEqual(conversation?.messages.map((m) => m.author), ['customer', 'bot', 'bot']);
    assert.equal(conversation?.messages[0]?.text, 'how long does shipping take?');
    assert.match(conversation?.messages[1]?.text ?? '', DISCLOSURE);
    assert.match(conversation?.messages[2]?.text ?? '', /business days/);
    assert.deepEqual(conversation?.handoffs, []);
  });

  it('refuses a missing, malformed or wrong token with 401, logs it without the token, and erases nothing', async () => {
    await start();
    await converse('visitor-admin-0002', 'client-0001', 'hello');
    const wrong = `${TOKEN.slice(0, -1)}X`;
    const attempts: [string | null, string][] = [
      [null, 'missing bearer token'],
      [wrong, 'wrong bearer token'],
      ['', 'malformed authorization header'],
    ];
    for (const [token, reason] of attempts) {
      for (const [method, path] of [['DELETE', 'web/visitor-admin-0002'], ['GET', 'web/visitor-admin-0002/export']] as const) {
        const res = await admin(method, path, token);
        assert.equal(res.status, 401, `${method} with ${reason}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
        assert.deepEqual(await res.json(), { error: reason });
      }
    }
    const basic = await fetch(`${service!.url}/admin/customers/web/visitor-admin-0002`, { method: 'DELETE', headers: { authorization: `Basic ${TOKEN}` } });
    assert.equal(basic.status, 401);

    assert.ok(await service!.store.findCustomer('web', 'visitor-admin-0002'), 'nothing erased');
    const refusals = logLines.filter((line) => line.includes('admin request refused'));
    // Seven refusals from one address within the minute: one line, the rest counted for the next.
    assert.equal(refusals.length, 1);
    assert.ok(!logLines.some((line) => line.includes(wrong) || line.includes(TOKEN)), 'no token in the logs');
    assert.ok(!refusals.some((line) => line.includes('visitor-admin-0002')), 'no address in the refusals');
  });

  it('erases everything of a customer; their next message starts afresh with the AI disclosure', async () => {
    const { store } = await start();
    await converse('visitor-admin-0003', 'client-0001', 'how can I return an item?');
    const customer = await store.findCustomer('web', 'visitor-admin-0003');
    assert.ok(customer);
    const messages = await store.listCustomerMessages(customer.id);
    const conversationId = messages[0]!.conversationId;
    const { handoff } = await store.createHandoff({ conversationId, reason: 'asked_for_human', language: 'en', pagedAt: new Date() });
    const bystander = 'visitor-admin-0004';
    await converse(bystander, 'client-0001', 'hello');

    const res = await admin('DELETE', 'web/visitor-admin-0003');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { erased: { messages: 3, conversations: 1, handoffs: 1, outbox: 2, surveys: 0 } });

    assert.equal((await admin('GET', 'web/visitor-admin-0003/export')).status, 404);
    assert.equal(await store.findCustomer('web', 'visitor-admin-0003'), undefined);
    assert.equal(await store.getCustomer(customer.id), undefined);
    assert.equal(await store.getConversation(conversationId), undefined);
    assert.deepEqual(await store.listMessages(conversationId), []);
    assert.deepEqual(await store.listCustomerMessages(customer.id), []);
    assert.equal(await store.getHandoff(handoff.id), undefined);
    assert.equal(await store.findInbound('web', messages[0]!.externalId ?? ''), undefined);
    assert.ok(await store.findCustomer('web', bystander), 'another customer is untouched');
    assert.ok(!logLines.some((line) => line.includes('customer data erased') && line.includes('visitor-admin-0003')), 'the erased address is not logged');
    assert.equal((await admin('DELETE', 'web/visitor-admin-0003')).status, 404, 'a second erasure finds nothing');

    // The same client message id again: after erasure it is a new message, not a duplicate.
    await converse('visitor-admin-0003', 'client-0001', 'hello again');
    const fresh = await store.findCustomer('web', 'visitor-admin-0003');
    assert.ok(fresh && fresh.id !== customer.id);
    const again = (await (await admin('GET', 'web/visitor-admin-0003/export')).json()) as CustomerExportView;
    assert.equal(again.conversations.length, 1);
    const texts = again.conversations[0]?.messages.map((m) => m.text) ?? [];
    assert.equal(texts[0], 'hello again');
    assert.match(texts[1] ?? '', DISCLOSURE, 'the new conversation discloses the AI again');
  });

  it('answers 404 for an unknown customer and 400 with a reason for an unknown channel', async () => {
    await start();
    for (const [method, path] of [['GET', 'sms/%2B15550000000/export'], ['DELETE', 'sms/%2B15550000000']] as const) {
      const res = await admin(method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(await res.json(), { error: 'no customer at this address' });
    }
    for (const [method, path] of [['GET', 'fax/123/export'], ['DELETE', 'fax/123']] as const) {
      const res = await admin(method, path);
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.match(((await res.json()) as { error: string }).error, /channel must be one of sms, whatsapp, web, botframework/);
    }
  });

  it('is not mounted at all without ADMIN_TOKEN', async () => {
    await start({});
    await converse('visitor-admin-0005', 'client-0001', 'hello');
    assert.equal((await admin('GET', 'web/visitor-admin-0005/export')).status, 404);
    assert.equal((await admin('DELETE', 'web/visitor-admin-0005')).status, 404);
    assert.ok(await service!.store.findCustomer('web', 'visitor-admin-0005'));
  });
});
