/**
 * botbuilder, loaded on first use: loading it took about a second of every start, also of services that do not
 * run the Bot Framework channel. It is CommonJS and loaded with require, not import(), so the compiled service,
 * tsx and the tests (whose files mocha requires) all share one instance of it.
 */
import { createRequire } from 'node:module';
import type * as Botbuilder from 'botbuilder';

let loaded: typeof Botbuilder | undefined;

export function botbuilder(): typeof Botbuilder {
  loaded ??= createRequire(import.meta.url)('botbuilder') as typeof Botbuilder;
  return loaded;
}
