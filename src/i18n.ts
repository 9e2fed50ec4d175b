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
  t(language: string, key: string, vars?: TranslationVars): string;
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
  return {
    languages,
    t: (language, key, vars) => instance.getFixedT(language)(key, vars ?? {}),
  };
}
