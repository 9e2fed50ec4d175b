import assert from 'node:assert/strict';
import { ibanValid, luhnValid, PiiVault, redactPii } from '../src/engine/pii.js';
import { PII_NEGATIVES as NEGATIVES, PII_POSITIVES as POSITIVES } from './fixtures/pii-samples.js';

describe('pii redaction', () => {
  it('checks Luhn and IBAN mod-97', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(luhnValid('79927398713'), true);
    assert.equal(ibanValid('GB82 WEST 1234 5698 7654 32'), true);
    assert.equal(ibanValid('GB82 WEST 1234 5698 7654 33'), false);
    assert.equal(ibanValid('LV80BANK0000435195001'), true);
    assert.equal(ibanValid('XX'), false);
  });

  it('redacts every personal datum of the test strings with the right kind (recall 100%)', () => {
    let found = 0;
    for (const [text, kind, value] of POSITIVES) {
      const { text: redacted, vault } = redactPii(text);
      const findings = vault.findings;
      assert.ok(!redacted.includes(value), `${kind} left in: ${redacted}`);
      assert.deepEqual(
        findings.map((f) => [f.kind, f.value]),
        [[kind, value]],
        `for "${text}" → "${redacted}"`,
      );
      assert.match(redacted, new RegExp(`\\[${kind}_1\\]`));
      found += 1;
    }
    assert.equal(found, POSITIVES.length);
  });

  it('leaves text without personal data alone: dates, prices, Luhn-failing numbers, bad IBANs', () => {
    for (const text of NEGATIVES) {
      const { text: redacted, vault } = redactPii(text);
      const wrong = vault.findings.filter((f) => f.kind === 'CARD' || f.kind === 'IBAN' || f.kind === 'EMAIL');
      assert.deepEqual(wrong, [], `false ${wrong[0]?.kind} in "${text}"`);
      if (!/\d{12}/.test(text.replace(/[ -]/g, ''))) assert.equal(redacted, text);
    }
  });

  it('keeps one placeholder per value across the messages of a conversation and numbers kinds separately', () => {
    const vault = new PiiVault();
    const a = vault.redact('I am ann@example.com, card 4111 1111 1111 1111');
    const b = vault.redact('again: ANN@example.com and bob@example.org, +371 2000 0000');
    assert.equal(a, 'I am [EMAIL_1], card [CARD_1]');
    assert.equal(b, 'again: [EMAIL_1] and [EMAIL_2], [PHONE_1]');
    assert.equal(vault.findings.length, 4);
  });

  it('restores the customer’s own values and reports placeholders it never issued', () => {
    const vault = new PiiVault();
    vault.redact('send it to ann@example.com');
    const restored = vault.restore('We will write to [EMAIL_1]. Card [CARD_3]?');
    assert.equal(restored.text, 'We will write to ann@example.com. Card [CARD_3]?');
    assert.deepEqual(restored.unknown, ['[CARD_3]']);
  });

  it('restores chosen kinds masked to their last four characters', () => {
    const vault = new PiiVault();
    vault.redact('ann@example.com paid with 4111 1111 1111 1111 from LV80 BANK 0000 4351 9500 1');
    const restored = vault.restore('[EMAIL_1], [CARD_1], [IBAN_1]', { masked: ['CARD', 'IBAN'] });
    assert.equal(restored.text, 'ann@example.com, •••• 1111, •••• 5001');
  });

  it('handles several kinds in one message without one swallowing another', () => {
    const { text } = redactPii('IBAN DE89 3704 0044 0532 0130 00, card 5555 5555 5555 4444, tel +49 30 1234567, mail x@y.de');
    assert.equal(text, 'IBAN [IBAN_1], card [CARD_1], tel [PHONE_1], mail [EMAIL_1]');
  });
});
