/**
 * The widget's own interface texts (title, placeholder, author labels…) in the visitor's language. They live
 * in locales/<lng>/translation.json under `widget`, like every other system text, so a new locale brings its
 * widget texts with it and the locale test keeps them complete.
 */
import { matchLanguage, type Translator } from '../../src/i18n.js';

/** The locale group the widget's texts live under. */
export const WIDGET_STRINGS_KEY = 'widget';

/** What `GET /web/strings` answers. */
export interface WidgetStrings {
  /** The served language chosen for the visitor; the widget derives its text direction from it. */
  language: string;
  strings: Record<string, string>;
}

/**
 * The widget's texts for a browser language tag: the best served language for the tag, else the default
 * language (an unserved "he" visitor reads the default language, never a mix).
 */
export function widgetStringsFor(translator: Translator, languages: readonly string[], tag: string | undefined): WidgetStrings {
  const language = (tag === undefined ? undefined : matchLanguage(tag, languages)) ?? translator.defaultLanguage;
  return { language, strings: translator.group(language, WIDGET_STRINGS_KEY) };
}
