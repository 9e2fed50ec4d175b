/** What counts as a satisfaction rating, and what is an ordinary message that happens to start with a digit. */
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { parseRating } from '../src/insights/survey-rating.js';

describe('survey ratings', () => {
  it('reads digits, "n/5", stars and the digits of other scripts', () => {
    const cases: [string, number][] = [
      ['4', 4], [' 5 ', 5], ['1.', 1], ['3!', 3], ['5/5', 5], ['4 / 5', 4],
      ['⭐⭐⭐⭐', 4], ['⭐️⭐️⭐️', 3], ['★ ★', 2], ['🌟', 1],
      ['４', 4], ['٥', 5], ['۳', 3], ['४', 4],
    ];
    for (const [text, rating] of cases) assert.equal(parseRating(text), rating, text);
  });

  it('leaves everything else to the dialogue', () => {
    for (const text of ['0', '6', '10', '4 items are missing', 'order 12345', '⭐⭐⭐⭐⭐⭐', 'five stars?', '', '3/10', 'STOP']) {
      assert.equal(parseRating(text), undefined, text);
    }
  });

  it('CSAT is on by default after 30 quiet minutes; CSAT=off turns it off; a bad value names the variable and the fix', () => {
    assert.deepEqual(loadConfig({}).surveys, { afterMinutes: 30 });
    assert.deepEqual(loadConfig({ CSAT_AFTER_MINUTES: '90' }).surveys, { afterMinutes: 90 });
    assert.equal(loadConfig({ CSAT: 'off' }).surveys, undefined);
    assert.throws(() => loadConfig({ CSAT: 'maybe' }), (error: unknown) => error instanceof ConfigError && /^CSAT=/.test(error.message) && /on .* or off/.test(error.message));
    for (const bad of ['0', '-5', '2.5', 'soon', '100000']) {
      assert.throws(() => loadConfig({ CSAT_AFTER_MINUTES: bad }), (error: unknown) => error instanceof ConfigError && /CSAT_AFTER_MINUTES=30/.test(error.message));
    }
  });
});
