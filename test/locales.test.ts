/**
 * Locale completeness: every system text exists in every served language, keeps its interpolation
 * variables, and is really translated. A missing key would make i18next fall back to the default language
 * silently, which is exactly the "silent switch of language" the product promises never to do.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslator } from '../src/i18n.js';
import { projectPath } from '../src/paths.js';

const LOCALES_DIR = projectPath('locales');
const SOURCE_LANGUAGE = 'en';

/** The languages issue 3 promises; more may be added, none of these may go missing. */
const REQUIRED_LANGUAGES = [
  'en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'pl', 'lv', 'lt', 'et', 'ru',
  'uk', 'sv', 'fi', 'da', 'nb', 'cs', 'ro', 'tr', 'ar', 'zh', 'ja', 'hi',
];

/**
 * Keys whose value may legitimately equal English in another language (brand names, codes, keywords a
 * carrier only understands in English). Keep it short and say why for each entry.
 */
const IDENTICAL_TO_ENGLISH_ALLOWED: ReadonlySet<string> = new Set<string>([]);

/** Languages written in a non-Latin script: each of their texts must contain a letter of that script. */
const SCRIPT_OF: Readonly<Record<string, RegExp>> = {
  ar: /\p{Script=Arabic}/u,
  ru: /\p{Script=Cyrillic}/u,
  uk: /\p{Script=Cyrillic}/u,
  zh: /\p{Script=Han}/u,
  ja: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
  hi: /\p{Script=Devanagari}/u,
};

/** i18next's cardinal plural suffixes (v4 JSON format), e.g. "queuePosition_one" / "queuePosition_other". */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Texts = ReadonlyMap<string, string>;

/** Flattens nested translation objects into dotted keys, failing on anything but strings and objects. */
function flatten(value: unknown, prefix: string, into: Map<string, string>, file: string): Map<string, string> {
  if (typeof value === 'string') {
    into.set(prefix, value);
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, into, file);
  } else {
    assert.fail(`${file}: "${prefix}" must be a string or an object of strings, got ${JSON.stringify(value)}`);
  }
  return into;
}

function readLocale(language: string): Texts {
  const file = join(LOCALES_DIR, language, 'translation.json');
  assert.ok(existsSync(file), `locales/${language}/ has no translation.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    assert.fail(`locales/${language}/translation.json is not valid JSON: ${String(error)}`);
  }
  return flatten(parsed, '', new Map(), `locales/${language}/translation.json`);
}

/**
 * Plural forms differ per language (Japanese has only "other", Arabic six), so keys are compared by their
 * base name and each language must carry exactly the plural categories its own rules use.
 */
function baseKey(key: string): string {
  return key.replace(PLURAL_SUFFIX, '');
}

function baseKeys(texts: Texts): Set<string> {
  return new Set([...texts.keys()].map(baseKey));
}

/** `{{name}}`, `{{ name }}` and `{{name, format}}` all name the variable `name`; `$t(key)` nests a key. */
function placeholders(text: string): string[] {
  const variables = [...text.matchAll(/\{\{\s*([^{}\s,]+)\s*(?:,[^{}]*)?\}\}/g)].map((m) => `{{${m[1] ?? ''}}}`);
  const nested = [...text.matchAll(/\$t\(\s*([^,)\s]+)/g)].map((m) => `$t(${m[1] ?? ''})`);
  return [...new Set([...variables, ...nested])].sort();
}

/** Placeholders of a base key across all its plural forms. */
function placeholdersOf(texts: Texts, base: string): string[] {
  const found = new Set<string>();
  for (const [key, text] of texts) if (baseKey(key) === base) for (const p of placeholders(text)) found.add(p);
  return [...found].sort();
}

/** True when a text has no words of its own: only placeholders, digits, punctuation or emoji. */
function hasNoWords(text: string): boolean {
  return !/\p{L}/u.test(text.replace(/\{\{[^{}]*\}\}/g, '').replace(/\$t\([^)]*\)/g, ''));
}

const languages = readdirSync(LOCALES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const english = readLocale(SOURCE_LANGUAGE);
const englishBases = baseKeys(english);

describe('locales', () => {
  it('include every language the product promises', () => {
    const missing = REQUIRED_LANGUAGES.filter((language) => !languages.includes(language));
    assert.deepEqual(missing, [], `missing locales/<lng>/translation.json for: ${missing.join(', ')}`);
  });

  it('are named by canonical language tags', () => {
    for (const language of languages) {
      assert.deepEqual(Intl.getCanonicalLocales(language), [language], `locales/${language}/ is not a canonical BCP 47 tag`);
    }
  });

  it('English has texts to translate', () => {
    assert.ok(english.size >= 6, `locales/en/translation.json has only ${english.size} keys`);
  });

  for (const language of languages) {
    describe(language, () => {
      const texts = readLocale(language);

      it('has exactly the key set of English', () => {
        const bases = baseKeys(texts);
        const missing = [...englishBases].filter((key) => !bases.has(key)).sort();
        const extra = [...bases].filter((key) => !englishBases.has(key)).sort();
        assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `locales/${language}: keys differ from English`);
      });

      it("has exactly the plural forms of its language's rules", () => {
        const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
        for (const base of englishBases) {
          const forms = [...texts.keys()].filter((key) => key !== base && baseKey(key) === base);
          const englishIsPlural = [...english.keys()].some((key) => key !== base && baseKey(key) === base);
          if (!englishIsPlural) continue;
          const suffixes = forms.map((key) => PLURAL_SUFFIX.exec(key)?.[1] ?? '').sort();
          assert.deepEqual(suffixes, [...categories].sort(), `locales/${language}: plural forms of "${base}"`);
        }
      });

      it('keeps the interpolation variables of every text', () => {
        for (const base of englishBases) {
          assert.deepEqual(
            placeholdersOf(texts, base),
            placeholdersOf(english, base),
            `locales/${language}: "${base}" must use exactly the placeholders of English`,
          );
        }
      });

      it('has no empty text', () => {
        for (const [key, text] of texts) assert.ok(text.trim() !== '', `locales/${language}: "${key}" is empty`);
      });

      if (language !== SOURCE_LANGUAGE) {
        it('leaves nothing in English', () => {
          for (const [key, text] of texts) {
            if (IDENTICAL_TO_ENGLISH_ALLOWED.has(baseKey(key)) || hasNoWords(text)) continue;
            assert.notEqual(text, english.get(key), `locales/${language}: "${key}" is still the English text`);
          }
        });
      }

      const script = SCRIPT_OF[language];
      if (script !== undefined) {
        it('writes every text in its own script', () => {
          for (const [key, text] of texts) {
            if (IDENTICAL_TO_ENGLISH_ALLOWED.has(baseKey(key)) || hasNoWords(text)) continue;
            assert.match(text, script, `locales/${language}: "${key}" has no letter of its script`);
          }
        });
      }
    });
  }

  describe('through i18next (createTranslator)', () => {
    // Another default language than English, so a key resolved from its fallback could not pass for English.
    const translator = createTranslator({ defaultLanguage: 'lv' });

    it('loads every locale directory', () => {
      assert.deepEqual([...translator.languages].sort(), languages);
    });

    for (const language of languages) {
      it(`resolves and interpolates in ${language}`, () => {
        const texts = readLocale(language);
        assert.equal(translator.t(language, 'greeting'), texts.get('greeting'));
        const sentence = translator.t(language, 'answerInDefaultLanguage', { language: 'LANGUAGE-NAME' });
        assert.ok(sentence.includes('LANGUAGE-NAME'), `${language}: ${sentence}`);
        assert.ok(!sentence.includes('{{'), `${language}: unresolved placeholder in ${sentence}`);
        // A key only English has would come back from the fallback: prove every key resolves natively.
        for (const [key, text] of texts) {
          if (PLURAL_SUFFIX.test(key) || placeholders(text).length > 0) continue;
          assert.equal(translator.t(language, key), text, `${language}: "${key}"`);
        }
      });
    }
  });
});
