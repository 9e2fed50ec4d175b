/**
 * Texts for staff (Slack alerts, the insights page) in AGENT_LANGUAGE, from locales/<lng>/staff.json. Staff read
 * fewer languages than customers write, so only some locales carry a staff.json; any other language falls back
 * to English.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from 'i18next';
import { createTranslator, type Translator } from '../i18n.js';
import { projectPath } from '../paths.js';

export const STAFF_FALLBACK_LANGUAGE = 'en';

/** Reads every locales/<lng>/staff.json below `dir`. */
export function loadStaffResources(dir = projectPath('locales')): Resource {
  const resources: Resource = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'staff.json');
    if (entry.isDirectory() && existsSync(file)) resources[entry.name] = { translation: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
  }
  return resources;
}

/** The staff texts; `t(language, …)` answers in English for a language without a staff.json. */
export function createStaffTexts(resources: Resource = loadStaffResources()): Translator {
  return createTranslator({ defaultLanguage: STAFF_FALLBACK_LANGUAGE, resources });
}
