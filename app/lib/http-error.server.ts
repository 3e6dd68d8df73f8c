/**
 * The error a route throws for a missing row or a request it does not understand. From a page's loader or
 * action its text is a code of the common dictionary (app/i18n.ts), which the error page (root
 * ErrorBoundary) says in the viewer's language; a resource route (a file, a CSV) has no error page, so it
 * passes its request and the text is said in the request's language. Either way no French sentence
 * reaches the English interface as it is.
 */
import { localeFromRequest, translate, type MessageKey } from '../i18n';

type Missing = Extract<MessageKey, `error.missing.${string}`> extends `error.missing.${infer W}` ? W : never;

function coded(key: MessageKey, status: number, resourceRequest?: Request): Response {
  const text = resourceRequest ? translate(localeFromRequest(resourceRequest), key) : key;
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** 404: `what` does not exist (or must look as if it did not). */
export function notFound(what: Missing, resourceRequest?: Request): Response {
  return coded(`error.missing.${what}`, 404, resourceRequest);
}

/** 400: an intent the route does not know. */
export function unknownAction(): Response {
  return coded('error.unknownAction', 400);
}
