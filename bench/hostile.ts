/**
 * Hostile text: feeds every module that reads customer text 50 KB of pathological input (long runs of one
 * character, digit and separator runs, half e-mail addresses, IBAN-shaped groups, repeated phrase starts…) and
 * prints the worst time per module with the input that caused it. A regular expression that backtracks
 * (nested quantifiers over the same characters, a run scanned again from every start) shows up here as
 * hundreds of milliseconds; the bar is 10 ms per module on 50 KB, whatever the channel caps (Bot Framework and
 * Twilio take at most 4,000 characters, the web 2,000) let through. A second column gives the same worst case cut
 * to 4,000 characters, the most any customer text reaches the engine with.
 *
 *   npm run bench:hostile
 */
import { performance } from 'node:perf_hooks';
import { redactPii } from '../src/engine/pii.js';
import { detectSmallTalk } from '../src/engine/small-talk.js';
import { decideCompliance } from '../src/engine/opt-out.js';
import { createLanguageRequestMatcher } from '../src/engine/language-requests.js';
import { createHumanClaimDetector } from '../src/engine/human-claim.js';
import { normalizeText } from '../src/engine/text-normalize.js';
import { shippedEscalationClassifier } from '../src/understanding/escalation-classifier.js';
import { loadKnowledgeBase } from '../src/engine/knowledge.js';
import { createLanguageDetector } from '../src/engine/language-detector.js';
import { createTranslator } from '../src/i18n.js';
import { projectPath } from '../src/paths.js';
import { stripNonCharacters } from '../src/unicode-text.js';
import { toTwilioInbound } from '../adapters/twilio/twilio-inbound.js';
import { mapActivity } from '../adapters/botframework/botframework-inbound.js';
import { messageBodySchema } from '../adapters/web/web-schemas.js';
import { preferredLanguageTag } from '../adapters/web/web-inbound.js';
import { escapeMrkdwn } from '../adapters/slack/slack-mrkdwn.js';
import { threadPostMessage } from '../adapters/slack/slack-thread-posts.js';

const SIZE = 50 * 1024;
/** The largest channel cap: what the engine's modules see at most in the service. */
const CAPPED = 4000;
const BAR_MS = 10;
const RUNS = 5;

/**
 * `unit` repeated to SIZE characters, with `head` and `tail` around it, as one flat string: V8 keeps a built-up
 * string as a tree until something flattens it, and that cost would land on whichever module runs first.
 */
function fill(unit: string, head = '', tail = ''): string {
  const body = unit.repeat(Math.ceil((SIZE - head.length - tail.length) / unit.length)).slice(0, SIZE - head.length - tail.length);
  return JSON.parse(JSON.stringify(head + body + tail)) as string;
}

/** Inputs that make a backtracking pattern scan a run again from each of its starts. */
const INPUTS: Readonly<Record<string, string>> = {
  'letters a…': fill('a'),
  'digits 1…': fill('1'),
  'digit space 1 1…': fill('1 '),
  'digit dash 1-1-…': fill('1-'),
  'separators 1 . . … 1': fill(' .', '1', '1'),
  'separators 1 ( ( … x': fill('( ', '1', 'x'),
  'plus digits +1+1…': fill('+1'),
  '00 prefix 00 00…': fill('00 '),
  'local parts a.a.…@': fill('a.', '', '@'),
  'at signs a@a@…': fill('a@'),
  'domains x@a.a.a…1': fill('a.', 'x@', '1'),
  'dotted digits 1.1.…': fill('1.'),
  'iban groups LV80 BANK BANK…': fill(' BANK', 'LV80'),
  'iban letters AB12CDEF…': fill('CDEF', 'AB12'),
  'spaces': fill(' '),
  'newlines': fill('\n'),
  'punctuation !?.': fill('!?.'),
  'words and spaces': fill('word '),
  'phrase starts "i am "': fill('i am '),
  'phrase starts "no soy "': fill('no soy '),
  'phrase starts "speak "': fill('speak english please '),
  'cyrillic': fill('привет '),
  'han': fill('你好说中文'),
  'emoji': fill('😀'),
  'combining marks a\u0301…': fill('a\u0301\u0302\u0303'),
  'U+0000 and noncharacters': fill('a\u0000\uFFFE\uD800'),
  'mrkdwn <!channel>&': fill('<!channel> & <@U1|x> '),
  'links <http://a|b>': fill('<https://evil.example/|x>'),
};

interface Module {
  name: string;
  run(text: string): unknown;
}

async function modules(): Promise<Module[]> {
  const translator = createTranslator({ defaultLanguage: 'en' });
  const languages = translator.languages;
  const requests = createLanguageRequestMatcher(languages);
  const humanClaim = createHumanClaimDetector();
  const escalation = shippedEscalationClassifier();
  const knowledge = loadKnowledgeBase(projectPath('knowledge', 'demo.yaml'), { defaultLanguage: 'en' });
  const detector = await createLanguageDetector({ languages });
  const bodySchema = messageBodySchema(2000);
  const at = new Date();
  return [
    { name: 'pii (redactPii)', run: (text) => redactPii(text) },
    { name: 'small-talk', run: (text) => detectSmallTalk(text) },
    { name: 'opt-out', run: (text) => decideCompliance({ channel: 'sms', text, optedOut: false }) },
    { name: 'language-requests', run: (text) => requests.match(text) },
    { name: 'human-claim', run: (text) => humanClaim.find(text) },
    { name: 'text-normalize', run: (text) => normalizeText(text) },
    { name: 'language detector', run: (text) => detector.detect(text) },
    { name: 'escalation classifier', run: (text) => escalation.classify(text) },
    { name: 'knowledge understand', run: (text) => knowledge.understand(text, { language: 'en' }) },
    { name: 'unicode-text (strip)', run: (text) => stripNonCharacters(text) },
    // Adapters: the whole inbound mapping of each channel, the cap included.
    { name: 'twilio-inbound', run: (text) => attempt(() => toTwilioInbound({ MessageSid: `SM${'0'.repeat(32)}`, From: '+37120000000', Body: text, ProfileName: text }, at)) },
    {
      name: 'botframework-inbound',
      run: (text) =>
        mapActivity(
          {
            type: 'message',
            id: '1',
            channelId: 'msteams',
            serviceUrl: 'https://smba.trafficmanager.net/emea/',
            from: { id: 'u', name: text },
            recipient: { id: 'b' },
            conversation: { id: 'c' },
            text,
            entities: [{ type: 'mention', text: text.slice(0, 40), mentioned: { id: 'b' } }],
          },
          at,
        ),
    },
    { name: 'web-inbound', run: (text) => [bodySchema.safeParse({ visitorId: 'visitor_0001', clientMessageId: 'message_0001', text }), preferredLanguageTag(text)] },
    { name: 'slack mrkdwn (escape)', run: (text) => escapeMrkdwn(text) },
    {
      name: 'slack thread relay',
      run: (text) =>
        threadPostMessage(
          // Names reach the desk cut to 256 characters by every adapter.
          { kind: 'customer_message', customerName: text.slice(0, 256), channel: 'web', language: 'en', text, media: [{ url: `https://a.example/${text.slice(0, 2000)}`, contentType: text.slice(0, 100) }] },
          {},
        ),
    },
  ];
}

function attempt(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error;
  }
}

function timeOf(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const all = await modules();
console.log(`# Hostile text: ${Object.keys(INPUTS).length} inputs of ${SIZE / 1024} KB, best of ${RUNS} runs each; worst input per module (bar ≤ ${BAR_MS} ms)\n`);
console.log(`module                     50 KB ms  ${CAPPED} ch ms  worst input`);
let over = 0;
for (const module of all) {
  // Warm up so the first timed call does not pay for compilation.
  module.run('warm up');
  let worst = { ms: 0, input: '' };
  let worstCapped = 0;
  for (const [input, text] of Object.entries(INPUTS)) {
    const ms = timeOf(() => module.run(text));
    if (ms > worst.ms) worst = { ms, input };
    const capped = text.slice(0, CAPPED);
    worstCapped = Math.max(worstCapped, timeOf(() => module.run(capped)));
  }
  if (worst.ms > BAR_MS) over += 1;
  console.log(`${module.name.padEnd(26)} ${worst.ms.toFixed(2).padStart(9)} ${worstCapped.toFixed(2).padStart(9)}  ${worst.input}${worst.ms > BAR_MS ? '   ← over the bar' : ''}`);
}
console.log(`\n${over === 0 ? 'every module within' : `${over} module(s) over`} ${BAR_MS} ms on ${SIZE / 1024} KB`);
