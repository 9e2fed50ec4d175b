/**
 * What `npm run kb:check FILE` finds in a knowledge base before customers do: the same question under two
 * entries, entries the matcher cannot tell apart (measured by cross-validation over the question variants:
 * each variant is answered by a matcher that never saw it), answers missing in a language the entry is asked
 * in, and SMS answers that cost more than one segment; and which entries ask a kind of question common to FAQs
 * (src/understanding/intent-model.ts), whose other phrasings the bot knows from other businesses' customers.
 */
import { averageIntent, OTHER_INTENT, shippedIntentModel } from '../understanding/intent-model.js';
import { readMessage } from '../understanding/knowledge-matcher.js';
import { shippedSynonymLexicon } from '../understanding/synonym-lexicon.js';
import { normalizeText } from './text-normalize.js';
import { createKnowledgeBase, type KnowledgeBaseOptions, type KnowledgeEntry } from './knowledge.js';

export interface VariantOutcome {
  entryId: string;
  language: string;
  text: string;
  /** What a matcher trained without this variant did with it: an entry id, "asked back" or "declined". */
  got: string;
  /** The entry ranked first, answered or not: another entry here is a confusion even when the reply declined. */
  first: string | undefined;
}

export interface KnowledgeFindings {
  duplicateQuestions: { text: string; entryIds: string[] }[];
  /** Pairs of entries whose held-out variants ranked each other first, most confused first. */
  confusedPairs: { entryIds: [string, string]; count: number }[];
  missingAnswers: { entryId: string; language: string }[];
  longSmsAnswers: { entryId: string; language: string; segments: number }[];
  variants: VariantOutcome[];
  /** Held-out variants answered with their own entry. */
  accuracy: number;
  /** Entries whose variants ask a common kind of question (at least half of them, on average), with that share. */
  kinds: { entryId: string; kind: string; share: number }[];
}

/** The common kind an entry's variants ask on average, if it is at least this likely. */
const KIND_AT = 0.5;

function kindsOf(entries: readonly KnowledgeEntry[], options: KnowledgeBaseOptions): KnowledgeFindings['kinds'] {
  const model = options.intents ?? shippedIntentModel();
  const lexicon = options.lexicon ?? shippedSynonymLexicon();
  return entries.flatMap((entry) => {
    const readings = Object.entries(entry.questions).flatMap(([language, texts]) => texts.map((text) => readMessage(text, language, lexicon)));
    const average = averageIntent(model, readings);
    let best = 0;
    average.forEach((p, c) => (best = p > (average[best] ?? 0) ? c : best));
    const kind = model.classes[best] ?? OTHER_INTENT;
    const share = average[best] ?? 0;
    return kind === OTHER_INTENT || share < KIND_AT ? [] : [{ entryId: entry.id, kind, share }];
  });
}

/** Folds of the cross-validation: each trains a matcher on the other folds' variants. */
const FOLDS = 5;

function withQuestions(entry: KnowledgeEntry, keep: (language: string, index: number) => boolean): KnowledgeEntry {
  const questions: Record<string, string[]> = {};
  for (const [language, variants] of Object.entries(entry.questions)) {
    const kept = variants.filter((_, i) => keep(language, i));
    if (kept.length > 0) questions[language] = kept;
  }
  return { ...entry, questions };
}

export function checkKnowledgeBase(
  entries: readonly KnowledgeEntry[],
  options: KnowledgeBaseOptions & { smsSegments: (text: string) => number },
): KnowledgeFindings {
  const owners = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const variants of Object.values(entry.questions)) {
      for (const text of variants) owners.set(normalizeText(text), (owners.get(normalizeText(text)) ?? new Set()).add(entry.id));
    }
  }
  const duplicateQuestions = [...owners].filter(([, ids]) => ids.size > 1).map(([text, ids]) => ({ text, entryIds: [...ids] }));

  // Variant number k of all variants, in file order, goes to fold k mod FOLDS.
  const foldOf = new Map<string, number>();
  let counter = 0;
  for (const entry of entries) {
    for (const [language, variants] of Object.entries(entry.questions)) variants.forEach((_, i) => foldOf.set(`${entry.id}\t${language}\t${i}`, counter++ % FOLDS));
  }
  const variants: VariantOutcome[] = [];
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const inFold = (entry: KnowledgeEntry) => (language: string, i: number) => foldOf.get(`${entry.id}\t${language}\t${i}`) === fold;
    const knowledge = createKnowledgeBase(
      entries.map((entry) => withQuestions(entry, (language, i) => !inFold(entry)(language, i))),
      options,
    );
    for (const entry of entries) {
      for (const [language, texts] of Object.entries(entry.questions)) {
        texts.forEach((text, i) => {
          if (!inFold(entry)(language, i)) return;
          const verdict = knowledge.understand(text, { language });
          const got = verdict.kind === 'answer' ? verdict.match.entry.id : verdict.kind === 'clarify' ? 'asked back' : 'declined';
          const first = knowledge.rank(text, { language, limit: 1 })[0]?.entry.id;
          variants.push({ entryId: entry.id, language, text, got, first });
        });
      }
    }
  }
  const pairs = new Map<string, number>();
  for (const v of variants) {
    if (v.first === undefined || v.first === v.entryId) continue;
    const key = [v.entryId, v.first].sort().join('\t');
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const confusedPairs = [...pairs]
    .map(([key, count]) => ({ entryIds: key.split('\t') as [string, string], count }))
    .sort((a, b) => b.count - a.count);

  const missingAnswers = entries.flatMap((entry) =>
    Object.keys(entry.questions).filter((language) => entry.answers[language] === undefined).map((language) => ({ entryId: entry.id, language })),
  );
  const longSmsAnswers = entries.flatMap((entry) =>
    Object.entries(entry.answers)
      .map(([language, answer]) => ({ entryId: entry.id, language, segments: options.smsSegments(entry.short[language] ?? answer) }))
      .filter((found) => found.segments > 1),
  );
  const accuracy = variants.length === 0 ? 1 : variants.filter((v) => v.got === v.entryId).length / variants.length;
  return { duplicateQuestions, confusedPairs, missingAnswers, longSmsAnswers, variants, accuracy, kinds: kindsOf(entries, options) };
}
