/**
 * The client's address as the web server established it (scripts/server.ts sets `X-Client-Address` from
 * the socket, or from `X-Forwarded-For` only when TRUST_PROXY says proxies stand in front: see
 * forwardedClientAddress). A request cannot choose it: the server overwrites the header on every request.
 */
export function clientAddress(request: Request): string {
  return request.headers.get('X-Client-Address') ?? 'local';
}

/**
 * A request's own id, set by the web server on every request it hands to Remix (a value the client sent
 * is replaced): the loaders of one request share one read of the session (app/lib/session.server.ts).
 */
export const REQUEST_ID_HEADER = 'x-workbench-request';

/**
 * The client's address as the web server sees it: the socket's, or, behind `trustedHops` proxies of the
 * installation (TRUST_PROXY), the `X-Forwarded-For` entry that many hops from the right. Each proxy
 * appends the address it received the request from, so the right-most `trustedHops` entries were written
 * by our proxies and the last of them names the client; anything further left came from the client and
 * is never believed. Fewer entries than hops: the left-most one (what the first proxy saw).
 */
export function forwardedClientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const socket = socketAddress ?? 'unknown';
  if (trustedHops <= 0 || forwardedFor === undefined) return socket;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) return socket;
  const entry = entries[Math.max(0, entries.length - trustedHops)]!;
  return entry.slice(0, 100);
}

/**
 * The host a request was sent to: `Host`, or behind TRUST_PROXY proxies the right-most `X-Forwarded-Host`
 * entry (written by the proxy nearest the server; a client can send the header too).
 */
export function requestHost(host: string | null | undefined, forwardedHost: string | null | undefined, trustedHops: number): string | null {
  const forwarded = trustedHops > 0 ? forwardedHost?.split(',').at(-1)?.trim() : undefined;
  return forwarded || host || null;
}

/** Whether an `Origin` header names the host the request was sent to (`null`, malformed or another host: no). */
export function originMatches(origin: string, host: string | null): boolean {
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}
