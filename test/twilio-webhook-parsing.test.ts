import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { publicWebhookUrl, verifyTwilioRequest, parseFormParams } from '../adapters/twilio/twilio-signature.js';
import { parseTwilioInbound, toTwilioInbound } from '../adapters/twilio/twilio-inbound.js';
import { parseStatusCallback } from '../adapters/twilio/twilio-status.js';
import { countryOfPhoneNumber } from '../src/engine/country-language.js';
import { BadRequestError, SignatureError } from '../src/errors.js';

// The vendors' published examples, copied into the repository (each entry names its source).
const vectorsPath = fileURLToPath(new URL('./fixtures/vectors/signatures.json', import.meta.url));
const vectors = z
  .object({
    twilio_form: z.array(z.object({ authToken: z.string(), url: z.string(), params: z.record(z.string(), z.string()), signature: z.string() })).min(1),
    twilio_json_body: z.array(z.object({ authToken: z.string(), url: z.string(), body: z.string(), signature: z.string() })).min(1),
  })
  .parse(JSON.parse(readFileSync(vectorsPath, 'utf8')));

const fixture = (name: string): Record<string, string> =>
  z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(new URL(`./fixtures/twilio/${name}`, import.meta.url), 'utf8')));

const formBody = (params: Record<string, string>) => Buffer.from(new URLSearchParams(params).toString());
const FORM = 'application/x-www-form-urlencoded';

/** The text with its middle character changed. */
function oneCharChange(text: string): string {
  const index = Math.floor(text.length / 2);
  const char = text[index] === 'a' ? 'b' : 'a';
  return text.slice(0, index) + char + text.slice(index + 1);
}

describe('Twilio signature verification', () => {
  describe('published form vectors', () => {
    for (const [i, v] of vectors.twilio_form.entries()) {
      it(`vector ${i} verifies, and a one-character change in the signature, URL or a parameter does not`, () => {
        const ok = verifyTwilioRequest(v.authToken, { url: v.url, signature: v.signature, contentType: FORM, rawBody: formBody(v.params) });
        assert.equal(ok.kind, 'form');
        const tampered = [
          { url: v.url, signature: oneCharChange(v.signature), rawBody: formBody(v.params) },
          { url: oneCharChange(v.url), signature: v.signature, rawBody: formBody(v.params) },
          { url: v.url, signature: v.signature, rawBody: formBody({ ...v.params, Digits: oneCharChange(v.params.Digits ?? '1234') }) },
          { url: v.url, signature: v.signature, rawBody: formBody({ ...v.params, Extra: 'x' }) },
        ];
        for (const request of tampered) {
          assert.throws(
            () => verifyTwilioRequest(v.authToken, { ...request, contentType: FORM }),
            (e: unknown) => e instanceof SignatureError && e.reason === 'invalid',
          );
        }
        assert.throws(() => verifyTwilioRequest(oneCharChange(v.authToken), { url: v.url, signature: v.signature, contentType: FORM, rawBody: formBody(v.params) }), SignatureError);
      });
    }
  });

  describe('published JSON-body vectors (bodySHA256)', () => {
    for (const [i, v] of vectors.twilio_json_body.entries()) {
      it(`vector ${i} verifies, and a one-character change in the body or signature does not`, () => {
        const ok = verifyTwilioRequest(v.authToken, { url: v.url, signature: v.signature, contentType: 'application/json', rawBody: Buffer.from(v.body) });
        assert.deepEqual(ok, { kind: 'json', body: v.body });
        for (const [body, signature] of [
          [oneCharChange(v.body), v.signature],
          [v.body, oneCharChange(v.signature)],
        ] as const) {
          assert.throws(
            () => verifyTwilioRequest(v.authToken, { url: v.url, signature, contentType: 'application/json', rawBody: Buffer.from(body) }),
            (e: unknown) => e instanceof SignatureError && e.reason === 'invalid',
          );
        }
      });
    }

    it('rejects a JSON body whose URL carries no bodySHA256', () => {
      const v = vectors.twilio_json_body[0]!;
      const url = v.url.replace(/&bodySHA256=[0-9a-f]+/, '');
      assert.throws(() => verifyTwilioRequest(v.authToken, { url, signature: v.signature, contentType: 'application/json', rawBody: Buffer.from(v.body) }), /bodySHA256/);
    });
  });

  it('reports a missing signature as missing (400), not invalid', () => {
    const v = vectors.twilio_form[0]!;
    assert.throws(
      () => verifyTwilioRequest(v.authToken, { url: v.url, signature: undefined, contentType: FORM, rawBody: formBody(v.params) }),
      (e: unknown) => e instanceof SignatureError && e.reason === 'missing',
    );
  });

  it('rebuilds the signed URL from PUBLIC_URL, so a TLS proxy in front does not matter', () => {
    assert.equal(publicWebhookUrl('https://support.example.com/', '/twilio/messages?x=1'), 'https://support.example.com/twilio/messages?x=1');
    assert.equal(publicWebhookUrl('https://example.com/switchboard', '/twilio/status'), 'https://example.com/switchboard/twilio/status');
  });

  it('keeps every value of a repeated form parameter', () => {
    assert.deepEqual(parseFormParams('a=1&b=2&a=3'), { a: ['1', '3'], b: '2' });
  });
});

describe('Twilio inbound mapping', () => {
  const at = new Date('2025-03-01T10:00:00Z');

  it('maps an SMS: trimmed text, E.164 address, country hint from the calling code', () => {
    assert.deepEqual(toTwilioInbound(fixture('sms-inbound.json'), at), {
      externalId: 'SM0123456789abcdef0123456789abcdef',
      from: { channel: 'sms', id: '+37120000001' },
      text: 'Sveiki! Cik ilgi jāgaida piegāde?',
      hints: { country: 'LV' },
      receivedAt: at,
    });
  });

  it('maps WhatsApp: whatsapp: prefix → channel, ProfileName → name, media items in order', () => {
    assert.deepEqual(toTwilioInbound(fixture('whatsapp-media-inbound.json'), at), {
      externalId: 'MMfedcba9876543210fedcba9876543210',
      from: { channel: 'whatsapp', id: '+34600000001' },
      text: '',
      media: [
        {
          url: 'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MMfedcba9876543210fedcba9876543210/Media/ME00000000000000000000000000000001',
          contentType: 'image/jpeg',
        },
        {
          url: 'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MMfedcba9876543210fedcba9876543210/Media/ME00000000000000000000000000000002',
          contentType: 'application/pdf',
        },
      ],
      hints: { country: 'ES', name: 'Lucía' },
      receivedAt: at,
    });
  });

  it("prefers Twilio's FromCountry over the calling-code table (+1 is shared by the US and Canada)", () => {
    assert.deepEqual(toTwilioInbound({ ...fixture('sms-inbound.json'), From: '+14165550100', FromCountry: 'CA' }, at).hints, { country: 'CA' });
  });

  for (const [name, change] of [['missing', undefined], ['empty', '']] as const) {
    it(`refuses a message whose MessageSid or From is ${name}: the one thing it cannot do without`, () => {
      for (const param of ['MessageSid', 'From']) {
        const input: Record<string, string> = { ...fixture('sms-inbound.json') };
        if (change === undefined) delete input[param];
        else input[param] = change;
        assert.throws(() => toTwilioInbound(input, at), (e: unknown) => e instanceof BadRequestError && e.message === `${param} is required`);
      }
    });
  }

  it('accepts ids of a shape Twilio may use one day, and reports the differences for the log', () => {
    const { inbound, issues } = parseTwilioInbound({ ...fixture('sms-inbound.json'), MessageSid: 'SMS-2031-new-format', From: 'rcs:+37120000001' }, at);
    assert.equal(inbound.externalId, 'SMS-2031-new-format');
    assert.deepEqual(inbound.from, { channel: 'sms', id: 'rcs:+37120000001' });
    assert.deepEqual(issues, ['MessageSid is not SM/MM followed by 32 hex digits', 'From is not +E164 or whatsapp:+E164']);
    assert.deepEqual(parseTwilioInbound(fixture('sms-inbound.json'), at).issues, [], 'the usual shape reports nothing');
  });

  it('keeps what it can of odd parameters: a long body whole, media without an https URL left out, a long name cut', () => {
    const body = 'x'.repeat(2500);
    const { inbound, issues } = parseTwilioInbound(
      { ...fixture('sms-inbound.json'), Body: body, NumMedia: '2', MediaUrl0: 'http://insecure.example/a.jpg', MediaUrl1: 'https://api.twilio.com/m/1', ProfileName: 'n'.repeat(300) },
      at,
    );
    assert.equal(inbound.text, body);
    assert.deepEqual(inbound.media, [{ url: 'https://api.twilio.com/m/1', contentType: 'application/octet-stream' }]);
    assert.equal(inbound.hints?.name?.length, 256);
    assert.deepEqual(issues, ['Body is longer than 1600 characters', 'ProfileName is longer than 256 characters; it is cut', 'MediaUrl0 is not an https URL; the item is left out']);
    const odd = parseTwilioInbound({ ...fixture('sms-inbound.json'), NumMedia: 'x' }, at);
    assert.equal(odd.inbound.media, undefined);
    assert.deepEqual(odd.issues, ['NumMedia is not a whole number from 0 to 10; no media is read']);
  });

  it('maps a status callback; To picks the channel, statuses collapse to ours, the URL names the outbox row', () => {
    const sid = 'SM0123456789abcdef0123456789abcdef';
    assert.deepEqual(parseStatusCallback({ MessageSid: sid, MessageStatus: 'delivered', To: '+37120000001' }, new URLSearchParams('outbox=42')), {
      update: { messageSid: sid, channels: ['sms'], status: 'delivered', errorCode: undefined, outboxId: 42 },
      issues: [],
    });
    const failed = parseStatusCallback({ MessageSid: sid, MessageStatus: 'failed', ErrorCode: '63016', To: 'whatsapp:+34600000001' }, new URLSearchParams()).update;
    assert.deepEqual([failed.channels, failed.status, failed.errorCode, failed.outboxId], [['whatsapp'], 'failed', '63016', undefined]);
    assert.equal(parseStatusCallback({ MessageSid: sid, MessageStatus: 'sending' }, new URLSearchParams()).update.status, 'queued');
    // A part of a long SMS stands for no whole row; a malformed row id names none.
    assert.equal(parseStatusCallback({ MessageSid: sid, MessageStatus: 'sent' }, new URLSearchParams('outbox=42&part=2')).update.outboxId, undefined);
    assert.equal(parseStatusCallback({ MessageSid: sid, MessageStatus: 'sent' }, new URLSearchParams('outbox=4x2')).update.outboxId, undefined);
  });

  it('accepts a status callback with a state or SID it does not know, changing nothing and reporting it', () => {
    const { update, issues } = parseStatusCallback({ MessageSid: 'XX-new', MessageStatus: 'teleported', ErrorCode: 'E1' }, new URLSearchParams());
    assert.equal(update.status, undefined);
    assert.deepEqual(issues.map((i) => i.split(' ')[0]), ['MessageSid', 'MessageStatus', 'ErrorCode']);
    assert.throws(() => parseStatusCallback({ MessageStatus: 'sent' }, new URLSearchParams()), (e: unknown) => e instanceof BadRequestError && e.message === 'MessageSid is required');
  });

  it('knows the calling codes of the languages we speak', () => {
    const cases: [string, string | undefined][] = [
      ['+37120000000', 'LV'],
      ['+34600000000', 'ES'],
      ['+4915100000000', 'DE'],
      ['+33600000000', 'FR'],
      ['+447700900000', 'GB'],
      ['+12025550100', 'US'],
      ['+37060000000', 'LT'],
      ['+37250000000', 'EE'],
      ['+99912345', undefined],
      ['37120000000', undefined],
    ];
    for (const [phone, country] of cases) assert.equal(countryOfPhoneNumber(phone), country, phone);
  });
});
