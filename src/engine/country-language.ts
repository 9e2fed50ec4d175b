/**
 * A customer's country as a prior for their language: the share of each language among a country's speakers,
 * roughly, for the countries where our locales are spoken. A prior, never a verdict: a +371 number writes
 * Russian often enough that the message itself must be able to win.
 */

/** ISO 3166-1 alpha-2 country → language shares (ISO 639-1, summing to at most 1). */
const COUNTRY_LANGUAGES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  US: { en: 0.85, es: 0.15 }, GB: { en: 1 }, IE: { en: 1 }, AU: { en: 1 }, NZ: { en: 1 }, ZA: { en: 0.6 },
  CA: { en: 0.75, fr: 0.25 }, SG: { en: 0.6, zh: 0.4 }, PH: { en: 0.8 }, NG: { en: 0.8 }, KE: { en: 0.7 },
  IN: { hi: 0.5, en: 0.5 }, PK: { en: 0.5 },
  ES: { es: 0.95 }, MX: { es: 1 }, AR: { es: 1 }, CO: { es: 1 }, CL: { es: 1 }, PE: { es: 1 }, VE: { es: 1 },
  EC: { es: 1 }, BO: { es: 1 }, PY: { es: 1 }, UY: { es: 1 }, CR: { es: 1 }, PA: { es: 1 }, DO: { es: 1 },
  GT: { es: 1 }, HN: { es: 1 }, SV: { es: 1 }, NI: { es: 1 }, CU: { es: 1 }, PR: { es: 0.9, en: 0.1 },
  FR: { fr: 1 }, BE: { nl: 0.55, fr: 0.4, de: 0.05 }, CH: { de: 0.62, fr: 0.23, it: 0.08, en: 0.07 },
  LU: { fr: 0.5, de: 0.4 }, MC: { fr: 1 }, SN: { fr: 0.8 }, CI: { fr: 0.8 }, MA: { ar: 0.6, fr: 0.4 },
  DZ: { ar: 0.7, fr: 0.3 }, TN: { ar: 0.7, fr: 0.3 },
  DE: { de: 1 }, AT: { de: 1 }, LI: { de: 1 },
  PT: { pt: 1 }, BR: { pt: 1 }, AO: { pt: 1 }, MZ: { pt: 1 },
  IT: { it: 1 }, SM: { it: 1 }, VA: { it: 1 },
  NL: { nl: 1 }, SR: { nl: 0.8 },
  PL: { pl: 1 },
  LV: { lv: 0.62, ru: 0.35, en: 0.03 }, LT: { lt: 0.85, ru: 0.12, pl: 0.03 }, EE: { et: 0.68, ru: 0.3, en: 0.02 },
  RU: { ru: 1 }, BY: { ru: 0.9 }, KZ: { ru: 0.6 }, KG: { ru: 0.5 }, UA: { uk: 0.7, ru: 0.3 }, MD: { ro: 0.75, ru: 0.25 },
  SE: { sv: 1 }, FI: { fi: 0.9, sv: 0.1 }, AX: { sv: 1 }, DK: { da: 1 }, NO: { nb: 1 },
  CZ: { cs: 1 }, RO: { ro: 1 }, TR: { tr: 1 }, CY: { tr: 0.2, en: 0.3 },
  SA: { ar: 1 }, AE: { ar: 0.6, en: 0.4 }, EG: { ar: 1 }, JO: { ar: 1 }, LB: { ar: 0.8, fr: 0.2 }, IQ: { ar: 0.8 },
  KW: { ar: 1 }, QA: { ar: 0.7, en: 0.3 }, BH: { ar: 1 }, OM: { ar: 1 }, YE: { ar: 1 }, SY: { ar: 1 }, LY: { ar: 1 },
  SD: { ar: 1 }, PS: { ar: 1 },
  CN: { zh: 1 }, TW: { zh: 1 }, HK: { zh: 0.9, en: 0.1 }, MO: { zh: 1 },
  JP: { ja: 1 },
};

/**
 * E.164 calling code → ISO country, for the countries above whose code is not shared (+1 and +7 are: they
 * give the language prior of the first country listed). Longest prefix wins.
 */
const CALLING_CODES: Readonly<Record<string, string>> = {
  '1': 'US', '7': 'RU', '20': 'EG', '27': 'ZA', '30': 'GR', '31': 'NL', '32': 'BE', '33': 'FR', '34': 'ES',
  '36': 'HU', '39': 'IT', '40': 'RO', '41': 'CH', '43': 'AT', '44': 'GB', '45': 'DK', '46': 'SE', '47': 'NO',
  '48': 'PL', '49': 'DE', '51': 'PE', '52': 'MX', '53': 'CU', '54': 'AR', '55': 'BR', '56': 'CL', '57': 'CO',
  '58': 'VE', '60': 'MY', '61': 'AU', '63': 'PH', '64': 'NZ', '65': 'SG', '81': 'JP', '86': 'CN', '90': 'TR',
  '91': 'IN', '92': 'PK', '212': 'MA', '213': 'DZ', '216': 'TN', '218': 'LY', '221': 'SN', '225': 'CI',
  '234': 'NG', '244': 'AO', '249': 'SD', '254': 'KE', '258': 'MZ', '351': 'PT', '352': 'LU', '353': 'IE',
  '357': 'CY', '358': 'FI', '370': 'LT', '371': 'LV', '372': 'EE', '373': 'MD', '375': 'BY', '377': 'MC',
  '378': 'SM', '380': 'UA', '420': 'CZ', '423': 'LI', '502': 'GT', '503': 'SV', '504': 'HN', '505': 'NI',
  '506': 'CR', '507': 'PA', '591': 'BO', '593': 'EC', '595': 'PY', '597': 'SR', '598': 'UY', '852': 'HK',
  '853': 'MO', '886': 'TW', '961': 'LB', '962': 'JO', '963': 'SY', '964': 'IQ', '965': 'KW', '967': 'YE',
  '968': 'OM', '970': 'PS', '971': 'AE', '973': 'BH', '974': 'QA', '996': 'KG',
};

/** Language shares of an ISO 3166-1 alpha-2 country (any case); empty when we know none. */
export function countryLanguages(country: string): Readonly<Record<string, number>> {
  return COUNTRY_LANGUAGES[country.trim().toUpperCase()] ?? {};
}

/** The ISO country of an E.164 number (`+37120000000` → `LV`), or undefined when it is not one we know. */
export function countryOfPhoneNumber(e164: string): string | undefined {
  // WhatsApp addresses arrive as "whatsapp:+371…".
  const digits = /^(?:whatsapp:)?\+(\d{6,15})$/.exec(e164.replace(/[\s().-]/g, ''))?.[1];
  if (!digits) return undefined;
  for (let length = 3; length >= 1; length -= 1) {
    const country = CALLING_CODES[digits.slice(0, length)];
    if (country) return country;
  }
  return undefined;
}
