/**
 * The security headers as a browser gets them (scripts/http-security.ts): a Content-Security-Policy
 * with a fresh nonce per page on every inline script, the same headers on /build assets and public
 * files, and pages that still work under it (hydration, the rich-text editor) with no violation
 * reported in the console.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectNoCspViolation, signIn, watchCsp } from './helpers';

test.afterEach(() => expectNoCspViolation());

test('every response carries the policy; each page has its own nonce, on every script', async ({ page }) => {
  watchCsp(page);
  const first = await page.goto('/connexion');
  const headers = first!.headers();
  const policy = headers['content-security-policy']!;
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  for (const directive of ["object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'", "form-action 'self'"]) expect(policy).toContain(directive);
  expect(headers['permissions-policy']).toContain('camera=()');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  // Plain HTTP without COOKIE_SECURE: no HSTS.
  expect(headers['strict-transport-security']).toBeUndefined();
  const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
  const html = await first!.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  const second = await page.request.get('/connexion');
  expect(second.headers()['content-security-policy']).not.toContain(nonce);

  // Assets and public files, served before Remix, get the same headers.
  const asset = /\/build\/[^"]+\.js/.exec(html)![0];
  for (const url of [asset, '/favicon.svg']) {
    const res = await page.request.get(url);
    expect(res.status(), url).toBe(200);
    expect(res.headers()['content-security-policy'], url).toContain("object-src 'none'");
    expect(res.headers()['x-frame-options'], url).toBe('SAMEORIGIN');
    expect(res.headers()['permissions-policy'], url).toContain('camera=()');
  }
});

test('the app runs under the policy: sign-in, navigation and the rich-text editor', async ({ page }) => {
  watchCsp(page);
  await signIn(page, 'autrice@exemple.fr');
  const pack = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'content', 'pack', '5.2.json'), 'utf8')) as {
    thematics: { tubes: { name: string; skills: { level: number; status: string }[] }[] }[];
  };
  const tube = pack.thematics[0]!.tubes[0]!;
  const skill = `${tube.name}${tube.skills.find((s) => s.status === 'actif')!.level}`;
  await page.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(skill)}`);
  // tiptap mounts only once the scripts ran (hydration under the nonce).
  const editor = page.getByRole('textbox', { name: 'Consigne', exact: true });
  await expect(editor).toBeVisible();
  await editor.click();
  await editor.pressSequentially('Sous la politique de sécurité');
  await expect(editor).toContainText('Sous la politique de sécurité');
  // A client-side navigation (Remix data over fetch) still works.
  await page.getByRole('link', { name: 'Création', exact: true }).first().click();
  await expect(page).toHaveURL(/\/creation$/);
});
