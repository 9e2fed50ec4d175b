/** A web chat customer writing through the widget's HTTP API (POST /web/messages) of the service under test. */

/** One message as the widget sends it. */
export interface WebMessage {
  visitorId: string;
  /** The widget's idempotency key for this message. */
  clientMessageId: string;
  text: string;
  locale?: string;
}

/** Posts `message` to `${serviceUrl}/web/messages` as JSON. */
export function postWebMessage(serviceUrl: string, message: WebMessage): Promise<Response> {
  return fetch(`${serviceUrl}/web/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
}
