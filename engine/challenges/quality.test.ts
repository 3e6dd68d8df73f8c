import { describe, expect, it } from 'vitest';
import { newChallengeBody } from './body';
import { markdownLiteToDoc } from './richtext';
import { bodyLinks, blockingMessages, containsPhrase, externalImageSources, normaliseUrl, qualityReport, replaceImageSource } from './quality';
import type { ChallengeBody, RichDoc } from './model';
import { loadContent } from '../../content/load';

function qroc(instruction: string, accepted = ['café'], extra: Partial<ChallengeBody> = {}): ChallengeBody {
  return {
    ...newChallengeBody('QROC', ['Camille']),
    instruction: markdownLiteToDoc(instruction),
    answer: { type: 'QROC', accepted, format: 'mots', tolerances: ['T1'] },
    ...extra,
  };
}
function qcu(instruction: string, proposals: string[], correct: number): ChallengeBody {
  return { ...newChallengeBody('QCU', ['Camille']), instruction: markdownLiteToDoc(instruction), answer: { type: 'QCU', proposals, correct, shuffle: true } };
}
const image = (alt: string): RichDoc => ({
  type: 'doc',
  content: [
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Voir :' },
        { type: 'image', attrs: { src: 'https://exemple.fr/a.png', alt } },
      ],
    },
  ],
});
const link = (href: string): RichDoc => ({
  type: 'doc',
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Lisez la page', marks: [{ type: 'link', attrs: { href } }] }] }],
});
const checks = (b: ChallengeBody, dead: string[] = []) => qualityReport(b, dead).problems.map((p) => [p.check, p.blocking]);

describe('quality checks', () => {
  it('passes a clean challenge, with every check in the checklist', () => {
    const r = qualityReport(qroc('Quelle boisson chaude est faite avec des grains torréfiés ?'));
    expect(r.problems).toEqual([]);
    expect(r.blocking).toBe(false);
    // A QROC without an embedded page: neither the QCU check nor the embedded page's title is listed.
    expect(r.checklist.map((c) => c.check)).toEqual(['altText', 'externalImage', 'emptyLink', 'deadLink', 'acceptedAnswer', 'giveaway']);
    expect(r.checklist.every((c) => c.ok)).toBe(true);
  });

  it('lists only the checks that concern the challenge’s type', () => {
    const list = (b: ChallengeBody) => qualityReport(b).checklist.map((c) => c.check);
    expect(list(qcu('Quelle couleur ?', ['rouge', 'vert'], 0))).toContain('qcuOneCorrect');
    expect(list(qcu('Quelle couleur ?', ['rouge', 'vert'], 0))).not.toContain('acceptedAnswer');
    expect(list(qroc('Quelle boisson ?'))).not.toContain('qcuOneCorrect');
    const qcm: ChallengeBody = {
      ...qcu('Quelles couleurs ?', ['rouge', 'vert', 'bleu'], 0),
      answer: { type: 'QCM', proposals: ['rouge', 'vert', 'bleu'], correct: [0, 1], shuffle: true },
    };
    expect(list(qcm)).not.toContain('qcuOneCorrect');
    expect(list(qroc('Quelle boisson ?', ['café'], { embed: { url: 'https://exemple.fr/s', title: 'Simulateur', height: 400 } }))).toContain('embedTitle');
  });

  it('never says links answer without a check: unchecked addresses are listed, dead ones block, checked ones pass', () => {
    const body = qroc('Quelle boisson ?', ['café'], {
      solutionExplanation: link('https://exemple.fr/page'),
      illustration: { url: 'https://images.exemple.fr/tasse.png', alt: 'Une tasse' },
    });
    const entry = (r: ReturnType<typeof qualityReport>) => r.checklist.find((c) => c.check === 'deadLink')!;
    // Nothing known: not verified (ok only means no dead link was found).
    expect(entry(qualityReport(body))).toEqual({
      check: 'deadLink',
      ok: true,
      blocking: false,
      unchecked: ['https://exemple.fr/page', 'https://images.exemple.fr/tasse.png'],
    });
    // Both checked, one dead (the illustration): blocking, nothing left unchecked.
    const r = qualityReport(body, { dead: ['https://images.exemple.fr/tasse.png'], checked: ['https://exemple.fr/page/'] });
    expect(entry(r)).toEqual({ check: 'deadLink', ok: false, blocking: true });
    expect(r.problems.find((p) => p.check === 'deadLink')!.message).toBe(
      'Illustration : l’image https://images.exemple.fr/tasse.png ne répond plus (dernière vérification des liens).',
    );
    expect(entry(qualityReport(body, { dead: [], checked: ['https://exemple.fr/page', 'https://images.exemple.fr/tasse.png'] }))).toEqual({
      check: 'deadLink',
      ok: true,
      blocking: false,
    });
  });

  it('blocks images without alternative text (rich text and illustration) and warns on a file name as alt', () => {
    expect(checks(qroc('x', ['café'], { instruction: image('') }))).toEqual([
      ['altText', true],
      ['externalImage', false],
    ]);
    expect(checks(qroc('Quelle boisson ?', ['café'], { illustration: { url: '/pieces-jointes/a', alt: ' ' } }))).toEqual([['altText', true]]);
    expect(checks(qroc('x', ['café'], { solutionExplanation: image('photo.jpg') }))).toEqual([
      ['altText', false],
      ['externalImage', false],
    ]);
  });

  it('warns on images served by another host and puts an attachment in their place', () => {
    const body = qroc('Quelle boisson ?', ['café'], { instruction: image('Une tasse'), illustration: { url: 'https://exemple.fr/a.png', alt: 'Tasse' } });
    expect(externalImageSources(body)).toEqual(['https://exemple.fr/a.png']);
    const report = qualityReport(body);
    expect(report.problems).toEqual([
      expect.objectContaining({ check: 'externalImage', blocking: false, message: expect.stringContaining('https://exemple.fr/a.png') }),
    ]);
    expect(report.blocking).toBe(false);
    const copied = replaceImageSource(body, 'https://exemple.fr/a.png', '/pieces-jointes/abc');
    expect(externalImageSources(copied)).toEqual([]);
    expect(copied.illustration?.url).toBe('/pieces-jointes/abc');
    expect(JSON.stringify(copied.instruction)).toContain('"src":"/pieces-jointes/abc"');
    expect(JSON.stringify(copied.instruction)).toContain('"alt":"Une tasse"');
    expect(qualityReport(copied).problems).toEqual([]);
  });

  it('blocks empty links and links known dead (normalised), including the embedded page', () => {
    expect(checks(qroc('x', ['café'], { instruction: link('') }))).toEqual([['emptyLink', true]]);
    expect(checks(qroc('x', ['café'], { instruction: link('https://Exemple.fr/page/#haut') }), ['https://exemple.fr/page'])).toEqual([['deadLink', true]]);
    expect(checks(qroc('x', ['café'], { instruction: link('https://exemple.fr/vivante') }), ['https://exemple.fr/page'])).toEqual([]);
    const embed = { url: 'https://outil.fr/', title: 'Outil', height: 400 };
    expect(checks(qroc('Quelle boisson ?', ['café'], { embed }), ['https://outil.fr'])).toEqual([['deadLink', true]]);
    expect(bodyLinks(qroc('x', ['café'], { instruction: link('https://a.fr'), embed }))).toEqual(['https://a.fr', 'https://outil.fr/']);
    expect(normaliseUrl('HTTPS://A.fr/x/#y')).toBe('https://a.fr/x');
  });

  it('blocks an embedded page without a title', () => {
    expect(checks(qroc('Quelle boisson ?', ['café'], { embed: { url: 'https://outil.fr', title: '  ', height: 400 } }))).toEqual([['embedTitle', true]]);
  });

  it('requires exactly one correct QCU proposal', () => {
    expect(checks(qcu('Quel navigateur est libre ?', ['Firefox', 'Edge', 'Safari'], 0))).toEqual([]);
    expect(checks(qcu('Quel navigateur est libre ?', ['Firefox', 'Edge'], 5))).toEqual([['qcuOneCorrect', true]]);
    expect(checks(qcu('Quel navigateur est libre ?', ['Firefox', 'Edge', ' FIREFOX '], 0))).toEqual([['qcuOneCorrect', true]]);
  });

  it('requires accepted answers for QROC, QROCM-ind fields and QROCM-dep groups', () => {
    expect(checks(qroc('Quelle boisson ?', [' ']))).toEqual([['acceptedAnswer', true]]);
    const ind: ChallengeBody = { ...newChallengeBody('QROCM-ind', ['C']), instruction: markdownLiteToDoc('Complétez.') };
    expect(checks(ind)).toEqual([
      ['acceptedAnswer', true],
      ['acceptedAnswer', true],
    ]);
    const dep: ChallengeBody = { ...newChallengeBody('QROCM-dep', ['C']), instruction: markdownLiteToDoc('Complétez.') };
    dep.answer = { ...(dep.answer as Extract<ChallengeBody['answer'], { type: 'QROCM-dep' }>), accepted: [['pdf'], []] };
    expect(qualityReport(dep).problems.map((p) => p.field)).toEqual(['answer.groups.1']);
  });

  it('finds an instruction that gives its answer away (normalised, whole words)', () => {
    expect(checks(qroc('Le Café est une boisson : quelle boisson chaude est faite avec des grains ?'))).toEqual([['giveaway', false]]);
    expect(checks(qroc('Quelle boisson ? (pas un cafétéria)'))).toEqual([]); // not a whole word
    expect(checks(qcu('Choisissez le bon navigateur, par exemple FIREFOX.', ['Firefox', 'Edge', 'Safari'], 0))).toEqual([['giveaway', true]]);
    // A wrong proposal is quoted too: the reviewer judges (warning).
    expect(checks(qcu('Firefox ou Edge : lequel est libre ?', ['Firefox', 'Edge', 'Safari'], 0))).toEqual([['giveaway', false]]);
    // Listing every proposal in the instruction is not giving the answer away.
    expect(checks(qcu('Entre Firefox, Edge et Safari, lequel est libre ?', ['Firefox', 'Edge', 'Safari'], 0))).toEqual([]);
    // Too short to mean anything.
    expect(checks(qroc('Combien font 1 + 1 ? Écrivez 2 en chiffres.', ['2']))).toEqual([]);
    expect(containsPhrase('Les fichiers « PDF » sont…', 'pdf')).toBe(true);
  });

  it('lists the blocking messages in French', () => {
    const r = qualityReport(qroc('Quelle boisson ?', [], { embed: { url: 'https://o.fr', title: '', height: 300 } }));
    expect(blockingMessages(r)).toEqual(['Page intégrée : elle n’a pas de titre (lu par les lecteurs d’écran).', 'QROC : aucune réponse acceptée.']);
  });

  it('the starter content pack has no blocking problem (so its challenges can be validated again)', () => {
    const content = loadContent();
    const blocking = content.thematics
      .flatMap((t) => t.tubes.flatMap((u) => u.skills.flatMap((s) => s.challenges)))
      .flatMap((c) =>
        qualityReport(c.body)
          .problems.filter((p) => p.blocking)
          .map((p) => `${c.key}: ${p.message}`),
      );
    expect(blocking).toEqual([]);
  });
});
