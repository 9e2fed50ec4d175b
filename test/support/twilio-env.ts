/** The environment that points the service's SMS channel at a fake Twilio (test/fakes/fake-twilio.ts). */
import type { FakeTwilio } from '../fakes/fake-twilio.js';

export function twilioTestEnv(fake: Pick<FakeTwilio, 'accountSid' | 'authToken' | 'url'>, numbers: { publicUrl: string; smsFrom: string }): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_SMS_FROM: numbers.smsFrom,
    PUBLIC_URL: numbers.publicUrl,
    TWILIO_API_URL: fake.url,
  };
}
