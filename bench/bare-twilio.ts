/**
 * The baseline for the SMS scenario of bench/load.ts: a bare express 5 Twilio message webhook, as Twilio's own
 * express example has it — form body parsed, X-Twilio-Signature checked over PUBLIC_URL, empty TwiML back —
 * and nothing else (no store, no turn, no reply).
 */
import express from 'express';
import twilio from 'twilio';

const authToken = process.env.TWILIO_AUTH_TOKEN ?? '';
const publicUrl = process.env.PUBLIC_URL ?? '';
const app = express();
app.use(express.urlencoded({ extended: false }));
app.post('/twilio/messages', (req, res) => {
  const params = req.body as Record<string, string>;
  const valid = twilio.validateRequest(authToken, req.get('x-twilio-signature') ?? '', publicUrl + req.originalUrl, params);
  if (!valid) {
    res.status(403).end();
    return;
  }
  res.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ msg: 'switchboard listening', port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
