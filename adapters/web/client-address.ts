/**
 * Who is calling, for the per-address limits: the peer's IP, or the client's as the trusted proxies in front
 * report it (the same `trust proxy` values express takes: hops, subnets, true). IPv6 clients are keyed by
 * their /64, the smallest network one customer is usually given, so rotating addresses within it buys nothing.
 */
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/** As express's `trust proxy` setting: false trusts no proxy (the default), a number trusts that many hops. */
export type TrustProxy = boolean | number | string | readonly string[];

/** Builds the function that names a request's client address, as a limit key. */
export function clientAddressOf(trust: TrustProxy = false): (request: IncomingMessage) => string {
  const trusts = compileTrust(trust);
  return (request) => addressKey(proxyaddr(request, trusts));
}

function compileTrust(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile(typeof trust === 'string' ? trust.split(',').map((s) => s.trim()) : [...trust]);
}

/** IPv4 (also IPv4-mapped IPv6) as is; other IPv6 as its /64 prefix; anything unparsable verbatim. */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
