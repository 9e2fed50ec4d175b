/**
 * Slack's Bolt, loaded on first use: with its socket-mode client and undici it took about 0.3 s of every start,
 * also of services without the Slack desk. It is CommonJS and loaded with require, not import(), so the
 * compiled service, tsx and the tests (whose files mocha requires) all share one instance of it.
 */
import { createRequire } from 'node:module';
import type * as Bolt from '@slack/bolt';

let loaded: typeof Bolt | undefined;

export function bolt(): typeof Bolt {
  loaded ??= createRequire(import.meta.url)('@slack/bolt') as typeof Bolt;
  return loaded;
}
