import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countSmsSegments } from '../adapters/twilio/sms-segments.js';
import { checkKnowledgeBase } from '../src/engine/knowledge-check.js';
import { loadKnowledgeEntries } from '../src/engine/knowledge.js';
import { projectPath } from '../src/paths.js';

/** Runs `npm run kb:check FILE` the way a business would, from the project root. */
function kbCheck(file: string): { status: number | null; output: string } {
  const run = spawnSync('npm', ['run', '--silent', 'kb:check', file], { cwd: projectPath(), encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('npm run kb:check', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-kb-check-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a question listed under two entries and warns about long SMS answers and missing answers', () => {
    const path = join(dir, 'shop.yaml');
    writeFileSync(
      path,
      [
        'entries:',
        '  - id: shipping-time',
        '    questions: { en: ["how long does delivery take", "when will my order arrive", "delivery time"], de: ["wie lange dauert die Lieferung"] }',
        `    answers: { en: "${'Standard delivery takes two to four business days across the EU. '.repeat(3).trim()}" }`,
        '  - id: shipping-cost',
        '    questions: { en: ["how much is shipping", "shipping cost", "delivery time"] }',
        '    answers: { en: "Shipping costs 4.90 EUR." }',
      ].join('\n'),
    );
    const { status, output } = kbCheck(path);
    assert.equal(status, 1, output);
    assert.match(output, /error: the question "delivery time" is listed under shipping-time and shipping-cost/);
    assert.match(output, /warning: shipping-time costs 2 SMS segments in "en"/);
    assert.match(output, /warning: shipping-time is asked in "de" but has no answer there/);
    assert.match(output, /what the bot answers for each variant it was not trained on/);
  });

  it('names the file and the problem for an invalid base', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'entries:\n  - id: x\n    questions: { en: ["hi"] }\n');
    const { status, output } = kbCheck(path);
    assert.equal(status, 1);
    assert.match(output, /invalid: .*broken\.yaml: entry "x" \(#1\): answers/);
  });

  it('passes the demo base, reporting what it answers for every held-out variant', () => {
    const { status, output } = kbCheck(projectPath('knowledge', 'demo.yaml'));
    assert.equal(status, 0, output);
    const variants = loadKnowledgeEntries(projectPath('knowledge', 'demo.yaml')).reduce((n, e) => n + Object.values(e.questions).flat().length, 0);
    assert.equal(output.split('\n').filter((line) => /^(ok {2}|MISS) /.test(line)).length, variants);
    assert.match(output, /entries asking a kind of question common to FAQs.*: .*payment-methods \(payment, \d+%\)/);
  });
});

describe('knowledge check', () => {
  it('finds entries the matcher confuses when their variants are the same words', () => {
    const entry = (id: string, questions: string[]) => ({ id, handoff: false, questions: { en: questions }, answers: { en: `${id}.` }, short: {} });
    const findings = checkKnowledgeBase(
      [
        // The same questions dealt out to two entries: no matcher can tell them apart.
        entry('card-payment', ['can I pay by card', 'card payment', 'is card ok', 'paying by card']),
        entry('card-fees', ['do you take cards', 'pay with my card', 'cards accepted', 'card pay']),
        entry('opening-hours', ['when are you open', 'opening hours', 'what time do you close', 'are you open on sunday', 'hours']),
      ],
      { smsSegments: (text) => countSmsSegments(text).segments },
    );
    assert.deepEqual(findings.confusedPairs[0]?.entryIds, ['card-fees', 'card-payment']);
    assert.ok(findings.variants.filter((v) => v.entryId === 'opening-hours').every((v) => v.got !== 'card-fees' && v.got !== 'card-payment'));
    // Which entries ask a common kind of question: hours and paying by card do; the confusion does not change that.
    const kinds = new Map(findings.kinds.map((k) => [k.entryId, k.kind]));
    assert.equal(kinds.get('opening-hours'), 'hours');
    assert.equal(kinds.get('card-payment'), 'payment');
  });

  it("names no kind for an entry of the trade's own", () => {
    const cakes = { id: 'custom-cakes', handoff: false, questions: { en: ['do you make birthday cakes to order?', 'custom cake with a photo'] }, answers: { en: 'Yes.' }, short: {} };
    assert.deepEqual(checkKnowledgeBase([cakes], { smsSegments: () => 1 }).kinds, []);
  });
});
