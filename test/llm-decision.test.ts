import assert from 'node:assert/strict';
import { decide, type Decision } from '../src/engine/decide.js';
import { mergeLlmResult } from '../src/engine/llm-decision.js';
import { loadKnowledgeBase, SURE_PROBABILITY } from '../src/engine/knowledge.js';
import { createTranslator } from '../src/i18n.js';
import { projectPath } from '../src/paths.js';
import { decisionInput as input } from './support/decision-input.js';

const { t } = createTranslator({ defaultLanguage: 'en' });
const context = { knowledge: loadKnowledgeBase(projectPath('knowledge', 'demo.yaml')), t, defaultLanguage: 'en', humanAvailable: true };

describe('llm decision merge', () => {
  it('marks a miss as an answer opportunity after the disclosure', () => {
    const offline = decide(input({ text: 'Do you have a shop in Riga?', isNewConversation: true }), context);
    assert.deepEqual(offline.llm, { task: 'answer', replaceFrom: 1 });
    assert.deepEqual(offline.replies, [t('en', 'disclosure'), t('en', 'fallback')]);
  });

  it('marks an answer missing in the conversation’s language for translation, and a confident own-language answer not at all', () => {
    const italian = decide(input({ text: 'quanto costa la spedizione?', language: 'it' }), context);
    assert.equal(italian.llm?.task, 'translate');
    assert.equal(italian.llm.task === 'translate' && italian.llm.from, 'en');
    assert.equal(decide(input({ text: 'how long does shipping take?' }), context).llm, undefined);
    assert.equal(decide(input({ text: 'hello' }), context).llm, undefined);
    assert.equal(decide(input({ text: 'I want to talk to a human' }), context).llm, undefined);
  });

  it('replaces the fallback with the answer and cancels the repeated-misses escalation', () => {
    const offline = decide(input({ text: 'Do you have a shop in Riga?', failedAnswers: 1 }), context);
    assert.equal(offline.escalation, 'repeated_misses');
    const merged = mergeLlmResult(offline, { kind: 'answer', text: 'We are online only.' });
    assert.deepEqual(merged.replies, ['We are online only.']);
    assert.equal(merged.failedAnswers, 0);
    assert.equal(merged.escalation, undefined);
  });

  it('turns a handoff into an llm_handoff escalation with no bot text', () => {
    const offline = decide(input({ text: 'Do you have a shop in Riga?', isNewConversation: true }), context);
    const merged = mergeLlmResult(offline, { kind: 'handoff', reason: 'x' });
    assert.deepEqual(merged.replies, [t('en', 'disclosure')]);
    assert.equal(merged.escalation, 'llm_handoff');
  });

  it('replaces the notice and default-language answer with the translation only', () => {
    const offline = decide(input({ text: 'quanto costa la spedizione?', language: 'it' }), context);
    assert.equal(offline.replies.length, 2);
    assert.deepEqual(mergeLlmResult(offline, { kind: 'translation', text: 'Costa 4,95 €.' }).replies, ['Costa 4,95 €.']);
    assert.equal(mergeLlmResult(offline, { kind: 'answer', text: 'x' }), offline);
  });

  it('lets the model check an answer the matcher is not sure of, keeping the offline answer as the fallback', () => {
    const text = 'my package?';
    const verdict = context.knowledge.understand(text, { language: 'en' });
    assert.ok(verdict.kind === 'answer' && verdict.match.score < SURE_PROBABILITY, `precondition: "${text}" is an unsure match`);
    const offline = decide(input({ text, isNewConversation: true }), context);
    assert.deepEqual(offline.llm, { task: 'answer', replaceFrom: 1 });
    assert.deepEqual(offline.replies, [t('en', 'disclosure'), context.knowledge.answerFor(verdict.match.entry, 'en').text]);
    assert.equal(offline.entryId, verdict.match.entry.id);
    assert.deepEqual(mergeLlmResult(offline, { kind: 'answer', text: 'Track it from the link in your e-mail.' }).replies, [t('en', 'disclosure'), 'Track it from the link in your e-mail.']);
    assert.equal(mergeLlmResult(offline, { kind: 'failed' }), offline);
  });

  it('lets the model answer instead of asking "did you mean", which stays the fallback', () => {
    // Tracking a parcel and how long shipping takes are two entries of the demo base; the terse message names both.
    const text = 'shipping track';
    assert.equal(context.knowledge.understand(text, { language: 'en' }).kind, 'clarify', `precondition: "${text}" is between two entries`);
    const offline = decide(input({ text, failedAnswers: 1 }), context);
    assert.deepEqual(offline.llm, { task: 'answer', replaceFrom: 0 });
    assert.equal(offline.failedAnswers, 1, 'a question back is not a miss');
    assert.equal(offline.escalation, undefined);
    assert.equal(offline.offered?.length, 2, 'the question back offers its two entries: a reply "2" answers the second');
    const merged = mergeLlmResult(offline, { kind: 'answer', text: 'Track it from the link in your e-mail.' });
    assert.deepEqual(merged.replies, ['Track it from the link in your e-mail.']);
    assert.equal(merged.failedAnswers, 0);
    // The model answered: nothing is on offer any more, so a later "2" is not taken for a choice.
    assert.equal(merged.offered, undefined);
    assert.deepEqual(mergeLlmResult(offline, { kind: 'handoff', reason: 'asked' }).offered, undefined);
  });

  it('keeps the offline decision on failure', () => {
    const offline: Decision = decide(input({ text: 'Do you have a shop in Riga?' }), context);
    assert.equal(mergeLlmResult(offline, { kind: 'failed' }), offline);
  });
});
