/**
 * The "I have a code" page's lookup, throttled (app/lib/throttle.server.ts): campaign codes are short,
 * so failed lookups count per (learner, address) and per address, reserved before the code is looked
 * up. A code that is empty or not of the campaign-code shape is answered without a lookup and not
 * counted; a code that exists (open or archived) resets the learner's bucket.
 */
import type { PrismaClient } from '../../prisma/client';
import { isValidCampaignCode, normalizeCode } from '../../engine/framework';
import { attemptSucceeded, reserveAttempt } from '../lib/throttle.server';
import { checkCampaignCode, learnerCampaign, type CodeCheck } from './campaign.server';

export type ThrottledCodeCheck = CodeCheck | { ok: false; reason: 'rate_limited'; code: string; error: string };

/**
 * One campaign-code lookup in the learner's buckets: the attempt is reserved before `look` runs, and
 * given back when `found` says the code exists. 'rate_limited' when a bucket is blocked.
 */
async function throttledLookup<T>(
  client: PrismaClient,
  input: { userId: string; ip: string; now: Date },
  look: () => Promise<T>,
  found: (result: T) => boolean,
): Promise<T | 'rate_limited'> {
  if (!(await reserveAttempt(client, 'campaign-code', input.userId, input.ip, input.now)).ok) return 'rate_limited';
  const result = await look();
  if (found(result)) await attemptSucceeded(client, 'campaign-code', input.userId, input.ip);
  return result;
}

export async function lookUpCampaignCode(client: PrismaClient, typed: string, input: { userId: string; ip: string; now: Date }): Promise<ThrottledCodeCheck> {
  const code = normalizeCode(typed);
  if (!code || !isValidCampaignCode(code)) return checkCampaignCode(client, typed);
  const check = await throttledLookup(
    client,
    input,
    () => checkCampaignCode(client, typed),
    (c) => c.ok || c.reason === 'archived',
  );
  return check === 'rate_limited' ? { ok: false, reason: 'rate_limited', code, error: 'Trop de codes essayés. Réessayez dans quelques minutes.' } : check;
}

/**
 * The campaign's page opened by its address (/campagnes/CODE): the same buckets as the "I have a code"
 * page, so typing codes into the address bar is no way around the limit. A code that exists gives the
 * place back at once. Null: no such campaign (counted); 'rate_limited': too many unknown codes.
 */
export async function learnerCampaignByAddress(
  client: PrismaClient,
  input: { userId: string; code: string; ip: string; now: Date },
): Promise<Awaited<ReturnType<typeof learnerCampaign>> | 'rate_limited'> {
  if (!isValidCampaignCode(input.code)) return null;
  return throttledLookup(
    client,
    input,
    () => learnerCampaign(client, input.userId, input.code, input.now),
    (view) => Boolean(view),
  );
}
