/** The baseline for bench/load.ts: express 5 parsing the same JSON body and answering 202, nothing else. */
import express from 'express';

const app = express();
app.use(express.json());
app.post('/web/messages', (req, res) => {
  res.status(202).json({ ok: typeof req.body === 'object' });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ msg: 'switchboard listening', port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
