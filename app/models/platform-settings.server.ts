/** Platform settings an administrator changes at run time (PlatformSetting rows, JSON values). */
import type { PrismaClient } from '../../prisma/client';

type Client = Pick<PrismaClient, 'platformSetting'>;

export const SETTING_AUTHORS_MAY_VALIDATE_OWN = 'authorsMayValidateOwn';

/** Whether authors may validate a challenge they wrote a version of (off unless an administrator allows it). */
export async function authorsMayValidateOwn(client: Client): Promise<boolean> {
  const row = await client.platformSetting.findUnique({ where: { key: SETTING_AUTHORS_MAY_VALIDATE_OWN } });
  return row?.value === true;
}

export async function setAuthorsMayValidateOwn(client: Client, allowed: boolean): Promise<void> {
  await client.platformSetting.upsert({
    where: { key: SETTING_AUTHORS_MAY_VALIDATE_OWN },
    create: { key: SETTING_AUTHORS_MAY_VALIDATE_OWN, value: allowed },
    update: { value: allowed },
  });
}
