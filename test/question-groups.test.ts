/** The unanswered questions grouped by topic: paraphrases together, other topics apart, largest first. */
import assert from 'node:assert/strict';
import { groupQuestions } from '../src/insights/question-groups.js';

describe('unanswered question groups', () => {
  it('puts paraphrases of one gap together, with its count and first text as the example', () => {
    const texts = [
      'is there a student discount',
      'do you ship to Mars?',
      'can you deliver to mars',
      'student discount available?',
      'shipping to Mars possible?',
      'Do you ship to planet Mars',
      'do students get a discount?',
      'what is the airspeed velocity of an unladen swallow',
      'can I pay with bitcoin',
      'do you accept bitcoin payments',
    ];
    assert.deepEqual(groupQuestions(texts), [
      { example: 'do you ship to Mars?', count: 4 },
      { example: 'is there a student discount', count: 3 },
      { example: 'can I pay with bitcoin', count: 2 },
      { example: 'what is the airspeed velocity of an unladen swallow', count: 1 },
    ]);
  });

  it('gives no groups for no questions', () => {
    assert.deepEqual(groupQuestions([]), []);
  });
});
