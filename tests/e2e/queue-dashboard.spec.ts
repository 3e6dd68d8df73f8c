import { expect, test } from '@playwright/test';
import { Queue } from 'bullmq';
import { QUEUES, queuePrefix, redisConnection } from '../../app/lib/queues.server';
import { expectAccessible, signIn } from './helpers';

test.use({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });

test('the queue dashboard loads nothing from another host, sits in the workbench frame and shows Paris time', async ({ page, baseURL }) => {
  // A job waiting in the calibration queue, so that the page shows a job's card (its name, timeline, dates
  // and copy buttons) whatever ran before this test.
  const queue = new Queue(QUEUES.calibration, { connection: redisConnection(), prefix: queuePrefix() });
  await queue.add('dashboard-check', { note: 'carte de tâche pour le tableau de bord' }, { delay: 3_600_000 });
  await queue.close();
  await signIn(page, 'admin@exemple.fr');
  const origin = new URL(baseURL!).origin;
  const outside: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
  for (const path of ['/admin/files', '/admin/files/queue/calibration?status=delayed']) {
    await page.goto(path);
    await expect(page.getByText('calibration', { exact: true }).first()).toBeVisible({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');
    // Nothing wider than the window, every button named, no WCAG violation axe can find.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
    await expect(page.getByRole('button', { name: 'Réglages' })).toBeVisible();
    await expectAccessible(page);
  }
  expect(outside).toEqual([]);
  // Dates are read in Paris time even in a browser set to UTC (noon UTC in January is 13 h in Paris).
  expect(await page.evaluate(() => new Date(Date.UTC(2026, 0, 15, 12, 0)).getHours())).toBe(13);
  expect(await page.evaluate(() => new Date(Date.UTC(2026, 6, 15, 12, 0)).getHours())).toBe(14);
  // The way back to the workbench.
  await page.getByRole('link', { name: '← Administration' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('link', { name: 'Files de travail en arrière-plan' })).toBeVisible();
});
