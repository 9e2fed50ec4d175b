/**
 * Text folding and feature extraction for offline retrieval. Customers type without diacritics, with typos
 * and in inflected forms, so we compare folded character n-grams rather than exact words.
 */

/** Letters that NFD does not decompose into base letter + combining mark, folded by hand. */
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ı: 'i',
};

/** Character n-gram length; 3 survives one typo per short word while still telling words apart. */
export const NGRAM_SIZE = 3;

/**
 * Function words of every served language, written as spelled and folded by {@link normalizeText} when the
 * set is built (so "på", "în" and "में" become "pa", "in" and "म"). They are down-weighted, not dropped: IDF
 * alone lets "what is the ... of" pull an off-topic question towards any entry phrased the same way, yet
 * without them "where is my order" and "when will my order arrive" would lose the small words that tell them
 * apart. Interrogatives that carry intent (where, when, kur, kad, wo, wann, quand, donde, cuando, где, когда…)
 * and negations ("not" changes the question) stay out, and so do words that are content or intent in another
 * served language once folded (Lithuanian "kad" is Latvian "when", Turkish "size" English "size", Swedish
 * "vår" folds to "var", "where", Portuguese "esta" is Spanish "está"; Italian "come", Romanian "care",
 * Czech "ten"). Chinese and Japanese are not written with spaces, so their entries only apply to words a
 * customer sets apart.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  [
    // en
    'a an the is are am be was were do does did i im me my we our you your it its to of in on at for and or',
    'with can could will would should please this that there what how which who hi hello',
    // es
    'el la los las un una unos unas de del en y o que es mi mis me por para con se al lo su sus tu te yo',
    'como cual hay le les nos',
    // de
    'der die das den dem des ein eine einen einem einer ich mein meine meinen meiner mir mich ist sind und',
    'oder zu im in am an auf fur mit wie was es sie ihr euch wir bitte ihre ihren',
    // fr
    'le la les l un une de du des d et ou a au aux en je j me m mon ma mes vous votre vos est il elle ce c',
    'qu que quel quelle quels quelles pour par sur avec s n ne t y',
    // lv
    'ir un vai es man mans mana manu mani savu savs sava savas jus jums jusu ka kas ko ar uz no par pie',
    // Not "kāda": folded it is Lithuanian "kada", "when".
    'ludzu kads kadu kadas tas ta to so',
    // pt
    'o a os as um uma uns umas de do da dos das em no na nos nas e ou que é meu minha meus minhas me eu',
    'você vocês por para pelo pela com se ao à seu sua como qual quais isso isto este esse essa tem há favor',
    // it
    'il lo la i gli le un uno una di del della dei degli delle in nel nella e o che è mio mia miei mie mi',
    'io tu ti per con si al alla quale ci c ho ha sono questo questa suo sua favore',
    // nl
    'de het een van in op aan met voor en of is zijn ben ik mijn me mij je jij jouw u uw we wij ons onze',
    'dat die dit deze er te om wat hoe welke graag alsjeblieft alstublieft bij',
    // pl
    'i w we z ze na do o od się jest są to ta mój moja moje mojego mi mnie ja ty czy jak jaki jaka co',
    'za po dla przez a lub że proszę jeszcze już',
    // lt
    'ir ar yra aš mano man mane jūs jūsų jums tu tavo kas ką su į iš apie prie už per nuo po bet tai',
    'tas ta jis ji kaip koks kokia prašau',
    // et
    'ja on olen oli mu minu mul mind ma mina te teie teil teile sa sina seda et kas mis kuidas palun',
    'ka ning või aga siis nii',
    // ru
    'и в во на с со к ко по о об от до за из у для а но или что это этот эта мой моя мои мне меня я вы',
    'вас вам ваш ваше ты как какой какая ли же бы есть пожалуйста',
    // uk
    'і й та в у на з із зі до по про від за для а але або що це цей ця мій моя мої мені мене я ви вас вам',
    'ваш ти як який яка чи ж б є будь ласка',
    // sv
    'och i på en ett att det den är jag mig min mitt mina du dig din ni er ert vi oss till av för med',
    'om som har kan vad hur vilken snälla',
    // fi
    'ja on olen oli minä mä minun mun sinä sä sinun te teidän se ne tämä tuo että kun jos tai mutta kuin',
    'myös vielä voi voiko miten mikä mitä',
    // da
    'og i på en et at det den er jeg mig min mit mine du dig din jer vi vores os til af for med om som har',
    'kan hvad hvordan hvilken venligst',
    // nb
    'og i på en et at det den er jeg meg min mitt mine du deg din dere vi oss til av for med om som',
    'har kan hva hvordan hvilken vær så snill',
    // cs
    'a i v ve na z ze s do o od k se si je jsou to ta můj moje moji mi mě mne já vy vás vám váš ty jak',
    'jaký jaká co za po pro by že nebo ale prosím',
    // ro
    'și în la de din pe cu un o a al ale ai e este sunt eu meu mea mei mele mi mă îmi tu voi vă dumneavoastră',
    'ce cum că sau dar pentru prin rog',
    // tr
    've bir bu şu o da de mi mı mu mü ben benim bana beni sen siz sizin bizim için gibi ama veya',
    'ya ne nasıl hangi çok daha lütfen',
    // ar
    'في من الى إلى على عن مع هل ما هذا هذه ذلك تلك التي الذي الذين أن إن أنا أنت هو هي نحن لي لك لقد قد',
    'كان كانت أو ثم كل بعض عند يا فضلك',
    // zh
    '的 了 是 我 你 您 我的 在 吗 呢 吧 和 与 有 也 就 都 这 那 这个 那个 请 一个 怎么 什么',
    // ja
    'の は が を に で と も へ から まで です ます でした ですか ください 私 わたし 僕 これ それ この その あの か ね よ どう 何',
    // hi
    'का की के को में से है हैं था थी थे और या मैं मेरा मेरी मेरे मुझे आप आपका आपकी तुम यह वह ये वो पर भी तो ही',
    'कि क्या कैसे कृपया एक',
  ].flatMap((line) => words(normalizeText(line))),
);

/** Weight of a stop word's features relative to a content word's. */
export const STOPWORD_WEIGHT = 0.3;

/**
 * Folds text for matching: NFC → lowercase → strip accents (Latin, Greek, Cyrillic) → punctuation and symbols collapsed to single
 * spaces. So "Pasūtījumu?!" and "pasutijumu" fold to the same string.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFD')
    // Accents on Latin, Greek and Cyrillic letters are often left out when typing, so they are folded away; in
    // Devanagari the vowel signs are letters of the word ("क" vs "की") and stay.
    .replace(/([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu, '$1')
    // Arabic short-vowel marks (harakat) are optional in writing.
    .replace(/[\u064B-\u065F\u0670]/g, '')
    .normalize('NFC')
    .replace(/[ßøæœłđı]/g, (letter) => EXTRA_FOLDS[letter] ?? letter)
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of already-normalized text. */
export function words(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}

/** A folded word and how much its features count (1 for a word as typed). */
export interface WeightedWord {
  word: string;
  weight: number;
}

/**
 * Weighted counts of the features of folded words: each word (prefixed `w:` so it never collides with an
 * n-gram) and the character n-grams of the word padded with spaces, so word starts and ends carry their own
 * grams. A plain string counts 1 per occurrence, a stop word {@link STOPWORD_WEIGHT}.
 */
export function wordFeatures(folded: readonly (string | WeightedWord)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of folded) {
    const { word, weight: given } = typeof item === 'string' ? { word: item, weight: 1 } : item;
    const weight = given * (STOPWORDS.has(word) ? STOPWORD_WEIGHT : 1);
    const add = (feature: string): void => {
      counts.set(feature, (counts.get(feature) ?? 0) + weight);
    };
    add(`w:${word}`);
    const padded = ` ${word} `;
    for (let i = 0; i + NGRAM_SIZE <= padded.length; i += 1) add(padded.slice(i, i + NGRAM_SIZE));
  }
  return counts;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition, so "retrun" is one edit from
 * "return"), giving up as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}
