/**
 * WhatsApp's customer service window (its length is in src/channel-capabilities.ts): after it closes only an
 * approved template may start the conversation again. This is how a message asks for the template.
 */
import { z } from 'zod';

/**
 * What the Twilio adapter keeps in an outbound address's `ref`: `template: true` asks for the template even
 * when our clock thinks the window is open (Twilio said otherwise with 63016).
 */
export const twilioRefSchema = z.object({ template: z.boolean().optional() }).catch({});

export type TwilioRef = z.output<typeof twilioRefSchema>;
