/**
 * Slack request signing: `v0=` + HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`), hex.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 * Unlike Bolt's own check, the replay window is symmetric: a timestamp five minutes in the future is as
 * suspect as one five minutes old (a skewed or forged clock).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../src/errors.js';

/** Slack's documented replay window. */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export interface SlackSignatureInput {
  signingSecret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Milliseconds since the epoch; tests pin it. */
  nowMs?: number;
}

/** Computes the signature Slack would send for this body and timestamp. */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** Throws a {@link SignatureError} unless the request is Slack's and fresh. */
export function verifySlackSignature(input: SlackSignatureInput): void {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) throw new SignatureError('missing', 'Slack request without X-Slack-Signature or X-Slack-Request-Timestamp');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new SignatureError('invalid', 'Slack request timestamp is not a number');
  const nowSeconds = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - seconds) > SLACK_SIGNATURE_WINDOW_SECONDS) {
    throw new SignatureError('expired', `Slack request timestamp is ${nowSeconds - seconds} s off our clock (window ±${SLACK_SIGNATURE_WINDOW_SECONDS} s)`);
  }
  const expected = Buffer.from(signSlackRequest(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new SignatureError('invalid', 'Slack request signature does not match');
}
