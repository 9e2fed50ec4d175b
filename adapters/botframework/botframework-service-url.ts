/**
 * Which `serviceUrl`s the Bot Framework channel calls. An activity's serviceUrl is where the typing indicator and
 * every later reply go, so a forged one turns the server into a proxy (and a port scanner) for whoever sent it,
 * and one stored over another conversation's reference hijacks that customer's replies. Pure.
 *
 * - With authentication, the caller's token must carry the same `serviceurl` claim, compared as botbuilder's
 *   channel validation compares it (exact string). Channel tokens always have it; a token without one (the
 *   Emulator's, issued for our own app) may only point at this machine.
 * - Anonymous (local development): only loopback serviceUrls, i.e. the Emulator on this machine.
 */

/** botframework-connector's AuthenticationConstants.ServiceUrlClaim. */
export const SERVICE_URL_CLAIM = 'serviceurl';

/** Whether `url` points at this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackServiceUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** What vouches for the activity: nothing (anonymous), or the `serviceurl` claim of its token (absent on Emulator tokens). */
export type ServiceUrlVoucher = { anonymous: true } | { anonymous: false; claim: string | undefined };

/** Undefined when `serviceUrl` may be called; otherwise why not. */
export function serviceUrlRefusal(serviceUrl: string, voucher: ServiceUrlVoucher): string | undefined {
  if (voucher.anonymous || voucher.claim === undefined) {
    if (isLoopbackServiceUrl(serviceUrl)) return undefined;
    return voucher.anonymous
      ? 'serviceUrl must be on this machine (localhost) while the channel runs anonymously'
      : 'serviceUrl must be on this machine (localhost) for a token without a serviceurl claim';
  }
  return voucher.claim === serviceUrl ? undefined : 'serviceUrl does not match the serviceurl claim of the token';
}
