/** Shared by the learner space's routes: refusals of the positioning model as French (or English) responses. */
import { localeFromRequest, messagesFor } from '../i18n';
import { fill, formatDay, learnerMessages } from '../i18n/apprenant';
import { PositioningError } from '../models/positioning-error.server';
import type { RequestHead } from './request-head';

/** The learner-facing message of a refusal. */
export function positioningMessage(error: PositioningError, request: RequestHead): string {
  const t = messagesFor(learnerMessages, request);
  const date = error.availableAt ? formatDay(error.availableAt, localeFromRequest(request)) : '';
  return fill(t(`error.${error.code}`), { date });
}

/** Turns a PositioningError into a Response with its status and message (other errors go on). */
export function asResponse(error: unknown, request: RequestHead): never {
  if (error instanceof PositioningError) {
    throw new Response(positioningMessage(error, request), { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  throw error;
}
