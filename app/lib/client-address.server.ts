/**
 * The client's address as the web server established it (scripts/server.ts sets `X-Client-Address` from
 * the socket, or from `X-Forwarded-For` only when TRUST_PROXY says a proxy stands in front). A request
 * cannot choose it: the server overwrites the header on every request.
 */
export function clientAddress(request: Request): string {
  return request.headers.get('X-Client-Address') ?? 'local';
}
