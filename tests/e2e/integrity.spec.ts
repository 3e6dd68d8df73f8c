/**
 * Integrity of a competence test, as a learner's browser sees it: every response of a full test (HTML
 * documents and the .data payloads of loaders and actions) is scanned for the solutions of the
 * competence's challenges — accepted answers, the solution explanations, and the keys that mark a
 * solution in a challenge body — before the answers are final. None may appear; the results page, at
 * the end, shows them (which also proves the scan can see them). Over HTTP: an answer to a challenge
 * that was not asked is refused with a French message, and the same answer sent twice counts once.
 */
import { expect, test, type Page, type Response } from '@playwright/test';
import pg from 'pg';
import { expectAccessible, waitForNextQuestion } from './helpers';

test.describe.configure({ timeout: 180_000 });

const COMPETENCE = '1.2';

interface Node {
  type?: string;
  text?: string;
  content?: Node[];
}
interface Body {
  instruction: Node;
  alternativeInstruction: Node | null;
  solutionExplanation: Node | null;
  answer: {
    type: string;
    proposals?: string[];
    template?: string;
    accepted?: string[] | string[][];
    fields?: { name: string; label: string; accepted?: string[] }[];
  };
}

function plain(node: Node | null | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.text ?? '';
  return (node.content ?? []).map(plain).join(node.type === 'doc' ? '\n' : ' ');
}

/** Every version of the competence's challenges in any release (a release published meanwhile changes nothing). */
async function competenceBodies(code: string): Promise<Body[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ body: Body }>(
      `select distinct on (v.id) v.body from "ReleaseChallenge" rc
         join "ChallengeVersion" v on v.id = rc."versionId"
         join "Skill" s on s.id = rc."skillId" join "Tube" t on t.id = s."tubeId" join "Competence" c on c.id = t."competenceId"
        where c.code = $1`,
      [code],
    );
    return rows.map((r) => r.body);
  } finally {
    await client.end();
  }
}

/** What a learner legitimately sees of a challenge: its wording, proposals, template and field labels. */
function visibleText(body: Body): string {
  const a = body.answer;
  return [plain(body.instruction), plain(body.alternativeInstruction), ...(a.proposals ?? []), a.template ?? '', ...(a.fields ?? []).map((f) => f.label)].join(
    '\n',
  );
}

/** The solution strings of a challenge that can be told apart from the rest of a page. */
function solutionNeedles(body: Body): string[] {
  const a = body.answer;
  const accepted = [
    ...(a.type === 'QROC' ? ((a.accepted ?? []) as string[]) : []),
    ...(a.type === 'QROCM-dep' ? ((a.accepted ?? []) as string[][]).flat() : []),
    ...(a.fields ?? []).flatMap((f) => f.accepted ?? []),
  ];
  const explanation = plain(body.solutionExplanation)
    .split(/(?<=[.!?:;])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 20);
  return [...accepted.filter((s) => s.trim().length >= 6 || (s.trim().length >= 4 && /\p{L}/u.test(s))), ...explanation];
}

/** Keys that only a challenge body with its solution holds (a learner view never has them). */
const SOLUTION_KEYS = /["\\]+(solutionExplanation|accepted|correct|tolerances)["\\]+/;

function decodeHtml(s: string): string {
  return s
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function forms(needle: string): string[] {
  return [needle, JSON.stringify(needle).slice(1, -1)];
}

interface Captured {
  url: string;
  status: number;
  body: string;
}

/** Records the body of every document and .data response of the page. */
function capture(page: Page): { all: () => Promise<Captured[]> } {
  const pending: Promise<Captured | null>[] = [];
  page.on('response', (response: Response) => {
    const type = response.request().resourceType();
    const url = response.url();
    if (type !== 'document' && !/\.data(\?|$)/.test(url)) return;
    pending.push(
      response
        .text()
        .then((body) => ({ url, status: response.status(), body }))
        .catch(() => null),
    );
  });
  return { all: async () => (await Promise.all(pending)).filter((c): c is Captured => c !== null) };
}

function leaks(responses: Captured[], needles: string[]): string[] {
  const found: string[] = [];
  for (const r of responses) {
    const text = `${r.body}\n${decodeHtml(r.body)}`;
    if (SOLUTION_KEYS.test(text)) found.push(`${r.url}: solution key ${SOLUTION_KEYS.exec(text)?.[1]}`);
    for (const needle of needles) if (forms(needle).some((f) => text.includes(f))) found.push(`${r.url}: « ${needle} »`);
  }
  return found;
}

async function hidden(page: Page, name: string): Promise<string> {
  return (await page.getByTestId('challenge').locator(`input[type=hidden][name="${name}"]`).getAttribute('value')) ?? '';
}

test(`no solution of competence ${COMPETENCE} reaches the browser before the answers are final`, async ({ page }) => {
  const bodies = await competenceBodies(COMPETENCE);
  expect(bodies.length).toBeGreaterThan(5);
  const responses = capture(page);

  // A fresh learner, and a baseline: what every page has anyway cannot be a leak.
  await page.goto('/inscription');
  await page.getByLabel('Prénom').fill('Intègre');
  await page.getByLabel('Nom', { exact: true }).fill('Scanner');
  await page.getByLabel('Adresse e-mail').fill(`integrite-${Date.now().toString(36)}@exemple.fr`);
  await page.getByLabel('Mot de passe').fill('Integrite-2026');
  await page.getByLabel(/J’accepte/).check();
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  await expect(page).toHaveURL(/\/profil$/);
  const baseline = (await responses.all()).map((r) => decodeHtml(r.body)).join('\n');
  const visible = bodies.map(visibleText).join('\n').toLowerCase();
  const needles = [...new Set(bodies.flatMap(solutionNeedles))].filter((n) => !visible.includes(n.toLowerCase()) && !baseline.includes(n));
  expect(needles.length).toBeGreaterThan(10);

  await page.getByRole('button', { name: `Commencer : compétence ${COMPETENCE}` }).click();
  const asked: string[] = [];
  let httpChecked = false;
  for (let n = 0; n < 25 && !page.url().includes('/resultats'); n++) {
    const challenge = page.getByTestId('challenge');
    await expect(challenge).toBeVisible();
    const id = (await challenge.getAttribute('data-challenge-id'))!;
    asked.push(id);
    // Before this answer is final, nothing seen so far holds any solution of the competence.
    expect(leaks(await responses.all(), needles)).toEqual([]);

    if (n === 1 && !httpChecked) {
      httpChecked = true;
      const csrf = await hidden(page, 'csrf');
      const assessmentId = await hidden(page, 'assessmentId');
      const url = `/competences/${COMPETENCE}/evaluation`;
      // A challenge that was not asked: refused, in French, and nothing moves.
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      const other = await client.query<{ id: string }>(
        `select c.id from "Challenge" c join "Skill" s on s.id = c."skillId" join "Tube" t on t.id = s."tubeId" join "Competence" k on k.id = t."competenceId"
          where k.code = $1 and c.status = 'valide' and not (c.id = any($2::text[])) limit 1`,
        [COMPETENCE, asked],
      );
      await client.end();
      const refused = await page.request.post(url, {
        form: { csrf, intent: 'answer', assessmentId, challengeId: other.rows[0]!.id, skipped: '1' },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(403);
      expect(await refused.text()).toContain('Cette question ne vous a pas été posée dans ce test : la réponse est refusée.');

      // The same answer twice (a double click, a retry): both lead to the same next question, it counts once.
      const form = { csrf, intent: 'answer', assessmentId, challengeId: id, skipped: '1' };
      const [first, second] = await Promise.all([page.request.post(url, { form, maxRedirects: 0 }), page.request.post(url, { form, maxRedirects: 0 })]);
      const retry = await page.request.post(url, { form, maxRedirects: 0 });
      for (const response of [first, second, retry]) expect([200, 302]).toContain(response.status());
      const nextOf = async (r: typeof first) => (r.status() === 302 ? r.headers()['location'] : /data-challenge-id="([^"]+)"/.exec(await r.text())?.[1]);
      const next = await nextOf(first);
      expect(await nextOf(second)).toBe(next);
      expect(await nextOf(retry)).toBe(next);
      // What these requests got back holds no solution either.
      const direct = await Promise.all(
        [refused, first, second, retry].map(async (r) => ({ url: `${r.url()} (request)`, status: r.status(), body: await r.text() })),
      );
      expect(leaks(direct, needles)).toEqual([]);
      await page.reload();
      if (page.url().includes('/resultats')) break;
      await expect(page.getByRole('heading', { level: 1, name: `Question ${n + 2}` })).toBeVisible();
      continue;
    }

    const previous = id;
    if (n % 3 === 2) {
      await page.getByRole('button', { name: 'Je passe' }).click();
    } else {
      const radios = challenge.getByRole('radio');
      const boxes = challenge.getByRole('checkbox');
      if ((await radios.count()) > 0) await radios.nth(n % (await radios.count())).check();
      if ((await boxes.count()) > 0) await boxes.first().check();
      const fields = challenge.locator('input[type=text], textarea');
      for (let i = 0; i < (await fields.count()); i++) await fields.nth(i).fill(`essai ${i}`);
      await page.getByRole('button', { name: 'Je valide' }).click();
    }
    await waitForNextQuestion(page, previous, () => page.url().includes('/resultats'));
  }

  // The end: the answers are final, and the results page shows the solutions. They came either with the
  // test's last answer (a page with JavaScript: its response brings the results) or with the results page.
  await expect(page).toHaveURL(new RegExp(`/competences/${COMPETENCE.replace('.', '\\.')}/resultats`));
  await expect(page.getByRole('heading', { level: 2, name: 'Réponses et tutoriels' })).toBeVisible();
  const all = await responses.all();
  const lastAnswer = all.filter((r) => r.url.includes('/evaluation.data')).at(-1);
  const results = all.filter((r) => r.url.includes('/resultats') || r === lastAnswer);
  expect(results.length).toBeGreaterThan(0);
  expect(leaks(results, needles).length).toBeGreaterThan(0);
  // And nothing else the learner's browser received holds a solution.
  expect(
    leaks(
      all.filter((r) => !results.includes(r)),
      needles,
    ),
  ).toEqual([]);
  await expectAccessible(page);
});
