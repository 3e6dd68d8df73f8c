import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

/** An active skill of the starter pack (nothing is saved on it). */
function anActiveSkill(): string {
  const pack = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'content', 'pack', '1.1.json'), 'utf8')) as {
    thematics: { tubes: { name: string; skills: { level: number; status: string }[] }[] }[];
  };
  const tube = pack.thematics.flatMap((th) => th.tubes).find((t) => t.skills.some((s) => s.status === 'actif'))!;
  return `${tube.name}${tube.skills.find((s) => s.status === 'actif')!.level}`;
}

test('a click on a toolbar button keeps every character typed right after it, and the toolbar controls the text', async ({ page }) => {
  await signIn(page, 'autrice@exemple.fr');
  await page.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(anActiveSkill())}`);
  const editor = page.getByRole('textbox', { name: 'Consigne', exact: true });
  await expect(editor).toBeVisible();
  const toolbar = page.getByRole('toolbar', { name: 'Mise en forme : Consigne' });
  // aria-controls names the text area, which exists.
  const controlled = await toolbar.getAttribute('aria-controls');
  expect(controlled).toBeTruthy();
  await expect(page.locator(`[id="${controlled}"]`)).toHaveAttribute('role', 'textbox');

  await editor.click();
  // A draft kept from an earlier run would be restored: start from an empty text.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('Avant ', { delay: 0 });
  for (const [button, text] of [
    ['Gras', 'gras123'],
    ['Gras', ' puis normal'],
    ['Italique', ' italique456'],
  ] as const) {
    // No wait between the click and the keys.
    await toolbar.getByRole('button', { name: button }).click();
    await page.keyboard.type(text, { delay: 0 });
  }
  await expect(editor).toHaveText('Avant gras123 puis normal italique456');
  await expect(editor.locator('strong')).toHaveText('gras123');
  await expect(editor.locator('em')).toHaveText('italique456');

  // From another field: the click on the toolbar of the explanation moves the typing there at once.
  const solution = page.getByRole('textbox', { name: 'Explication montrée après la réponse' });
  await solution.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  await editor.click();
  await page.getByRole('toolbar', { name: 'Mise en forme : Explication montrée après la réponse' }).getByRole('button', { name: 'Gras' }).click();
  await page.keyboard.type('Important', { delay: 0 });
  await expect(solution.locator('strong')).toHaveText('Important');
  await expect(editor).toHaveText('Avant gras123 puis normal italique456');
});

test('an image from another site is flagged in the editor with the offer to copy it into the attachments', async ({ page }) => {
  await signIn(page, 'autrice@exemple.fr');
  await page.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(anActiveSkill())}`);
  await expect(page.getByRole('textbox', { name: 'Consigne', exact: true })).toBeVisible();
  await page.getByLabel('Ajouter une illustration').check();
  // An address of the platform's own network: the server refuses to ask it, without any request out.
  await page.getByLabel('Adresse de l’image (https:// ou pièce jointe)').fill('http://127.0.0.1:9/tasse.png');
  const flagged = page.getByTestId('external-images');
  await expect(flagged).toContainText('Images chargées depuis un autre site');
  await expect(flagged).toContainText('http://127.0.0.1:9/tasse.png');
  await flagged.getByRole('button', { name: 'Copier dans les pièces jointes' }).click();
  await expect(flagged.getByRole('alert')).toHaveText('Cette adresse est interne au réseau de la plateforme : elle n’est pas demandée.');
  // An attachment is not flagged.
  await page.getByLabel('Adresse de l’image (https:// ou pièce jointe)').fill('/pieces-jointes/00000000-0000-4000-8000-000000000000');
  await expect(flagged).toHaveCount(0);
});

test('the creation home speaks the page’s language', async ({ page, baseURL }) => {
  await signIn(page, 'autrice@exemple.fr');
  await page.context().addCookies([{ name: 'lang', value: 'en', url: baseURL! }]);
  await page.goto('/creation');
  await expect(page.getByRole('heading', { level: 1, name: 'Authoring' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Live' })).toBeVisible();
  await expect(page.getByText(/^(Release in service: no\. \d+|No release yet)/)).toBeVisible();
  await expect(page.locator('main')).not.toContainText('Épreuves par compétence');
});
