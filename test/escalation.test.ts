import assert from 'node:assert/strict';
import { createEscalationDetector, type DetectedEscalationReason } from '../src/engine/escalation.js';
import { decide } from '../src/engine/decide.js';
import { loadKnowledgeBase } from '../src/engine/knowledge.js';
import { projectPath } from '../src/paths.js';

type Table = Record<string, { positive: [string, DetectedEscalationReason][]; negative: string[] }>;

/** Per language: messages that must escalate (with the reason) and ordinary ones that must not. */
export const ESCALATION_EXAMPLES: Table = {
  en: {
    positive: [
      ['can I speak to someone', 'asked_for_human'],
      ['Can I talk to a real person please?', 'asked_for_human'],
      ['agent', 'asked_for_human'],
      ['operator', 'asked_for_human'],
      ['human', 'asked_for_human'],
      ['is anyone there?', 'asked_for_human'],
      ['I need a human', 'asked_for_human'],
      ['This is ridiculous, third time I ask!', 'frustration'],
      ['useless bot', 'frustration'],
      ["I'm so angry right now", 'frustration'],
      ['My husband passed away and the account is in his name', 'sensitive_bereavement'],
      ["I've been hacked, someone ordered things on my account", 'sensitive_fraud'],
      ['There is an unauthorized charge on my card', 'sensitive_fraud'],
      ['I will talk to my lawyer', 'sensitive_legal'],
      ["I'm going to sue you", 'sensitive_legal'],
      ['I want to kill myself', 'sensitive_self_harm'],
    ],
    negative: [
      'my order is late',
      'where is my parcel?',
      'the package arrived damaged',
      'how do I return a jacket?',
      'my phone died so I could not pay',
      'the courier agent said it was delivered',
      'talk to you later',
      'is this available in blue?',
      'I am not happy with the colour',
    ],
  },
  es: {
    positive: [
      ['¿hay alguien?', 'asked_for_human'],
      ['quiero hablar con una persona', 'asked_for_human'],
      ['pásame con un agente', 'asked_for_human'],
      ['agente', 'asked_for_human'],
      ['esto es ridículo', 'frustration'],
      ['estoy harto de esperar', 'frustration'],
      ['mi padre falleció', 'sensitive_bereavement'],
      ['me han hackeado la cuenta', 'sensitive_fraud'],
      ['voy a hablar con mi abogado', 'sensitive_legal'],
      ['quiero quitarme la vida', 'sensitive_self_harm'],
    ],
    negative: ['mi pedido llega tarde', '¿dónde está mi paquete?', 'el producto llegó roto', '¿cómo hago una devolución?'],
  },
  de: {
    positive: [
      ['Ich möchte mit einem Mitarbeiter sprechen', 'asked_for_human'],
      ['kann ich mit jemandem reden?', 'asked_for_human'],
      ['Mensch bitte', 'asked_for_human'],
      ['Das ist eine Frechheit!', 'frustration'],
      ['ich bin stinksauer', 'frustration'],
      ['Meine Mutter ist verstorben', 'sensitive_bereavement'],
      ['Mein Konto wurde gehackt', 'sensitive_fraud'],
      ['Ich schalte meinen Anwalt ein', 'sensitive_legal'],
      ['ich will nicht mehr leben', 'sensitive_self_harm'],
    ],
    negative: ['meine Bestellung ist spät dran', 'wo ist mein Paket?', 'das Gericht war kalt', 'wie kann ich zurücksenden?'],
  },
  fr: {
    positive: [
      ['je veux parler à une personne', 'asked_for_human'],
      ["y a-t-il quelqu'un ?", 'asked_for_human'],
      ['conseiller', 'asked_for_human'],
      ["c'est inadmissible", 'frustration'],
      ["j'en ai marre", 'frustration'],
      ['mon père est décédé', 'sensitive_bereavement'],
      ['mon compte a été piraté', 'sensitive_fraud'],
      ['je vais porter plainte', 'sensitive_legal'],
      ['je veux mourir', 'sensitive_self_harm'],
    ],
    negative: ['ma commande est en retard', 'où est mon colis ?', 'le produit est arrivé cassé', 'comment retourner un article ?'],
  },
  lv: {
    positive: [
      ['gribu runāt ar cilvēku', 'asked_for_human'],
      ['vai varu runāt ar konsultantu?', 'asked_for_human'],
      ['operators', 'asked_for_human'],
      ['vai kāds ir?', 'asked_for_human'],
      ['tas ir smieklīgi', 'frustration'],
      ['esmu ļoti dusmīga', 'frustration'],
      ['mana māte nomira', 'sensitive_bereavement'],
      ['mans konts ir uzlauzts', 'sensitive_fraud'],
      ['iesūdzēšu jūs tiesā', 'sensitive_legal'],
      ['negribu vairs dzīvot', 'sensitive_self_harm'],
    ],
    negative: ['mans pasūtījums kavējas', 'kur ir mana paka?', 'prece atnāca bojāta', 'kā atgriezt preci?'],
  },
  pt: {
    positive: [
      ['quero falar com um atendente', 'asked_for_human'],
      ['tem alguém aí?', 'asked_for_human'],
      ['atendente', 'asked_for_human'],
      ['isso é ridículo', 'frustration'],
      ['estou muito irritado', 'frustration'],
      ['meu pai faleceu', 'sensitive_bereavement'],
      ['minha conta foi hackeada', 'sensitive_fraud'],
      ['vou processar vocês', 'sensitive_legal'],
      ['quero morrer', 'sensitive_self_harm'],
    ],
    negative: ['meu pedido está atrasado', 'onde está meu pacote?', 'o produto chegou quebrado'],
  },
  it: {
    positive: [
      ['voglio parlare con un operatore', 'asked_for_human'],
      ["c'è qualcuno?", 'asked_for_human'],
      ['operatore', 'asked_for_human'],
      ['è una vergogna', 'frustration'],
      ['sono molto arrabbiato', 'frustration'],
      ['mio padre è morto', 'sensitive_bereavement'],
      ['il mio account è stato hackerato', 'sensitive_fraud'],
      ['chiamerò il mio avvocato', 'sensitive_legal'],
      ['voglio togliermi la vita', 'sensitive_self_harm'],
    ],
    negative: ["il mio ordine è in ritardo", "dov'è il mio pacco?", 'il prodotto è arrivato rotto'],
  },
  nl: {
    positive: [
      ['ik wil met een medewerker spreken', 'asked_for_human'],
      ['is er iemand?', 'asked_for_human'],
      ['medewerker', 'asked_for_human'],
      ['dit is belachelijk', 'frustration'],
      ['ik ben woedend', 'frustration'],
      ['mijn moeder is overleden', 'sensitive_bereavement'],
      ['mijn account is gehackt', 'sensitive_fraud'],
      ['ik neem een advocaat', 'sensitive_legal'],
      ['ik wil dood', 'sensitive_self_harm'],
    ],
    negative: ['mijn bestelling is te laat', 'waar is mijn pakket?', 'het product kwam kapot aan'],
  },
  pl: {
    positive: [
      ['chcę rozmawiać z konsultantem', 'asked_for_human'],
      ['czy jest ktoś?', 'asked_for_human'],
      ['konsultant', 'asked_for_human'],
      ['to jest skandal', 'frustration'],
      ['jestem wściekły', 'frustration'],
      ['mój ojciec zmarł', 'sensitive_bereavement'],
      ['moje konto zostało zhakowane', 'sensitive_fraud'],
      ['podam was do sądu', 'sensitive_legal'],
      ['chcę umrzeć', 'sensitive_self_harm'],
    ],
    negative: ['moje zamówienie się spóźnia', 'gdzie jest moja paczka?', 'produkt przyszedł uszkodzony'],
  },
  ru: {
    positive: [
      ['можно поговорить с оператором?', 'asked_for_human'],
      ['есть кто-нибудь?', 'asked_for_human'],
      ['мне нужен оператор', 'asked_for_human'],
      ['оператор', 'asked_for_human'],
      ['это просто безобразие', 'frustration'],
      ['я в бешенстве', 'frustration'],
      ['мой отец умер', 'sensitive_bereavement'],
      ['мой аккаунт взломали', 'sensitive_fraud'],
      ['я подам в суд', 'sensitive_legal'],
      ['я хочу покончить с собой', 'sensitive_self_harm'],
    ],
    negative: ['мой заказ опаздывает', 'где моя посылка?', 'товар пришёл сломанным'],
  },
};

describe('escalation detector', () => {
  const detector = createEscalationDetector();

  it('has phrase data for every language of the table', () => {
    for (const language of Object.keys(ESCALATION_EXAMPLES)) assert.ok(detector.languages.includes(language), language);
  });

  for (const [language, { positive, negative }] of Object.entries(ESCALATION_EXAMPLES)) {
    describe(language, () => {
      for (const [text, reason] of positive) {
        it(`escalates ${JSON.stringify(text)} as ${reason}`, () => {
          assert.equal(detector.detect(text, { language })?.reason, reason);
        });
      }
      for (const text of negative) {
        it(`does not escalate ${JSON.stringify(text)}`, () => {
          assert.equal(detector.detect(text, { language }), undefined);
        });
      }
    });
  }

  it('reports the language whose phrase matched, preferring the conversation language', () => {
    assert.equal(detector.detect('gribu runāt ar cilvēku', { language: 'en' })?.language, 'lv');
    assert.equal(detector.detect('agent', { language: 'fr' })?.language, 'fr');
  });

  it('puts self-harm before frustration in one message', () => {
    assert.equal(detector.detect('this is ridiculous, I want to die')?.reason, 'sensitive_self_harm');
  });
});

describe('decide with escalation', () => {
  const knowledge = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'), { defaultLanguage: 'en' });
  const t = (language: string, key: string) => `${language}:${key}`;
  const input = { text: 'gribu runāt ar cilvēku', channel: 'web' as const, state: 'bot' as const, isNewConversation: false, language: 'lv', failedAnswers: 1 };

  it('escalates before searching the knowledge base, with no bot reply of its own', () => {
    // The demo knowledge base has a handoff entry for this very phrase; the detector answers first.
    assert.equal(decide(input, { knowledge, t, defaultLanguage: 'en', humanAvailable: false }).escalation, 'knowledge_handoff');
    assert.deepEqual(decide(input, { knowledge, t, defaultLanguage: 'en' }), { replies: [], failedAnswers: 0, escalation: 'asked_for_human' });
  });

  it('keeps ordinary complaints with the bot', () => {
    assert.equal(decide({ ...input, text: 'mans pasūtījums kavējas' }, { knowledge, t, defaultLanguage: 'en' }).escalation, undefined);
  });

  it('still discloses the bot on a new conversation', () => {
    assert.deepEqual(decide({ ...input, isNewConversation: true }, { knowledge, t, defaultLanguage: 'en' }).replies, ['lv:disclosure']);
  });
});

describe('escalation detector: regressions from the held-out set (bench/escalation-heldout.ts)', () => {
  const detector = createEscalationDetector();
  const cases: [string, string, string | undefined][] = [
    ['en', 'I have been thinking about hurting myself', 'sensitive_self_harm'],
    ['en', 'hello? anybody there?', 'asked_for_human'],
    ['lv', 'konsultantu lūdzu', 'asked_for_human'],
    ['ru', 'кто-нибудь есть?', 'asked_for_human'],
    ['en', 'is there a person-size version of this tent?', undefined],
    ['es', 'la batería se murió al pagar', undefined],
    ['es', 'mi padre murió la semana pasada', 'sensitive_bereavement'],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text)} → ${expected ?? 'no escalation'}`, () => {
      assert.equal(detector.detect(text, { language })?.reason, expected);
    });
  }
});
