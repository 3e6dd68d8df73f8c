/**
 * Right and wrong answers in a browser test. The solution is read here, in the test's own process, from
 * the database the workbench runs on (DATABASE_URL, set by `npm run test:e2e`): the frozen version of the
 * challenge in the test's release and the shuffle it was asked with. Nothing of it goes through the
 * learner's page, which only ever receives the redacted view; the test fills the form as a learner who
 * knows (or does not know) the answer would.
 */
import { expect, type Page } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { redactForLearner, type AnswerSpec } from '../../engine/challenges';
import { parsePresentation } from '../../app/models/answer.server';
import { storedBodyOf } from '../../app/models/challenge-body.server';
import { waitForNextQuestion } from './helpers';

let client: PrismaClient | null = null;

/** The test's own connection to the workbench's database. */
export function testDatabase(): PrismaClient {
  client ??= createPrisma(process.env.DATABASE_URL!);
  return client;
}

/** A text that no accepted answer of the starter content is close to (not even with one typo in four). */
const WRONG_TEXT = 'zqxw';

/** What to put in the form: the proposals to tick (displayed order) and the text of each field. */
interface FormFill {
  choices: number[];
  value: string | null;
  fields: Record<string, string>;
}

/** How to answer `spec` right or wrong, with the proposals shown in `permutation`'s order (displayed → original). */
export function formFill(spec: AnswerSpec, permutation: readonly number[] | null, right: boolean): FormFill {
  const displayed = (original: number) => (permutation ? permutation.indexOf(original) : original);
  const fill: FormFill = { choices: [], value: null, fields: {} };
  switch (spec.type) {
    case 'QCU': {
      const wrong = spec.proposals.findIndex((_, i) => i !== spec.correct);
      fill.choices = [displayed(right ? spec.correct : wrong)];
      break;
    }
    case 'QCM': {
      const wrong = spec.proposals.findIndex((_, i) => !spec.correct.includes(i));
      fill.choices = right ? spec.correct.map(displayed) : [displayed(wrong >= 0 ? wrong : (spec.correct[0] as number))];
      break;
    }
    case 'QROC':
      fill.value = right ? (spec.accepted[0] as string) : WRONG_TEXT;
      break;
    case 'QROCM-ind':
      for (const f of spec.fields) fill.fields[f.name] = right ? (f.accepted?.[0] ?? '') : WRONG_TEXT;
      break;
    case 'QROCM-dep':
      spec.fields.forEach((f, i) => (fill.fields[f.name] = right ? (spec.accepted[i]?.[0] ?? '') : WRONG_TEXT));
      break;
  }
  return fill;
}

/** The right/wrong form fill of the question on screen, read from the database. */
async function fillFor(page: Page, right: boolean): Promise<{ challengeId: string; fill: FormFill }> {
  const challenge = page.getByTestId('challenge');
  const challengeId = (await challenge.getAttribute('data-challenge-id'))!;
  const assessmentId = await challenge.locator('input[name=assessmentId]').inputValue();
  const db = testDatabase();
  const asked = await db.assessmentChallenge.findUniqueOrThrow({
    where: { assessmentId_challengeId: { assessmentId, challengeId } },
    select: { presentation: true, assessment: { select: { releaseId: true } } },
  });
  const frozen = await db.releaseChallenge.findUniqueOrThrow({
    where: { releaseId_challengeId: { releaseId: asked.assessment.releaseId!, challengeId } },
    select: { version: { select: { id: true, body: true } } },
  });
  const body = storedBodyOf(frozen.version);
  const presentation = parsePresentation(asked.presentation, assessmentId, challengeId);
  const permutation = presentation.permutation ?? redactForLearner(body, presentation.shuffleSeed).permutation;
  return { challengeId, fill: formFill(body.answer, permutation, right) };
}

/**
 * Answers the question on screen right or wrong, as the learner would (ticking, typing, « Je valide »),
 * and waits for the next question or for `ended`. Returns the id of the challenge answered.
 */
export async function answerQuestion(page: Page, right: boolean, ended: () => boolean | Promise<boolean>): Promise<string> {
  const { challengeId, fill } = await fillFor(page, right);
  const form = page.getByTestId('challenge');
  for (const index of fill.choices) await form.locator(`input[name=choice][value="${index}"], input[name=choices][value="${index}"]`).check();
  if (fill.value !== null) await form.locator('[name=value]').fill(fill.value);
  for (const [name, text] of Object.entries(fill.fields)) await form.locator(`[name="field.${name}"]`).fill(text);
  await page.getByRole('button', { name: 'Je valide' }).click();
  await waitForNextQuestion(page, challengeId, ended);
  return challengeId;
}

/** The results recorded for the answers of an assessment, in the order they were given. */
export async function recordedResults(assessmentId: string): Promise<string[]> {
  const answers = await testDatabase().answer.findMany({ where: { assessmentId }, orderBy: { id: 'asc' }, select: { result: true } });
  return answers.map((a) => a.result);
}

/** Every recorded answer of the assessment is `result` (the helper answered as intended). */
export async function expectAllResults(assessmentId: string, result: 'ok' | 'ko'): Promise<void> {
  const results = await recordedResults(assessmentId);
  expect(results.length).toBeGreaterThan(0);
  expect(results.every((r) => r === result)).toBe(true);
}
