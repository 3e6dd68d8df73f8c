/**
 * The "I have a code" page's lookup, throttled (app/lib/throttle.server.ts): campaign codes are short,
 * so failed lookups count per (learner, address) and per address, reserved before the code is looked
 * up. A code that is empty or not of the campaign-code shape is answered without a lookup and not
 * counted; a code that exists (open or archived) resets the learner's bucket.
 */
import type { PrismaClient } from '../../prisma/client';
import { isValidCampaignCode, normalizeCode } from '../../engine/framework';
import { attemptSucceeded, reserveAttempt } from '../lib/throttle.server';
import { checkCampaignCode, type CodeCheck } from './campaign.server';

export type ThrottledCodeCheck = CodeCheck | { ok: false; reason: 'rate_limited'; code: string; error: string };

export async function lookUpCampaignCode(client: PrismaClient, typed: string, input: { userId: string; ip: string; now: Date }): Promise<ThrottledCodeCheck> {
  const code = normalizeCode(typed);
  if (!code || !isValidCampaignCode(code)) return checkCampaignCode(client, typed);
  if (!(await reserveAttempt(client, 'campaign-code', input.userId, input.ip, input.now)).ok)
    return { ok: false, reason: 'rate_limited', code, error: 'Trop de codes essayés. Réessayez dans quelques minutes.' };
  const check = await checkCampaignCode(client, typed);
  if (check.ok || check.reason === 'archived') await attemptSucceeded(client, 'campaign-code', input.userId, input.ip);
  return check;
}
