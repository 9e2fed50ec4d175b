/**
 * A fake of the Bot Framework token authority on 127.0.0.1:0: the OpenID metadata documents and signing keys
 * botbuilder fetches to validate tokens (https://login.botframework.com/v1/.well-known/openidconfiguration and
 * the Emulator's), and tokens signed with its key (RS256), as Azure Bot Service and the Emulator send them. The
 * real botbuilder authentication validates them unchanged.
 */
import { createServer, type Server } from 'node:http';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { listenOnLoopback } from '../support/listen-on-loopback.js';

/** The issuer of channel tokens (botframework-connector's AuthenticationConstants.ToBotFromChannelTokenIssuer). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** One of the issuers botbuilder takes an Emulator token from (Azure AD v1, the Bot Framework tenant). */
export const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

export interface FakeBotAuthority {
  /** For `authEndpoints` of the Bot Framework adapter. */
  endpoints: { channelOpenIdMetadataUrl: string; emulatorOpenIdMetadataUrl: string; loginUrl: string };
  /** A channel token for `appId` vouching for `serviceUrl`, as Azure Bot Service sends with each activity. */
  channelToken(appId: string, serviceUrl: string): string;
  /** An Emulator token for `appId`: issued to the app itself, with no serviceurl claim. */
  emulatorToken(appId: string): string;
  close(): Promise<void>;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function signJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify({ nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

export async function startFakeBotAuthority(): Promise<FakeBotAuthority> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'fake-key-1';
  const jwk = publicKey.export({ format: 'jwk' });
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    const body =
      path === '/keys'
        ? { keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e }] }
        : path === '/channel/openid' || path === '/emulator/openid'
          ? { issuer: path.startsWith('/channel') ? CHANNEL_ISSUER : EMULATOR_ISSUER, jwks_uri: `${base}/keys` }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  const port = await listenOnLoopback(server);
  base = `http://127.0.0.1:${port}`;
  return {
    endpoints: { channelOpenIdMetadataUrl: `${base}/channel/openid`, emulatorOpenIdMetadataUrl: `${base}/emulator/openid`, loginUrl: `${base}/login` },
    channelToken: (appId, serviceUrl) => signJwt(privateKey, kid, { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl }),
    emulatorToken: (appId) => signJwt(privateKey, kid, { iss: EMULATOR_ISSUER, aud: appId, appid: appId, ver: '1.0' }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
