/**
 * Slack mrkdwn from untrusted text. Slack reads `&`, `<` and `>` as control characters: `<!channel>` pings
 * everyone, `<https://evil.example|Open order 4411>` shows a link under any label, `<@U123>` mentions staff. Every
 * text from a customer or a model (messages, names, summaries, translations, attachment types) goes through
 * {@link escapeMrkdwn}, and links only through {@link mrkdwnLink}.
 * See https://api.slack.com/reference/surfaces/formatting#escaping
 */

/** Text shown as it is: `&`, `<` and `>` become entities, so nothing in it is markup. */
export function escapeMrkdwn(text: string): string {
  // Three plain replaces: a tenth of the time of one pattern with a callback on 50 KB of `<!channel>`.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A link to `url` labelled `label`, or the escaped label alone when `url` is not http(s). A `|` in the URL would end
 * it early and make the rest the label, so it is percent-encoded with `<` and `>`.
 */
export function mrkdwnLink(url: string, label: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return escapeMrkdwn(label);
  const href = parsed.href.replace(/[|<>]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`).replace(/&/g, '&amp;');
  return `<${href}|${escapeMrkdwn(label)}>`;
}

/**
 * Escaped text cut to at most `max` characters (Slack caps a section at 3,000) without leaving half an entity
 * (`&am`) at the end.
 */
export function fitMrkdwn(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, max);
  const entityStart = cut.lastIndexOf('&');
  return entityStart >= 0 && !cut.includes(';', entityStart) ? cut.slice(0, entityStart) : cut;
}
