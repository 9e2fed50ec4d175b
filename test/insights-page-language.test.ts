/**
 * The insights page speaks the staff's language (AGENT_LANGUAGE): the sign-in form, the page and the texts its
 * script draws with come from locales/<lng>/staff.json, English for a language without one. Every staff locale
 * carries exactly English's texts with the same placeholders.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { projectPath } from '../src/paths.js';
import { startService, type RunningService } from '../src/service.js';
import { createCollectingLogger } from './support/collecting-logger.js';

const TOKEN = 'test-admin-token-0123456789abcdef-0123';

/** Dotted key → text of a staff.json. */
function staffTexts(language: string): Map<string, string> {
  const flat = new Map<string, string>();
  const walk = (value: unknown, prefix: string): void => {
    if (typeof value === 'string') flat.set(prefix, value);
    else for (const [key, child] of Object.entries(value as Record<string, unknown>)) walk(child, prefix ? `${prefix}.${key}` : key);
  };
  walk(JSON.parse(readFileSync(projectPath('locales', language, 'staff.json'), 'utf8')), '');
  return flat;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

describe('the insights page in the staff language', function () {
  this.timeout(20_000);

  it('every staff.json has exactly the English texts, with their placeholders, translated', () => {
    const english = staffTexts('en');
    const languages = readdirSync(projectPath('locales')).filter((language) => existsSync(projectPath('locales', language, 'staff.json')));
    assert.ok(languages.includes('de'), 'at least one language besides English');
    for (const language of languages.filter((l) => l !== 'en')) {
      const texts = staffTexts(language);
      assert.deepEqual([...texts.keys()].sort(), [...english.keys()].sort(), `locales/${language}/staff.json keys`);
      for (const [key, text] of texts) {
        assert.deepEqual(placeholders(text), placeholders(english.get(key) ?? ''), `locales/${language}/staff.json "${key}" placeholders`);
        assert.notEqual(text, english.get(key), `locales/${language}/staff.json "${key}" is still English`);
      }
    }
  });

  describe('served', () => {
    let dataDir: string;
    let service: RunningService;

    async function start(agentLanguage: string): Promise<void> {
      dataDir = await mkdtemp(join(tmpdir(), 'switchboard-insights-language-'));
      service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, LANGUAGES: 'en', ADMIN_TOKEN: TOKEN, AGENT_LANGUAGE: agentLanguage }), { logger: createCollectingLogger().logger });
    }
    afterEach(async () => {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    async function signIn(token: string): Promise<Response> {
      return fetch(`${service.url}/insights/session`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    }

    it('signs in and shows the page in German with AGENT_LANGUAGE=de, and gives the script its German texts', async () => {
      await start('de');
      const signInHtml = await (await fetch(`${service.url}/insights`)).text();
      assert.match(signInHtml, /<html lang="de">/);
      assert.match(signInHtml, /<label for="token">Admin-Token<\/label>/);
      assert.match(signInHtml, /<button type="submit">Anmelden<\/button>/);
      const refused = await signIn('not-the-token');
      assert.equal(refused.status, 401);
      assert.match(await refused.text(), /Dieses Token stimmt nicht\./);

      const signedIn = await signIn(TOKEN);
      assert.equal(signedIn.status, 303);
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const res = await fetch(`${service.url}/insights`, { headers: { cookie } });
      const html = await res.text();
      assert.match(html, /<html lang="de">/);
      for (const heading of ['Gespräche pro Tag', 'Automatische Lösung', 'Kundenzufriedenheit', 'Fragen, die der Bot nicht beantworten konnte']) assert.ok(html.includes(`>${heading}</h2>`), heading);
      // The script's texts: a data block, not script (the policy still allows none inline).
      const block = /<script type="application\/json" id="insights-texts">([^<]*)<\/script>/.exec(html);
      const texts = JSON.parse(block?.[1] ?? '{}') as Record<string, string>;
      assert.equal(texts.conversationsCaption, '{{count}} Gespräche');
      assert.equal(texts.csatBot, 'Nur Bot');
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    });

    it('falls back to English for a staff language without texts', async () => {
      await start('fr');
      const html = await (await fetch(`${service.url}/insights`)).text();
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<label for="token">Admin token<\/label>/);
    });
  });
});
