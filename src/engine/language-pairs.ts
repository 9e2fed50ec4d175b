/**
 * Close languages that an n-gram detector confuses on short text (uk/ru, pt/es, nb/da/sv, cs/pl, zh/ja in Han
 * alone): "quero o reembolso" has few n-grams Spanish lacks, but "quero" is a word Spanish does not write. Each
 * group lists the function words and everyday support words each member writes and the others do not (a word
 * listed for two members rules out the third), its one-word small talk ("heisann"), and a few spellings; the
 * member with the most of them wins the pair, instead of the detector's raw first choice.
 */
import { SMALL_TALK_PHRASES } from './small-talk.js';

export interface CloseGroup {
  readonly languages: readonly string[];
  /** Words per member, as written, besides its one-word small talk; matched folded (see {@link foldWord}). */
  readonly words: Readonly<Record<string, string>>;
  /** Spellings per member, tried on each folded word the word lists did not match (Portuguese "-ção", Polish "rz"). Folded too. */
  readonly spellings?: Readonly<Record<string, RegExp>>;
  /** Patterns per member over the whole folded text (Norwegian "pakken min"). */
  readonly phrases?: Readonly<Record<string, RegExp>>;
}

/**
 * Lowercase; Latin letters lose their diacritics, because customers often type without them ("nao", "dziekuje").
 * Cyrillic keeps them, its keyboards have "й" and "ї", except "ё", often typed "е".
 */
export function foldWord(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(/ё/g, 'е');
}

export const CLOSE_GROUPS: readonly CloseGroup[] = [
  {
    languages: ['uk', 'ru'],
    words: {
      uk: 'і й та що це як де коли чому хто мені мене мій моє мої мого ви ми він вона вони ні немає вже ще але або чи від з зі із є був було будь ласка дякую привіт потрібно треба отримати повернути гроші замовлення посилка посилку досі сьогодні вчора тиждень людина людиною',
      ru: 'и что это как где когда почему кто мне меня мой моё мои моего вы мы он она они нет уже ещё но или от с со из есть был было пожалуйста спасибо привет нужно надо получить вернуть деньги заказ посылка посылку сих сегодня вчера неделю человек человеком',
    },
    // Ukrainian "-ння" nouns (замовлення) are Russian "-ние"; Ukrainian infinitives end in "-ти", Russian ones in
    // "-ть" ("-ить" and "-уть" are left out: they are Ukrainian present tenses too, "проходить", "будуть"); the
    // Ukrainian past ends in "-в" where the Russian one ends in "-л" (купив/купил, прийшов/пришёл); Russian
    // "-нуть" infinitives are Ukrainian "-нути".
    spellings: { uk: /(?:ння|[аиі]ти|ив|шов)$/u, ru: /(?:ние|ния|ый|ать|еть|нуть|ил|ел)$/u },
  },
  {
    languages: ['pt', 'es'],
    words: {
      pt: 'e um uma uns umas não você vocês meu minha meus minhas seu sua seus suas do em eu ele ela quero posso tenho estou são foi ainda já também isso isto com ao aos pela pelo obrigado obrigada olá oi onde quando nenhum nenhuma muito muita bom boa falar preciso consigo recebi chegou encomenda pagamento endereço errado atendente assinatura alguém ninguém tem agora hoje ontem vc pra',
      es: 'el la los las un unos unas y mi mis yo del al en es con donde dónde cuando cuándo quiero puedo tengo estoy son fue todavía ya eso esto pero hola gracias muy mucho mucha hay hablar necesito llegó recibí suscripción pago dirección equivocado alguien nadie hoy ayer mañana ahora puede tiene tienen quiere usted ustedes lo le les aún bien ayuda persona cuenta',
    },
    // Left out: Portuguese "o", "dos", "das", also Spanish words ("or", "two", "you give").
    // Folded: "-ção"/"-ão" end in "ao", "-ción" in "cion"; Spanish writes "ñ" and "ll" where Portuguese writes
    // "nh" and "lh", and "ue" where Portuguese has "o" (puedo/posso); Portuguese words end in "-m" (em, tem,
    // chegaram), Spanish past plurals in "-aron"/"-ieron".
    spellings: { pt: /(?:ao|oes|m)$|nh|lh/u, es: /ll|cion(?:es)?$|[^qg]ue|i?eron$|aron$/u },
  },
  {
    languages: ['nb', 'da', 'sv'],
    words: {
      nb: 'jeg ikke hva hvordan av etter nå noen noe meg deg seg ennå ut opp takk fått fikk gikk ble hjelp gjerne når enn bare kanskje hvorfor hvem hvilken og å fra til vil skal være dere mitt ditt fortsatt kjøpt pakken pakka bestillingen pengene sendt',
      da: 'jeg ikke hvad hvordan af efter nu nogen noget mig dig sig endnu ud op tak fået fik gik blev hjælp gerne hvornår end bare måske hvorfor hvem hvilken og at fra til vil skal være jer os mit dit stadig købt pakken bestillingen pengene sendt kun',
      sv: 'jag inte vad hur av efter nu någon något mig dig sig ännu ut upp tack fått fick gick blev gärna när än bara kanske varför vem vilken och att från till vill ska måste vara ni oss mitt ditt fortfarande köpt paketet beställningen pengarna skickat',
    },
    // Norwegian and Swedish write "av-" where Danish writes "af-" (avbestille/afbestille).
    spellings: { nb: /^av./u, sv: /^av./u, da: /^af./u },
    // Norwegian puts the possessive after the definite noun ("pakken min"); Danish and Swedish put it first.
    phrases: { nb: /\S(?:en|et|ene|a)\s(?:min|mitt|mine|din|ditt|dine)(?:\s|$)/u },
  },
  {
    languages: ['cs', 'pl'],
    words: {
      pl: 'nie w jest gdzie się czy mój moja już jeszcze kiedy dlaczego dziękuję dzięki proszę jestem chcę zamówienie paczka paczki pieniądze zwrot dzień ktoś bardzo dostałem dostałam przyszła przyszedł',
      cs: 'je jsem jsou kde kdy proč není ne se už ještě děkuji děkuju prosím můj objednávka objednávku balík zboží peníze chci v ve s k den nebo taky nikdo někdo něco účet účtem platba zrušit vrátit dorazí přišlo přišla stále pořád velmi',
    },
    // Polish writes "rz", "sz", "cz" where Czech writes "ř", "š", "č" (not "w" for "v": "wifi", "web"); Czech
    // endings in "-ou"; Czech negates verbs with a prefix ("nefunguje") where Polish writes "nie" apart.
    spellings: { pl: /rz|sz|cz/u, cs: /ou$|^ne(?!i)../u },
  },
];

/** Points per marker word or spelling difference, in nats: two markers outweigh a short text's n-gram lead. */
export const MARKER_NATS = 1.5;

interface BuiltGroup {
  languages: readonly string[];
  words: ReadonlyMap<string, readonly string[]>;
  spellings: readonly (readonly [string, RegExp])[];
  phrases: readonly (readonly [string, RegExp])[];
}

/** A member's one-word greetings, thanks and goodbyes from the small-talk table ("heisann", "hejsan", "olá"). */
function smallTalkWords(language: string): string[] {
  const kinds = SMALL_TALK_PHRASES[language];
  return kinds ? Object.values(kinds).flat().filter((phrase) => !phrase.includes(' ')) : [];
}

const BUILT: readonly BuiltGroup[] = CLOSE_GROUPS.map((group) => {
  const words = new Map<string, string[]>();
  for (const language of group.languages) {
    for (const word of [...(group.words[language] ?? '').split(' '), ...smallTalkWords(language)]) {
      const folded = foldWord(word);
      const users = words.get(folded) ?? [];
      if (!users.includes(language)) users.push(language);
      words.set(folded, users);
    }
  }
  // A word every member writes (after folding) tells them nothing.
  for (const [word, users] of words) if (users.length === group.languages.length) words.delete(word);
  return { languages: group.languages, words, spellings: Object.entries(group.spellings ?? {}), phrases: Object.entries(group.phrases ?? {}) };
});

/** The close group a language belongs to, if any. */
export function closeGroupOf(language: string): readonly string[] | undefined {
  return BUILT.find((g) => g.languages.includes(language))?.languages;
}

/** Marker counts per member of `language`'s close group in short text; undefined when it has none or no marker was found. */
export function closeGroupVotes(text: string, language: string): Record<string, number> | undefined {
  const group = BUILT.find((g) => g.languages.includes(language));
  if (!group) return undefined;
  const votes: Record<string, number> = Object.fromEntries(group.languages.map((l) => [l, 0]));
  const folded = text.split(' ').map(foldWord);
  for (const word of folded) {
    const users = group.words.get(word) ?? group.spellings.filter(([, pattern]) => pattern.test(word)).map(([l]) => l);
    for (const user of users) votes[user] = (votes[user] ?? 0) + 1;
  }
  const joined = folded.join(' ');
  for (const [language, pattern] of group.phrases) if (pattern.test(joined)) votes[language] = (votes[language] ?? 0) + 1;
  return Object.values(votes).some((v) => v > 0) ? votes : undefined;
}

/**
 * Han alone is Chinese or Japanese: Japanese writes some characters in forms neither simplified nor traditional
 * Chinese uses (発, 変, 払) and words Chinese does not (注文, 返品); Chinese writes simplified forms and particles
 * Japanese does not (这, 们, 吗).
 */
const HAN_MARKERS: Readonly<Record<'zh' | 'ja', readonly string[]>> = {
  ja: [...'発変払済様単売続読戻円駅転伝帰気対図広歳楽価権実証営覧検険験込'].concat(['注文', '返品', '在庫', '領収', '番号', '送料', '支払']),
  zh: [...'们这么吗说订单货发还没钱买卖问题时请谢东从过个为里們這麼嗎說訂單發沒賣從為裡呢吧啊呀我你您她是怎哪什就'],
};

/** Marker counts for zh and ja in Han text (each occurrence of a marker counts). */
export function hanVotes(text: string): { zh: number; ja: number } {
  const count = (markers: readonly string[]) => markers.reduce((n, m) => n + (text.split(m).length - 1), 0);
  return { zh: count(HAN_MARKERS.zh), ja: count(HAN_MARKERS.ja) };
}
