/**
 * The drift chart of a run on the seeded demo data (a real calibration of every demo answer, compared
 * with the seeded set in force): its challenge labels never overlap one another, on a 1400 px window
 * and on a 390 px phone. Screenshots of the chart go to .cache/screens/ for a person to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { runDemoCalibration } from '../setup/demo-run';
import { signIn } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let db: PrismaClient;
let runId: string;
const SCREENS = path.resolve('.cache/screens');

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (set by scripts/test.ts) is needed for the demo run');
  db = createPrisma(url);
  runId = await runDemoCalibration(db, url);
  fs.mkdirSync(SCREENS, { recursive: true });
});

test.afterAll(async () => {
  await db?.$disconnect();
});

type Box = { text: string; x: number; y: number; width: number; height: number };

async function labelBoxes(page: Page): Promise<Box[]> {
  return page.locator('#chart-drift .chart-point-label').evaluateAll((nodes) =>
    nodes.map((n) => {
      const r = n.getBoundingClientRect();
      return { text: n.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

function overlapping(boxes: Box[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) pairs.push(`${a.text} × ${b.text}`);
    }
  }
  return pairs;
}

for (const width of [1400, 390]) {
  test(`drift labels do not overlap at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'psychometre@exemple.fr');
    await page.goto(`/psychometrie/calibrations/${runId}`);
    const chart = page.locator('#chart-drift');
    await expect(chart.getByRole('img', { name: /Dérive/ })).toBeVisible();
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: path.join(SCREENS, `drift-${width}.png`) });
    const boxes = await labelBoxes(page);
    // The demo data has drifting challenges: some are labelled, none over another.
    expect(boxes.length).toBeGreaterThan(0);
    expect(overlapping(boxes)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENS, `run-page-${width}.png`), fullPage: true });
  });
}
