import assert from 'node:assert/strict';
import twilio from 'twilio';
import { ChannelError } from '../src/errors.js';
import { OutcomeUnknownError } from '../src/outbox/delivery-attempt.js';
import { decideDeadLetter, decideFailure, decideWindowClosed, type RetryRules } from '../src/delivery/delivery-policy.js';
import { classifyTwilioError } from '../adapters/twilio/twilio-errors.js';
import { statusReportOf } from '../adapters/twilio/twilio-status.js';

const HOUR = 60 * 60 * 1000;
const now = new Date('2026-12-01T12:00:00Z');
const rules: RetryRules = { retryWindowMs: 24 * HOUR, sendTimeoutMs: 10_000, backoff: { baseMs: 1000, maxMs: 60_000 }, random: () => 0.5 };
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * HOUR);
const twilioRefusal = (code: number, status = 400) => classifyTwilioError(new twilio.RestException({ statusCode: status, body: { code, message: 'refused' } }), 'a test send');

describe('delivery policy', () => {
  describe('a failed attempt', () => {
    it('is dead-lettered at once when the channel refused it for good', () => {
      assert.deepEqual(decideFailure({ error: new ChannelError('invalid number', false, '21211'), attempts: 1, failingSince: undefined, now }, rules), { action: 'dead_letter', status: 'dead' });
    });

    it('is retried with backoff while the retry window is open, an unknown error counted as transient', () => {
      assert.deepEqual(decideFailure({ error: new ChannelError('503', true, 'http_503'), attempts: 3, failingSince: hoursAgo(23), now }, rules), { action: 'retry', delayMs: 3000, outcomeUnknown: false });
      assert.equal(decideFailure({ error: new Error('a bug'), attempts: 1, failingSince: undefined, now }, rules).action, 'retry');
    });

    it("waits at least the channel's Retry-After, and a send with an unknown outcome at least the send timeout", () => {
      const throttled = new ChannelError('429', true, 'http_429', { retryAfterMs: 45_000 });
      assert.deepEqual(decideFailure({ error: throttled, attempts: 1, failingSince: undefined, now }, rules), { action: 'retry', delayMs: 45_000, outcomeUnknown: false });
      assert.deepEqual(decideFailure({ error: new OutcomeUnknownError('reset', 'ECONNRESET'), attempts: 1, failingSince: undefined, now }, rules), { action: 'retry', delayMs: 10_000, outcomeUnknown: true });
    });

    it('expires once it has been failing for the whole retry window', () => {
      assert.deepEqual(decideFailure({ error: new ChannelError('503', true), attempts: 900, failingSince: hoursAgo(24), now }, rules), { action: 'dead_letter', status: 'expired' });
    });
  });

  describe('a dead letter', () => {
    it('marks the customer opted out when Twilio answers 21610, and when we refused to message an opted-out customer', () => {
      assert.deepEqual(decideDeadLetter(twilioRefusal(21610), 'dead'), { action: 'mark_opted_out' });
      assert.deepEqual(decideDeadLetter(new ChannelError('opted out', false, 'opted_out', { refusal: 'recipient_opted_out' }), 'dead'), { action: 'mark_opted_out' });
    });

    it('pages the desk about a message held by a closed window', () => {
      assert.deepEqual(decideDeadLetter(new ChannelError('held', false, 'whatsapp_window_closed', { refusal: 'window_closed' }), 'dead'), { action: 'page_desk', reason: 'delivery_held' });
    });

    it("pages the desk about any other dead letter, with the channel's code or the retry window", () => {
      assert.deepEqual(decideDeadLetter(twilioRefusal(21211), 'dead'), { action: 'page_desk', reason: 'delivery_failed', detail: 'refused (21211)' });
      assert.deepEqual(decideDeadLetter(new ChannelError('no code', false), 'dead'), { action: 'page_desk', reason: 'delivery_failed', detail: 'refused' });
      assert.deepEqual(decideDeadLetter(twilioRefusal(20500, 500), 'expired'), { action: 'page_desk', reason: 'delivery_failed', detail: 'undelivered for OUTBOX_RETRY_HOURS' });
    });
  });

  describe('a message dropped because the window closed', () => {
    it('goes again the way the channel offers, or is held for staff', () => {
      assert.deepEqual(decideWindowClosed({ resendRef: { template: true } }), { action: 'resend', ref: { template: true } });
      assert.deepEqual(decideWindowClosed({}), { action: 'page_desk', reason: 'delivery_held' });
    });

    it("is how Twilio's 63016 on WhatsApp is reported, with the template when one is configured", () => {
      const update = { messageSid: 'SM1', channels: ['whatsapp' as const], status: 'failed' as const, errorCode: '63016' };
      assert.deepEqual(statusReportOf(update, { template: true })?.windowClosed, { resendRef: { template: true } });
      assert.deepEqual(statusReportOf(update, undefined)?.windowClosed, {});
      assert.equal(statusReportOf({ ...update, errorCode: '30008' }, { template: true })?.windowClosed, undefined);
      assert.equal(statusReportOf({ ...update, status: undefined }, undefined), undefined);
    });
  });
});
