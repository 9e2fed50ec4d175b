/**
 * Characters no customer means to send and some stores refuse: U+0000 (PostgreSQL rejects it in `text`), the
 * Unicode noncharacters (U+FDD0–U+FDEF and the last two code points of every plane) and lone surrogate halves
 * (no character at all; they become U+FFFD or fail on the way to UTF-8). Adapters strip them from free text and
 * refuse identifiers that carry them, so nothing downstream ever sees one.
 */

const NON_CHARACTERS = /[\0\p{Noncharacter_Code_Point}\p{Cs}]/gu;
const HAS_NON_CHARACTER = /[\0\p{Noncharacter_Code_Point}\p{Cs}]/u;

/** `text` without U+0000, noncharacters and lone surrogates. */
export function stripNonCharacters(text: string): string {
  return text.replace(NON_CHARACTERS, '');
}

/** Whether `text` holds U+0000, a noncharacter or a lone surrogate. */
export function hasNonCharacters(text: string): boolean {
  return HAS_NON_CHARACTER.test(text);
}

/** The reason a field names when it refuses such a character. */
export const NON_CHARACTER_REASON = 'must not contain U+0000, Unicode noncharacters or lone surrogates';
