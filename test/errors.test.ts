import assert from 'node:assert/strict';
import { BadRequestError, ChannelError, SignatureError, bodyParserErrorType, httpStatusOf, parseRetryAfter } from '../src/errors.js';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores junk', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 24 Nov 2026 10:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe('httpStatusOf', () => {
  it('maps each coded error to its HTTP status', () => {
    assert.equal(httpStatusOf(new BadRequestError('text must not be empty')), 400);
    assert.equal(httpStatusOf(new SignatureError('missing', 'no X-Twilio-Signature')), 400);
    assert.equal(httpStatusOf(new SignatureError('invalid', 'wrong signature')), 403);
    assert.equal(httpStatusOf(new ChannelError('down', true)), 500);
    assert.equal(httpStatusOf(new Error('boom')), 500);
  });
});

describe('bodyParserErrorType', () => {
  it("reads the body parser's error type and nothing else", () => {
    assert.equal(bodyParserErrorType(Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed' })), 'entity.parse.failed');
    assert.equal(bodyParserErrorType(new Error('boom')), undefined);
    assert.equal(bodyParserErrorType({ type: 42 }), undefined);
    assert.equal(bodyParserErrorType(null), undefined);
  });
});
