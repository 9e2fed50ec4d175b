/**
 * A knowledge base's own way of reaching a person: the entries whose question variants are themselves requests for
 * one ("can I talk to someone?", "can you call me back?"), as the escalation classifier reads them. A customer who
 * asks for a person gets that entry's answer (the business's phone number, hours, a callback form) while the
 * person is fetched, also when the matcher did not take the customer's words for that entry: a request for a
 * person is phrased in countless ways that a base's three variants never list, and the classifier was trained on
 * them.
 */
import type { EscalationClassifier } from '../understanding/escalation-classifier.js';
import type { KnowledgeBase, KnowledgeEntry } from './knowledge.js';

/** An entry is a way to reach a person when at least this share of its variants ask for one. */
const PERSON_VARIANT_SHARE = 0.5;

/** Per base, what its variants were classified with and what that found: a base lives as long as the service. */
const found = new WeakMap<KnowledgeBase, { classifier: EscalationClassifier; entries: readonly KnowledgeEntry[] }>();

/**
 * The entries of `knowledge` that are ways to reach a person. Read on the first request for a person, not at start
 * (most conversations never ask), and kept: a base's variants take ~70 µs each to classify.
 */
export function contactEntries(knowledge: KnowledgeBase, classifier: EscalationClassifier): readonly KnowledgeEntry[] {
  const known = found.get(knowledge);
  if (known?.classifier === classifier) return known.entries;
  const entries = knowledge.entries.filter((entry) => {
    const variants = Object.values(entry.questions).flat();
    const asking = variants.filter((variant) => classifier.classify(variant).reason === 'asked_for_human').length;
    return variants.length > 0 && asking / variants.length >= PERSON_VARIANT_SHARE;
  });
  found.set(knowledge, { classifier, entries });
  return entries;
}

/**
 * The entry that tells a customer who asked for a person how to reach one: the only such entry of the base, or of
 * several the one the matcher ranks highest for the message (the first when it ranks none of them).
 */
export function contactEntryFor(text: string, language: string, knowledge: KnowledgeBase, classifier: EscalationClassifier): KnowledgeEntry | undefined {
  const entries = contactEntries(knowledge, classifier);
  if (entries.length <= 1) return entries[0];
  const ranked = knowledge.rank(text, { language }).find(({ entry }) => entries.includes(entry));
  return ranked?.entry ?? entries[0];
}
