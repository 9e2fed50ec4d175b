/**
 * System texts from locales/<lng>/translation.json through i18next. One instance per service (no module
 * singleton), loaded synchronously at start so a missing locale fails start-up, not a customer's reply.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { projectPath } from './paths.js';

export type TranslationVars = Record<string, string | number>;

export interface Translator {
  /** Languages that have a locales/<lng>/translation.json. */
  readonly languages: readonly string[];
  /** The language every text falls back to. */
  readonly defaultLanguage: string;
  t(language: string, key: string, vars?: TranslationVars): string;
  /**
   * The strings of a group of texts (an object such as `widget`) in a language, uninterpolated; a string the
   * language lacks comes from the default language.
   */
  group(language: string, key: string): Record<string, string>;
}

/**
 * The language of `languages` that best serves a BCP 47 tag: the tag itself, then ever shorter prefixes
 * ("zh-Hant-TW" → "zh-Hant" → "zh"), with Norwegian "no"/"nn" served by "nb". Undefined when none fits or
 * the tag is not well formed.
 */
export function matchLanguage(tag: string, languages: readonly string[]): string | undefined {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
  if (canonical === undefined) return undefined;
  const byLowerCase = new Map(languages.map((l) => [l.toLowerCase(), l]));
  const subtags = canonical.toLowerCase().split('-');
  for (let length = subtags.length; length > 0; length -= 1) {
    const found = byLowerCase.get(subtags.slice(0, length).join('-'));
    if (found !== undefined) return found;
  }
  return subtags[0] === 'no' || subtags[0] === 'nn' ? byLowerCase.get('nb') : undefined;
}

/** The string members of a resource value, ignoring anything else (nested objects, arrays). */
function stringsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Reads every locales/<lng>/translation.json below `dir`. */
export function loadLocaleResources(dir = projectPath('locales')): Resource {
  const resources: Resource = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'translation.json');
    if (entry.isDirectory() && existsSync(file)) {
      resources[entry.name] = { translation: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
    }
  }
  return resources;
}

export function createTranslator(options: { defaultLanguage: string; resources?: Resource }): Translator {
  const resources = options.resources ?? loadLocaleResources();
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources,
    initAsync: false,
    fallbackLng: options.defaultLanguage,
    // Customer texts go to SMS and chat, never into HTML: escaping would show "&amp;" to customers.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  const languages = Object.keys(resources).sort();
  const resource = (language: string, key: string): unknown => instance.getResource(language, 'translation', key) as unknown;
  return {
    languages,
    defaultLanguage: options.defaultLanguage,
    t: (language, key, vars) => instance.getFixedT(language)(key, vars ?? {}),
    group: (language, key) => ({ ...stringsOf(resource(options.defaultLanguage, key)), ...stringsOf(resource(language, key)) }),
  };
}
