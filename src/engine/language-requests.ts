/**
 * Explicit language requests: "in English please", "runā latviski", "¿hablas español?", "请说中文". An
 * explicit request beats every guess, so this errs towards missing one: only short messages, naming
 * exactly one served language, with a word that asks (speak, please, answer…) or nothing else around it.
 */

/** Adverbs and set phrases that mean "in language X" where the plain language name does not match. */
const ADVERBS: Readonly<Record<string, readonly string[]>> = {
  en: ['angliski', 'по-английски', 'по-англійськи', 'англійською', 'po angielsku', 'anglicky', 'angliškai', 'englanniksi', 'englantia', 'بالإنجليزية', 'انجليزي', 'इंग्लिश', 'अंग्रेज़ी', 'अंग्रेजी', 'ingles', 'inglish'],
  lv: ['latviski', 'по-латышски', 'latviškai', 'po łotewsku', 'lotyšsky', 'latviaksi', 'latviesu valoda', 'latviešu valodā'],
  lt: ['lietuviškai', 'lietuviski', 'по-литовски', 'po litewsku', 'litevsky', 'liettuaksi'],
  et: ['eesti keeles', 'igauniski', 'по-эстонски', 'estiškai', 'viroksi', 'eestikeelne'],
  ru: ['krieviski', 'по-русски', 'по русски', 'російською', 'po rosyjsku', 'rusky', 'rusiškai', 'venäjäksi', 'venäjää', 'vene keeles', 'русском'],
  uk: ['ukrainiski', 'по-украински', 'українською', 'po ukraińsku', 'ukrajinsky', 'ukrainiškai', 'ukrainaksi'],
  de: ['vāciski', 'по-немецки', 'німецькою', 'po niemiecku', 'německy', 'vokiškai', 'saksaksi'],
  fr: ['franciski', 'по-французски', 'французькою', 'po francusku', 'francouzsky', 'prancūziškai', 'ranskaksi'],
  es: ['spāniski', 'по-испански', 'іспанською', 'po hiszpańsku', 'španělsky', 'ispaniškai', 'espanjaksi', 'espanol'],
  it: ['itāliski', 'по-итальянски', 'po włosku', 'italsky', 'itališkai', 'italiaksi'],
  pt: ['portugāliski', 'по-португальски', 'po portugalsku', 'portugalsky', 'portugališkai', 'portugaliksi'],
  pl: ['poliski', 'по-польски', 'польською', 'po polsku', 'polsky', 'lenkiškai', 'puolaksi'],
  cs: ['česky', 'čehiski', 'по-чешски', 'po czesku', 'čekiškai', 'tšekiksi'],
  sv: ['zviedriski', 'по-шведски', 'po szwedzku', 'švédsky', 'švediškai', 'ruotsiksi', 'ruotsia'],
  fi: ['somiski', 'по-фински', 'po fińsku', 'finsky', 'suomiškai', 'suomeksi', 'suomea'],
  da: ['dāniski', 'по-датски', 'po duńsku', 'dánsky', 'daniškai', 'tanskaksi'],
  nb: ['norvēģiski', 'по-норвежски', 'po norwesku', 'norsky', 'norvegiškai', 'norjaksi', 'norsk'],
  nl: ['holandiski', 'по-голландски', 'po holendersku', 'nizozemsky', 'olandiškai', 'hollanniksi', 'nederlands'],
  ro: ['rumāniski', 'по-румынски', 'po rumuńsku', 'rumunsky', 'rumuniškai', 'romaniaksi', 'romana'],
  tr: ['turciski', 'по-турецки', 'po turecku', 'turecky', 'turkiškai', 'turkiksi', 'turkce'],
  ar: ['arābiski', 'по-арабски', 'po arabsku', 'arabsky', 'arabiškai', 'arabiaksi', 'بالعربية', 'بالعربي', 'عربي'],
  hi: ['по-хинди', 'हिंदी', 'हिन्दी', 'hindi me', 'hindi mein'],
  zh: ['ķīniski', 'по-китайски', 'po chińsku', 'čínsky', 'kiniškai', 'kiinaksi', '中文', '汉语', '漢語', '普通话', '华语', '国语'],
  ja: ['japāniski', 'по-японски', 'po japońsku', 'japonsky', 'japoniškai', 'japaniksi', '日本語', '日本语'],
};

/** Words that turn a mention of a language into a request for it. */
const ASKING = new Set(
  [
    'please', 'pls', 'plz', 'speak', 'speaks', 'talk', 'write', 'answer', 'reply', 'respond', 'switch', 'language',
    'bitte', 'sprechen', 'sprichst', 'sprechen sie', 'antworten', 'schreiben', 'svp', 'plait', 'parlez', 'parles',
    'parler', 'repondre', 'ecrire', 'hablas', 'habla', 'hablan', 'hablar', 'favor', 'porfa', 'escribe', 'responde',
    'falar', 'fala', 'fale', 'falam', 'parla', 'parli', 'parlate', 'rispondi', 'prego', 'spreek', 'spreekt',
    'spreken', 'alstublieft', 'aub', 'prosze', 'mowisz', 'mowi', 'mowic', 'mow', 'pisz', 'ludzu', 'runa', 'runajat',
    'runat', 'runajiet', 'rakstiet', 'prasau', 'kalbate', 'kalbi', 'kalbeti', 'palun', 'raakige', 'raagite',
    'пожалуйста', 'говорите', 'говоришь', 'говорить', 'пишите', 'будь ласка', 'розмовляєте', 'говоріть', 'snakker',
    'snakke', 'talar', 'tala', 'taler', 'tale', 'tack', 'takk', 'venligst', 'puhutko', 'puhutteko', 'puhua',
    'kiitos', 'mluvite', 'mluvis', 'prosim', 'vorbiti', 'vorbesti', 'va rog', 'rog', 'konusur', 'konusuyor',
    'konusabilir', 'lutfen', 'من فضلك', 'تتحدث', 'تتكلم', 'تكلم', 'ممكن', 'कृपया', 'बोलिए', 'बोलो', 'में',
  ].map(fold),
);

/** Chinese and Japanese need no spaces: a name with one of these characters around it asks for the language. */
const CJK_ASKING = /[说說讲講用会會话話]|で|お願い|ください|吗|嗎|可以/u;

/** Lowercase; Latin and Cyrillic lose their diacritics so "español" = "espanol", "й" = "и". */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/([\p{Script=Latin}\p{Script=Cyrillic}])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

function displayName(code: string, inLanguage: string): string | undefined {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language', fallback: 'none' }).of(code);
  } catch {
    return undefined;
  }
}

/** Longer messages are never taken for a request; far above the 80 folded characters a request may have. */
const MAX_REQUEST_LENGTH = 500;

export interface LanguageRequestMatcher {
  /** The served language a message explicitly asks for, if it does. */
  match(text: string): string | undefined;
}

/** Builds the name tables for the served languages once; {@link LanguageRequestMatcher.match} is then pure. */
export function createLanguageRequestMatcher(languages: readonly string[]): LanguageRequestMatcher {
  const names = new Map<string, string>();
  const cjkNames: [string, string][] = [];
  const add = (phrase: string, language: string) => {
    const folded = fold(phrase);
    if (folded === '') return;
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(folded)) cjkNames.push([folded, language]);
    else if (!names.has(folded)) names.set(folded, language);
  };
  for (const target of languages) {
    for (const inLanguage of new Set([...languages, 'en'])) {
      const name = displayName(target, inLanguage);
      if (!name) continue;
      add(name, target);
      // "norsk bokmål" is asked for as "norsk"; Arabic attaches "in" to the name ("بالعربية").
      add(name.split(/\s+/)[0] ?? '', target);
      if (name.startsWith('ال')) add(`ب${name}`, target);
    }
    for (const adverb of ADVERBS[target] ?? []) add(adverb, target);
  }

  return {
    match(text) {
      // A request is a short message; folding a long one (a pasted 50 KB text) only to measure it costs tens of ms.
      if (text.length > MAX_REQUEST_LENGTH) return undefined;
      const folded = fold(text.normalize('NFC'));
      if (folded === '' || folded.length > 80) return undefined;
      const cjk = cjkNames.filter(([name]) => folded.includes(name)).map(([, l]) => l);
      if (cjk.length > 0) return new Set(cjk).size === 1 && CJK_ASKING.test(folded) ? cjk[0] : undefined;

      const words = folded.split(' ');
      if (words.length > 8) return undefined;
      const mentioned = new Set<string>();
      const used = new Set<number>();
      let asking = false;
      for (let i = 0; i < words.length; i += 1) {
        const pair = i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : undefined;
        const pairLanguage = pair === undefined ? undefined : names.get(pair);
        if (pairLanguage) {
          mentioned.add(pairLanguage);
          used.add(i).add(i + 1);
          continue;
        }
        const language = names.get(words[i] ?? '');
        if (language && !used.has(i)) {
          mentioned.add(language);
          used.add(i);
        }
        if (ASKING.has(words[i] ?? '') || (pair !== undefined && ASKING.has(pair))) asking = true;
      }
      if (mentioned.size !== 1) return undefined;
      // The name alone ("English?", "latviski") or with at most one other word ("in English") asks too.
      return asking || words.length - used.size <= 1 ? [...mentioned][0] : undefined;
    },
  };
}
