/**
 * What the session guards, the origin check and the language of a message read of a request: its method,
 * URL and headers. A web `Request` is one; the web server's direct path (scripts/direct-actions.ts) hands
 * the learner's answer a plain object over Node's own headers instead, without building a `Request`.
 */
export interface RequestHead {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
}
