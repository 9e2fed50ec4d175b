import assert from 'node:assert/strict';
import { createKnowledgeBase, type KnowledgeEntry } from '../src/engine/knowledge.js';
import { createTranslator } from '../src/i18n.js';
import { decide, type Decision } from '../src/engine/decide.js';
import { decisionInput } from './support/decision-input.js';

const entries: KnowledgeEntry[] = [
  {
    id: 'shipping-time',
    handoff: false,
    questions: {
      en: ['how long does shipping take?', 'delivery time'],
      es: ['¿cuánto tarda el envío?'],
    },
    answers: { en: 'Shipping takes 2–4 business days.', es: 'El envío tarda de 2 a 4 días hábiles.' },
    short: { en: '2–4 business days.' },
  },
  {
    id: 'returns',
    handoff: false,
    questions: { en: ['how do I return an item?', 'return policy'] },
    answers: { en: 'You can return items within 30 days.' },
    short: {},
  },
  {
    id: 'contact-person',
    handoff: true,
    questions: { en: ['I want to cancel my business contract'] },
    answers: { en: 'Let me get a colleague for you.' },
    short: {},
  },
];

describe('decide (pure)', () => {
  const knowledge = createKnowledgeBase(entries, { defaultLanguage: 'en' });
  const { t } = createTranslator({ defaultLanguage: 'en' });
  const context = { knowledge, t, defaultLanguage: 'en' };
  const base = decisionInput();

  it('answers from the knowledge base', () => {
    const decision = decide({ ...base, text: 'how long does shiping take' }, context);
    assert.deepEqual(decision.replies, ['Shipping takes 2–4 business days.']);
    assert.equal(decision.entryId, 'shipping-time');
    assert.equal(decision.failedAnswers, 0);
    assert.equal(decision.escalation, undefined);
  });

  it('opens a new conversation with the AI disclosure, in the conversation language', () => {
    const decision = decide({ ...base, isNewConversation: true, language: 'es', text: '¿cuánto tarda el envío?' }, context);
    assert.equal(decision.replies.length, 2);
    assert.equal(decision.replies[0], t('es', 'disclosure'));
    assert.match(decision.replies[0]!, /asistente automático \(IA\)/);
    assert.equal(decision.replies[1], 'El envío tarda de 2 a 4 días hábiles.');
  });

  it('uses the short answer on SMS', () => {
    const decision = decide({ ...base, channel: 'sms', text: 'how long does shipping take?' }, context);
    assert.deepEqual(decision.replies, ['2–4 business days.']);
  });

  it('introduces a default-language answer with a localized sentence, never a silent switch', () => {
    const decision = decide({ ...base, language: 'de', text: 'return policy' }, context);
    assert.equal(decision.replies.length, 2);
    assert.match(decision.replies[0]!, /noch nicht in Ihrer Sprache/);
    assert.match(decision.replies[0]!, /Englisch/);
    assert.equal(decision.replies[1], 'You can return items within 30 days.');
  });

  it('says it did not understand, offers a person, and escalates on the second miss in a row', () => {
    const first = decide({ ...base, text: 'flibber jabber wocky' }, context);
    assert.deepEqual(first.replies, [t('en', 'fallback')]);
    assert.match(first.replies[0]!, /person/);
    assert.equal(first.failedAnswers, 1);
    assert.equal(first.escalation, undefined);

    const second = decide({ ...base, text: 'zorp blarg', failedAnswers: first.failedAnswers }, context);
    assert.equal(second.failedAnswers, 2);
    assert.equal(second.escalation, 'repeated_misses');
  });

  it('with SUGGESTIONS=on offers the nearest entries by number when it cannot answer, and a bare number answers the one chosen', () => {
    // Off by default: the "didn't get that" alone.
    assert.deepEqual(decide({ ...base, text: 'not happy with the item' }, context).replies, [t('en', 'fallback')]);
    const suggesting = { ...context, suggestOnMiss: true };
    const declined = decide({ ...base, text: 'not happy with the item' }, suggesting);
    // The "didn't get that" with the offer of a person stays as it was; the suggestions follow it in the same message.
    assert.deepEqual(declined.replies, [`${t('en', 'fallback')}\n\n${t('en', 'suggestions', { list: '1. how do I return an item?' })}`]);
    assert.deepEqual(declined.offered, ['returns']);
    assert.equal(declined.failedAnswers, 1);

    const chosen = decide({ ...base, text: '1.', offered: declined.offered, failedAnswers: declined.failedAnswers }, context);
    assert.deepEqual(chosen.replies, ['You can return items within 30 days.']);
    assert.equal(chosen.entryId, 'returns');
    assert.equal(chosen.failedAnswers, 0);
    assert.equal(chosen.offered, undefined);
    // Sure: the customer chose it, so no model is asked to do better.
    assert.equal(chosen.llm, undefined);
  });

  it('a number nobody offered, or beyond the offer, is an ordinary message', () => {
    assert.equal(decide({ ...base, text: '1' }, context).entryId, undefined);
    assert.equal(decide({ ...base, text: '2', offered: ['returns'] }, context).entryId, undefined);
    // An entry removed from the base since it was offered is not answered.
    assert.equal(decide({ ...base, text: '1', offered: ['gone'] }, context).entryId, undefined);
  });

  it('suggests nothing for gibberish, nor when the second miss hands the customer to a person', () => {
    const suggesting = { ...context, suggestOnMiss: true };
    const gibberish = decide({ ...base, text: 'flibber jabber wocky' }, suggesting);
    assert.deepEqual(gibberish.replies, [t('en', 'fallback')]);
    assert.equal(gibberish.offered, undefined);
    const second = decide({ ...base, text: 'not happy with the item', failedAnswers: 1 }, suggesting);
    assert.equal(second.escalation, 'repeated_misses');
    assert.deepEqual(second.replies, [t('en', 'fallback')]);
    assert.equal(second.offered, undefined);
  });

  it('an answer resets the miss count', () => {
    const decision = decide({ ...base, text: 'return policy', failedAnswers: 1 }, context);
    assert.equal(decision.failedAnswers, 0);
  });

  it('answers small talk without searching, and does not greet twice', () => {
    assert.deepEqual(decide({ ...base, text: 'Thanks!' }, context).replies, [t('en', 'thanks')]);
    assert.deepEqual(decide({ ...base, text: 'hello' }, context).replies, [t('en', 'greeting')]);
    assert.deepEqual(decide({ ...base, text: 'hello', isNewConversation: true }, context).replies, [t('en', 'disclosure')]);
  });

  it('escalates after answering a knowledge entry marked handoff', () => {
    // The classifier's view of the words is not what this is about: the entry itself says "a person takes over".
    const ordinary = { label: 'none' as const, score: 0.1, source: 'classifier' as const, uncertain: false };
    const decision = decide({ ...base, text: 'I want to cancel my business contract', escalation: ordinary }, context);
    assert.equal(decision.escalation, 'knowledge_handoff');
    assert.deepEqual(decision.replies, ['Let me get a colleague for you.']);
  });

  it("answers an unsure classifier's frustration when the base is sure; a sure one, another reason or an unsure base still goes to a person", () => {
    const verdict = (reason: 'frustration' | 'sensitive_fraud', score: number, uncertain: boolean) => ({ label: reason, reason, score, source: 'classifier' as const, uncertain });
    const sure = 'how long does shipping take?';
    const unsureFrustration = decide({ ...base, text: sure, escalation: verdict('frustration', 0.7, true) }, context);
    assert.equal(unsureFrustration.escalation, undefined);
    assert.equal(unsureFrustration.entryId, 'shipping-time');
    assert.equal(decide({ ...base, text: sure, escalation: verdict('frustration', 0.9, false) }, context).escalation, 'frustration');
    assert.equal(decide({ ...base, text: sure, escalation: verdict('sensitive_fraud', 0.7, true) }, context).escalation, 'sensitive_fraud');
    assert.equal(decide({ ...base, text: 'this is ridiculous', escalation: verdict('frustration', 0.7, true) }, context).escalation, 'frustration');
    const confirmedByModel = { ...verdict('frustration', 0.7, false), source: 'model' as const };
    assert.equal(decide({ ...base, text: sure, escalation: confirmedByModel }, context).escalation, 'frustration');
  });

  it("answers a request for a person from the base's own entry for it while the person is fetched; other reasons get no way to reach one", () => {
    const callUs: KnowledgeEntry = {
      id: 'call-us',
      handoff: false,
      questions: { en: ['can I talk to someone on the phone?', 'what is your phone number?'] },
      answers: { en: 'Call us on 030 231 44 78, 9:00–17:00.' },
      short: {},
    };
    const withCallUs = { ...context, knowledge: createKnowledgeBase([...entries, callUs], { defaultLanguage: 'en' }) };
    const asked = { label: 'asked_for_human' as const, reason: 'asked_for_human' as const, score: 0.99, source: 'classifier' as const, uncertain: false };
    const desk = decide({ ...base, text: 'can I talk to someone on the phone please?', escalation: asked }, { ...withCallUs, humanAvailable: true });
    assert.deepEqual(desk.replies, ['Call us on 030 231 44 78, 9:00–17:00.']);
    assert.equal(desk.entryId, 'call-us');
    assert.equal(desk.escalation, 'asked_for_human', 'the person is fetched all the same');
    const noDesk = decide({ ...base, text: 'can I talk to someone on the phone please?', escalation: asked }, { ...withCallUs, humanAvailable: false });
    assert.deepEqual(noDesk.replies, ['Call us on 030 231 44 78, 9:00–17:00.', t('en', 'noDesk')]);
    // Words the matcher does not take for the entry still get it: its variants are themselves requests for a person.
    const unmatched = 'is there a human anywhere in this company?';
    assert.equal(withCallUs.knowledge.understand(unmatched, { language: 'en' }).kind, 'none');
    const fallback = decide({ ...base, text: unmatched, escalation: asked }, { ...withCallUs, humanAvailable: true });
    assert.deepEqual(fallback.replies, ['Call us on 030 231 44 78, 9:00–17:00.']);
    assert.equal(fallback.entryId, 'call-us');
    // An entry marked handoff only says a person is coming, as the desk does itself: not said, desk or not.
    const promising = { ...callUs, handoff: true };
    const withPromise = { ...context, knowledge: createKnowledgeBase([...entries, promising], { defaultLanguage: 'en' }) };
    assert.deepEqual(decide({ ...base, text: unmatched, escalation: asked }, { ...withPromise, humanAvailable: false }).replies, [t('en', 'noDesk')]);
    const promised = decide({ ...base, text: 'can I talk to someone on the phone please?', escalation: asked }, { ...withPromise, humanAvailable: true });
    assert.deepEqual(promised.replies, []);
    assert.equal(promised.entryId, undefined);
    // Paged for another reason, a customer gets neither the entry the message matched nor the way to reach a person
    // when the classifier is sure: the person is what they need.
    const fraud = { ...asked, label: 'sensitive_fraud' as const, reason: 'sensitive_fraud' as const };
    const sensitive = decide({ ...base, text: 'can I talk to someone on the phone please?', escalation: fraud }, { ...withCallUs, humanAvailable: true });
    assert.deepEqual(sensitive.replies, []);
    assert.equal(sensitive.entryId, undefined);
    assert.equal(sensitive.escalation, 'sensitive_fraud');
  });

  it('pages a person for a reason the classifier is unsure of and says the entry the base is sure of first; not for a sure one, nor an entry marked handoff', () => {
    const safety = (uncertain: boolean) => ({ label: 'sensitive_safety' as const, reason: 'sensitive_safety' as const, score: uncertain ? 0.7 : 0.95, source: 'classifier' as const, uncertain });
    const desk = { ...context, humanAvailable: true };
    const unsure = decide({ ...base, text: 'how long does shipping take?', escalation: safety(true) }, desk);
    assert.deepEqual(unsure.replies, ['Shipping takes 2–4 business days.']);
    assert.equal(unsure.entryId, 'shipping-time');
    assert.equal(unsure.escalation, 'sensitive_safety', 'the answer does not replace the person');
    const sure = decide({ ...base, text: 'how long does shipping take?', escalation: safety(false) }, desk);
    assert.deepEqual(sure.replies, []);
    assert.equal(sure.escalation, 'sensitive_safety');
    const confirmedByModel = decide({ ...base, text: 'how long does shipping take?', escalation: { ...safety(false), source: 'model' as const } }, desk);
    assert.deepEqual(confirmedByModel.replies, []);
    const handoff = decide({ ...base, text: 'I want to cancel my business contract', escalation: safety(true) }, desk);
    assert.deepEqual(handoff.replies, []);
    assert.equal(handoff.escalation, 'sensitive_safety');
    // Without a desk the base answers as it would anyway, once.
    assert.deepEqual(decide({ ...base, text: 'how long does shipping take?', escalation: safety(false) }, { ...context, humanAvailable: false }).replies, ['Shipping takes 2–4 business days.']);
  });

  it('stays silent while a person owns the conversation', () => {
    for (const state of ['queued', 'agent'] as const) {
      const decision = decide({ ...base, state, text: 'how long does shipping take?' }, context);
      assert.deepEqual(decision.replies, []);
    }
  });
});

/** The decision without who decided the escalation (the classifier's score varies with its training). */
function withoutDetail(decision: Decision): Omit<Decision, 'escalationDetail'> {
  const { escalationDetail, ...rest } = decision;
  assert.ok(decision.escalation === undefined || escalationDetail !== undefined, 'an escalation says who decided it');
  return rest;
}

describe('decide: self-harm gets the supportive text first', () => {
  const knowledge = createKnowledgeBase(entries, { defaultLanguage: 'en' });
  const { t } = createTranslator({ defaultLanguage: 'en' });
  const withDesk = { knowledge, t, defaultLanguage: 'en', humanAvailable: true };
  const withoutDesk = { ...withDesk, humanAvailable: false };
  const messages: Record<string, { text: string; emergency: RegExp }> = {
    en: { text: 'I want to kill myself', emergency: /local emergency number/ },
    es: { text: 'quiero quitarme la vida', emergency: /número local de emergencias/ },
    lv: { text: 'negribu vairs dzīvot', emergency: /ārkārtas palīdzības numuru/ },
  };

  for (const [language, { text, emergency }] of Object.entries(messages)) {
    it(`${language}: says so in the customer's language, promises a person only with a desk, and still escalates`, () => {
      const input = decisionInput({ text, language });
      const desk = withoutDetail(decide(input, withDesk));
      assert.deepEqual(desk, { replies: [t(language, 'selfHarmSupportWithPerson')], failedAnswers: 0, escalation: 'sensitive_self_harm' });
      const noDesk = withoutDetail(decide(input, withoutDesk));
      assert.deepEqual(noDesk, { replies: [t(language, 'selfHarmSupport')], failedAnswers: 0, escalation: 'sensitive_self_harm' });
      // The locale's own text, not the English fallback, and the two variants really differ.
      for (const reply of [...desk.replies, ...noDesk.replies]) assert.match(reply, emergency);
      assert.notEqual(desk.replies[0], noDesk.replies[0]);
    });
  }

  it('comes right after the disclosure, before a media notice, a greeting or a knowledge answer', () => {
    const text = 'hello, how long does shipping take? I want to kill myself';
    const decision = decide(decisionInput({ text, isNewConversation: true, hasMedia: true }), withDesk);
    assert.deepEqual(decision.replies, [t('en', 'disclosure'), t('en', 'selfHarmSupportWithPerson')]);
    assert.equal(decision.entryId, undefined);
    assert.equal(decision.llm, undefined, 'a model must not rewrite the crisis text');
    assert.equal(decision.escalation, 'sensitive_self_harm');
  });

  it('pages a person without the crisis text when the classifier is unsure and a desk answers; a model or a desk-less service still says it', () => {
    const unsure = { label: 'sensitive_self_harm' as const, reason: 'sensitive_self_harm' as const, score: 0.7, source: 'classifier' as const, uncertain: true };
    const input = decisionInput({ text: 'do you deliver today? Utrecht centre', escalation: unsure });
    assert.deepEqual(withoutDetail(decide(input, withDesk)), { replies: [], failedAnswers: 0, escalation: 'sensitive_self_harm' });
    assert.deepEqual(decide(input, withoutDesk).replies, [t('en', 'selfHarmSupport')]);
    const confirmed = decisionInput({ text: 'do you deliver today? Utrecht centre', escalation: { ...unsure, source: 'model', uncertain: false } });
    assert.deepEqual(decide(confirmed, withDesk).replies, [t('en', 'selfHarmSupportWithPerson')]);
  });

  it('leaves the other escalation reasons as they were; without a desk the customer is told so', () => {
    const input = decisionInput({ text: 'I want to talk to a person' });
    assert.deepEqual(withoutDetail(decide(input, withDesk)), { replies: [], failedAnswers: 0, escalation: 'asked_for_human' });
    assert.deepEqual(decide(input, withoutDesk), { replies: [t('en', 'noDesk')], failedAnswers: 0 });
  });
});
