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
 * Function words of the knowledge base's languages, folded. They are down-weighted, not dropped: IDF alone
 * lets "what is the ... of" pull an off-topic question towards any entry phrased the same way, yet without
 * them "where is my order" and "when will my order arrive" would lose the small words that tell them apart.
 * Interrogatives that carry intent (where, when, kur, kad, wo, wann, quand, donde, cuando) stay out.
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
    'ludzu kads kada kadu kadas tas ta to so',
  ]
    .join(' ')
    .split(' '),
);

/** Weight of a stop word's features relative to a content word's. */
export const STOPWORD_WEIGHT = 0.3;

/**
 * Folds text for matching: NFC → lowercase → strip diacritics → punctuation and symbols collapsed to single
 * spaces. So "Pasūtījumu?!" and "pasutijumu" fold to the same string.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßøæœłđı]/g, (letter) => EXTRA_FOLDS[letter] ?? letter)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
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
