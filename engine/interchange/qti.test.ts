import { describe, expect, it } from 'vitest';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../challenges';
import { challengeToQti, qtiToChallenge } from './qti';
import { parseXml, textOf } from './xml';

function withAnswer(instruction: string, answer: ChallengeBody['answer']): ChallengeBody {
  return { ...newChallengeBody(answer.type, ['Camille']), instruction: markdownLiteToDoc(instruction), answer };
}
const roundTrip = (b: ChallengeBody) => {
  const xml = challengeToQti('k-1', b)!;
  const back = qtiToChallenge(xml, ['Camille']);
  if (!back.ok) throw new Error(back.reason);
  return { xml, back: back.body };
};

describe('QTI 3.0', () => {
  it('exports a QCU as a choice interaction with its correct response, and imports it back', () => {
    const b = withAnswer('Quel **navigateur** est *libre* ? Voir [la page](https://fr.wikipedia.org/wiki/Firefox).\n\n- un\n- deux', {
      type: 'QCU',
      proposals: ['Firefox', 'Edge', 'Safari'],
      correct: 0,
      shuffle: true,
    });
    const { xml, back } = roundTrip(b);
    expect(xml).toContain('<qti-assessment-item xmlns="http://www.imsglobal.org/spec/qti/v3p0/ns" identifier="k-1"');
    expect(xml).toContain('<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">');
    expect(xml).toContain('<qti-correct-response><qti-value>CHOICE_1</qti-value></qti-correct-response>');
    expect(xml).toContain('<qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">');
    expect(back.answer).toEqual(b.answer);
    expect(back.instruction).toEqual(b.instruction);
  });

  it('round-trips a QCM (multiple cardinality) and a QROC (text entry, every accepted answer, format and tolerances)', () => {
    const qcm = withAnswer('Lesquels sont libres ?', { type: 'QCM', proposals: ['Firefox', 'Edge', 'LibreOffice'], correct: [0, 2], shuffle: false });
    expect(roundTrip(qcm).back.answer).toEqual(qcm.answer);
    const qroc = withAnswer('Quelle boisson ?', {
      type: 'QROC',
      template: 'Réponse : {{answer}} !',
      accepted: ['café', 'un café'],
      format: 'phrase',
      tolerances: ['T1', 'T3'],
    });
    const { xml, back } = roundTrip(qroc);
    expect(xml).toContain('<qti-text-entry-interaction response-identifier="RESPONSE"');
    expect(xml).toContain('<qti-map-entry map-key="un café" mapped-value="1" case-sensitive="false"/>');
    expect(back.answer).toEqual(qroc.answer);
    expect(back.instruction).toEqual(qroc.instruction);
  });

  it('escapes text and attributes: markup in content stays text', () => {
    const b = withAnswer('Que fait <script>alert("x")</script> & co ?', { type: 'QCU', proposals: ['a < b', '"c" & \'d\''], correct: 1, shuffle: true });
    const { xml, back } = roundTrip(b);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;');
    expect(back.answer).toEqual(b.answer);
    expect(textOf(parseXml(xml))).toContain('Que fait <script>alert("x")</script> & co ?');
  });

  it('offers no QTI export for QROCM', () => {
    expect(challengeToQti('k', newChallengeBody('QROCM-dep', ['C']))).toBeNull();
  });

  it('refuses what it does not understand, with a reason', () => {
    const refuse = (xml: string) => {
      const r = qtiToChallenge(xml, ['C']);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(refuse('<qti-assessment-item identifier="x"><qti-item-body>')).toMatch(/non fermé/);
    expect(refuse('<!DOCTYPE x><qti-assessment-item/>')).toMatch(/DOCTYPE/);
    expect(refuse('<assessmentItem identifier="x"/>')).toMatch(/qti-assessment-item/);
    expect(refuse('<qti-assessment-item identifier="x"><a>&nbsp;</a></qti-assessment-item>')).toMatch(/entité inconnue/);
    const base = challengeToQti('k', withAnswer('Q ?', { type: 'QCU', proposals: ['a', 'b'], correct: 0, shuffle: true }))!;
    expect(refuse(base.replace('<qti-value>CHOICE_1</qti-value>', '<qti-value>CHOICE_9</qti-value>'))).toMatch(/n’est pas une proposition/);
    expect(refuse(base.replace('qti-choice-interaction', 'qti-order-interaction').replace('</qti-choice-interaction>', '</qti-order-interaction>'))).toMatch(
      /interaction/,
    );
    expect(refuse(base.replace('cardinality="single"', 'cardinality="ordered"'))).toMatch(/cardinalité/);
    const qroc = challengeToQti('k', withAnswer('Q ?', { type: 'QROC', accepted: ['x'], format: 'mots', tolerances: [] }))!;
    expect(refuse(qroc.replace('data-pix-tolerances=""', 'data-pix-tolerances="T9"'))).toMatch(/tolérance T9/);
  });

  it('reads items written by other tools (qti-prompt, no pix attributes)', () => {
    const xml = `<?xml version="1.0"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/spec/qti/v3p0/ns" identifier="ext-1" title="Capitale" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="R" cardinality="single" base-type="string">
    <qti-correct-response><qti-value>Paris</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <p>Quelle est la capitale de la France ?</p>
    <p>Réponse : <qti-text-entry-interaction response-identifier="R" expected-length="10"/></p>
  </qti-item-body>
</qti-assessment-item>`;
    const r = qtiToChallenge(xml, ['Import']);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.body.answer).toEqual({ type: 'QROC', accepted: ['Paris'], format: 'mots', tolerances: ['T1', 'T2'] });
      expect(r.body.instruction).toEqual(markdownLiteToDoc('Quelle est la capitale de la France ?'));
    }
  });
});
