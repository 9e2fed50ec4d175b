/**
 * Customers are told when a person writes to them: an agent's message goes out prefixed with a localized label
 * ("Anna (a person from our team): …"). Channels whose own UI shows the author (our web widget) skip it.
 */
import type { Outbound } from './model.js';
import type { Translator } from './i18n.js';

/** The label for an agent's message, in the conversation's language (or the channel's fallback). */
export type PersonLabel = (agentName: string | undefined, language: string | undefined) => string;

export function createPersonLabel(translator: Pick<Translator, 't'>, defaultLanguage: string): PersonLabel {
  return (name, language) =>
    translator.t(language ?? defaultLanguage, name ? 'agentLabel' : 'agentLabelUnnamed', name ? { name } : {});
}

/** The text a customer reads for this message: an agent's carries the person label, everything else is as written. */
export function customerFacingText(outbound: Outbound, label: (agentName: string | undefined) => string): string {
  return outbound.author === 'agent' ? `${label(outbound.agentName)}: ${outbound.text}` : outbound.text;
}
