import assert from 'node:assert/strict';
import { ibanValid, luhnValid, PiiVault, redactPii, type PiiKind } from '../src/engine/pii.js';

/** Personal data as customers type it, with the kind we expect; the recall figure in the README comes from here. */
const POSITIVES: readonly [string, PiiKind, string][] = [
  ['my email is jane.doe@example.com thanks', 'EMAIL', 'jane.doe@example.com'],
  ['write to J.Smith+orders@mail.co.uk', 'EMAIL', 'J.Smith+orders@mail.co.uk'],
  ['mans e-pasts: jānis.bērziņš@pasts.lv', 'EMAIL', 'jānis.bērziņš@pasts.lv'],
  ['correo: maria_lopez99@correo.es.', 'EMAIL', 'maria_lopez99@correo.es'],
  ['card 4111 1111 1111 1111 exp 12/27', 'CARD', '4111 1111 1111 1111'],
  ['card 4111-1111-1111-1111', 'CARD', '4111-1111-1111-1111'],
  ['paid with 5555555555554444', 'CARD', '5555555555554444'],
  ['amex 3782 822463 10005', 'CARD', '3782 822463 10005'],
  ['discover 6011111111111117.', 'CARD', '6011111111111117'],
  ['visa 4012888888881881', 'CARD', '4012888888881881'],
  ['IBAN GB82 WEST 1234 5698 7654 32 please', 'IBAN', 'GB82 WEST 1234 5698 7654 32'],
  ['DE89370400440532013000', 'IBAN', 'DE89370400440532013000'],
  ['mans konts LV80 BANK 0000 4351 9500 1', 'IBAN', 'LV80 BANK 0000 4351 9500 1'],
  ['FR14 2004 1010 0505 0001 3M02 606 merci', 'IBAN', 'FR14 2004 1010 0505 0001 3M02 606'],
  ['cuenta ES91 2100 0418 4502 0005 1332', 'IBAN', 'ES91 2100 0418 4502 0005 1332'],
  ['nl91abna0417164300 is mine', 'IBAN', 'nl91abna0417164300'],
  ['call me at +371 2000 0000', 'PHONE', '+371 2000 0000'],
  ['my number is (555) 123-4567', 'PHONE', '(555) 123-4567'],
  ['tel. +44 20 7946 0958', 'PHONE', '+44 20 7946 0958'],
  ['llámame al 612 345 678', 'PHONE', '612 345 678'],
  ['ruf an: 0049 30 1234567', 'PHONE', '0049 30 1234567'],
  ['+15017122661', 'PHONE', '+15017122661'],
  ['SSN 123-45-6789', 'ID', '123-45-6789'],
  ['personas kods 010190-12345', 'ID', '010190-12345'],
  ['customer number 12345678901234567890', 'ID', '12345678901234567890'],
];

/** Text that carries no personal data and must reach the model unchanged. */
const NEGATIVES: readonly string[] = [
  'How long does shipping take?',
  'I ordered on 2024-05-01 and on 05/01/2024 at 10:30',
  'It costs 1299.99 EUR, 20% off',
  'my order has 3 items, size 42',
  'a 16-digit number that is not a card: 4111 1111 1111 1112',
  'GB82 WEST 1234 5698 7654 33 is a typo, not an IBAN',
  'email me @ the usual place',
  'version 2.3.1 of the app',
];

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

  it('handles several kinds in one message without one swallowing another', () => {
    const { text } = redactPii('IBAN DE89 3704 0044 0532 0130 00, card 5555 5555 5555 4444, tel +49 30 1234567, mail x@y.de');
    assert.equal(text, 'IBAN [IBAN_1], card [CARD_1], tel [PHONE_1], mail [EMAIL_1]');
  });
});
