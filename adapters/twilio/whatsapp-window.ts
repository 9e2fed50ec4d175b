/**
 * WhatsApp's customer service window: a business may send free-form messages for 24 hours after the
 * customer's last message; after that only an approved template may start the conversation again.
 * See https://www.twilio.com/docs/whatsapp/key-concepts#the-24-hour-window-or-24-hour-session
 */
import { z } from 'zod';

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** True when a free-form message sent at `now` falls inside the window opened at `lastInboundAt`. */
export function isWithinWindow(lastInboundAt: Date | null | undefined, now: Date, windowMs = WHATSAPP_WINDOW_MS): boolean {
  if (!lastInboundAt) return false;
  const age = now.getTime() - lastInboundAt.getTime();
  return age < windowMs;
}

/**
 * What the Twilio adapter keeps in an outbound address's `ref`: `template: true` asks for the template even
 * when our clock thinks the window is open (Twilio said otherwise with 63016).
 */
export const twilioRefSchema = z.object({ template: z.boolean().optional() }).catch({});

export type TwilioRef = z.output<typeof twilioRefSchema>;
