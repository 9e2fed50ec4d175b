/**
 * Per-language phrases in which an assistant claims to be a person or denies being an AI, for the check on
 * model answers (src/engine/human-claim.ts). Each entry is a regular-expression fragment over folded text
 * (see `normalizeText`: lowercase, no diacritics, punctuation turned into single spaces), so write "i m" for
 * "I'm"; diacritics may stay ("cilvēks"), they are folded the same way. Fragments match on word boundaries.
 *
 * Only first-person claims are listed: "I'm an AI, not a real person" and "would you like a real person?"
 * must not match. Where the negation comes before the verb ("no soy", "non sono", "não sou") the claim
 * fragment excludes it with a lookbehind.
 */
export const HUMAN_CLAIM_PHRASES: Readonly<Record<string, readonly string[]>> = {
  en: [
    '(?<!(whether|if) )(i am|i m|im) (a |an )?(real |actual |live |genuine )?(human|person|human being)',
    '(?<!(whether|if) )(i am|i m|im) (a |an )?(real|actual|live|human) (agent|operator|representative|employee)',
    '(i am|i m|im) (not|no) (a |an )?(bot|robot|chatbot|chat bot|ai|machine|computer|program|virtual assistant|ai assistant|automated (assistant|system|reply))',
  ],
  es: [
    '(?<!no )soy (un |una )?(humano|humana|persona|ser humano)( real| de verdad)?',
    '(?<!no )soy (un |una )?(agente|empleado|empleada|operador|operadora) (real|humano|humana|de verdad)',
    'no soy (un |una )?(bot|robot|chatbot|ia|maquina|programa|inteligencia artificial|asistente virtual)',
  ],
  de: [
    'ich bin (ein |eine )?(echter |echte |realer |reale |richtiger |richtige )?(mensch|person)',
    'ich bin (ein |eine )?(echter |echte |menschlicher |menschliche )(mitarbeiter|mitarbeiterin|berater|beraterin)',
    'ich bin (kein|keine|nicht) (ein |eine )?(bot|roboter|chatbot|ki|computer|programm|maschine|künstliche intelligenz)',
  ],
  fr: [
    'je suis (un |une )?(vrai |vraie |veritable )?(humain|humaine|personne|être humain)( reelle| reel)?',
    'je suis (un |une )?(vrai |vraie )(conseiller|conseillère|agent|employé|employée)',
    'je ne suis pas (un |une )?(bot|robot|chatbot|ia|machine|programme|intelligence artificielle)',
  ],
  it: [
    '(?<!non )sono (un |una )?(vero |vera )?(essere umano|persona|umano|umana)( reale| vera| vero)?',
    'non sono (un |una )?(bot|robot|chatbot|ia|macchina|programma|intelligenza artificiale)',
  ],
  pt: [
    '(?<!não )sou (um |uma )?(humano|humana|pessoa|ser humano)( real| de verdade)?',
    'não sou (um |uma )?(bot|robô|chatbot|ia|máquina|programa|inteligência artificial)',
  ],
  lv: [
    'esmu (īsts |īsta |reāls |reāla |dzīvs |dzīva )?(cilvēks|persona)',
    'neesmu (bots|robots|čatbots|mi|mašīna|programma|mākslīgais intelekts)',
  ],
  ru: [
    'я (живой |настоящий |реальный )?(человек|сотрудник|оператор)',
    'я не (бот|робот|чатбот|чат бот|ии|машина|программа|искусственный интеллект)',
  ],
};
