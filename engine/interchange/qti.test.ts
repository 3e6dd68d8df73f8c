import { describe, expect, it } from 'vitest';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../challenges';
import { challengeToQti, challengeToQtiItem, QtiFileError, qtiToChallenge } from './qti';
import { parseXml, textOf } from './xml';

function withAnswer(instruction: string, answer: ChallengeBody['answer']): ChallengeBody {
  return { ...newChallengeBody(answer.type, ['Camille']), instruction: markdownLiteToDoc(instruction), answer };
}
const roundTrip = (b: ChallengeBody) => {
  const { xml, extension } = challengeToQtiItem('k-1', b);
  const back = qtiToChallenge(xml, ['Camille'], { extension, timer: b.timer });
  if (!back.ok) throw new Error(back.reason);
  return { xml, back: back.body };
};
const refuse = (xml: string) => {
  try {
    const r = qtiToChallenge(xml, ['C']);
    return r.ok ? 'accepted' : r.reason;
  } catch (error) {
    if (error instanceof QtiFileError) return `fichier : ${error.message}`;
    throw error;
  }
};

describe('QTI 3.0 items', () => {
  it('exports a QCU as a choice interaction in the 1EdTech namespace, scored by match_correct, and imports it back', () => {
    const b = withAnswer('Quel **navigateur** est *libre* ? Voir [la page](https://fr.wikipedia.org/wiki/Firefox).\n\n- un\n- deux', {
      type: 'QCU',
      proposals: ['Firefox', 'Edge', 'Safari'],
      correct: 0,
      shuffle: true,
    });
    const { xml, back } = roundTrip(b);
    expect(xml).toContain('<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"');
    expect(xml).toContain('<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">');
    expect(xml).toContain('<qti-correct-response><qti-value>CHOICE_1</qti-value></qti-correct-response>');
    expect(xml).toContain('<qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">');
    expect(xml).toContain('template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"');
    expect(back).toEqual(b);
  });

  it('round-trips QCM, QROC and both QROCM with the extension; a loose QROC keeps its accepted answers', () => {
    const qcm = withAnswer('Lesquels sont libres ?', { type: 'QCM', proposals: ['Firefox', 'Edge', 'LibreOffice'], correct: [0, 2], shuffle: false });
    expect(roundTrip(qcm).back).toEqual(qcm);
    const qroc = withAnswer('Quelle boisson ?', {
      type: 'QROC',
      template: 'Réponse : {{answer}} !',
      accepted: ['café', 'un café'],
      format: 'phrase',
      tolerances: ['T1', 'T3'],
    });
    const { xml, back } = roundTrip(qroc);
    expect(xml).toContain('<qti-text-entry-interaction response-identifier="RESPONSE"/>');
    expect(xml).toContain('<qti-map-entry map-key="un café" mapped-value="1" case-sensitive="false"/>');
    expect(back).toEqual(qroc);
    const loose = qtiToChallenge(xml, ['C']);
    expect(loose.ok && loose.body.answer).toEqual({ type: 'QROC', accepted: ['café', 'un café'], format: 'mots', tolerances: ['T1', 'T2'] });
    const ind = withAnswer('Adresse sûre ?', {
      type: 'QROCM-ind',
      template: 'Protocole : {{proto}}\nPort : {{port}}',
      fields: [
        { name: 'proto', label: 'Protocole', accepted: ['https'] },
        { name: 'port', label: 'Port', accepted: ['443'], format: 'nombre' },
      ],
      tolerances: ['T1'],
    });
    expect(roundTrip(ind).back).toEqual(ind);
    const dep = withAnswer('Deux formats ouverts ?', {
      type: 'QROCM-dep',
      template: '{{a}} et {{b}}',
      fields: [
        { name: 'a', label: 'Premier' },
        { name: 'b', label: 'Second' },
      ],
      accepted: [['odt'], ['pdf'], ['png', 'PNG']],
      tolerances: ['T1'],
    });
    const depXml = roundTrip(dep);
    expect(depXml.back).toEqual(dep);
    // Without the extension (a loose item, no manifest) its response processing is not a standard template.
    expect(refuse(depXml.xml)).toMatch(/traitement de réponse personnalisé/);
  });

  it('escapes text and attributes: markup in content stays text', () => {
    const b = withAnswer('Que fait <script>alert("x")</script> & co ?', { type: 'QCU', proposals: ['a < b', '"c" & \'d\''], correct: 1, shuffle: true });
    const { xml, back } = roundTrip(b);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;');
    expect(back.answer).toEqual(b.answer);
    expect(textOf(parseXml(xml))).toContain('Que fait <script>alert("x")</script> & co ?');
  });

  it('refuses what it does not understand, with a reason', () => {
    expect(refuse('<qti-assessment-item identifier="x"><qti-item-body>')).toMatch(/^fichier : XML invalide/);
    expect(refuse('<!DOCTYPE x><qti-assessment-item/>')).toMatch(/DOCTYPE/);
    expect(refuse('<assessmentItem identifier="x"/>')).toMatch(/espace de noms \(absent\) inconnu/);
    expect(refuse('<qti-assessment-item identifier="x"><a>&nbsp;</a></qti-assessment-item>')).toMatch(/entité inconnue/);
    const base = challengeToQti('k', withAnswer('Q ?', { type: 'QCU', proposals: ['a', 'b'], correct: 0, shuffle: true }));
    expect(refuse(base.replace('<qti-value>CHOICE_1</qti-value>', '<qti-value>CHOICE_9</qti-value>'))).toMatch(/n’est pas une proposition/);
    expect(refuse(base.replaceAll('qti-choice-interaction', 'qti-order-interaction'))).toMatch(/interaction qti-order-interaction non prise en charge/);
    expect(refuse(base.replace('cardinality="single"', 'cardinality="ordered"'))).toMatch(/cardinalité/);
    expect(
      refuse(
        base.replace(
          /<qti-response-processing[^>]*\/>/,
          '<qti-response-processing><qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">1</qti-base-value></qti-set-outcome-value></qti-response-processing>',
        ),
      ),
    ).toMatch(/traitement de réponse personnalisé/);
  });

  it('reads items written by other tools (qti-prompt, no extension)', () => {
    const xml = `<?xml version="1.0"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="ext-1" title="Capitale" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="R" cardinality="single" base-type="string">
    <qti-correct-response><qti-value>Paris</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <p>Quelle est la capitale de la France ?</p>
    <p>Réponse : <qti-text-entry-interaction response-identifier="R" expected-length="10"/></p>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct"/>
</qti-assessment-item>`;
    const r = qtiToChallenge(xml, ['Import']);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.body.answer).toEqual({ type: 'QROC', accepted: ['Paris'], format: 'mots', tolerances: ['T1', 'T2'] });
      expect(r.body.instruction).toEqual(markdownLiteToDoc('Quelle est la capitale de la France ?'));
    }
  });
});

describe('QTI 2.1 items', () => {
  it('reads the match_correct template written out in full, as TAO exports it', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="i2" title="Clé" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>B</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>Quelle touche copie ?</prompt>
      <simpleChoice identifier="A">Ctrl+V</simpleChoice>
      <simpleChoice identifier="B">Ctrl+C</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf>
        <match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1.0</baseValue></setOutcomeValue>
      </responseIf>
      <responseElse>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0.0</baseValue></setOutcomeValue>
      </responseElse>
    </responseCondition>
  </responseProcessing>
</assessmentItem>`;
    const r = qtiToChallenge(xml, ['X']);
    expect(r.ok && r.body.answer).toEqual({ type: 'QCU', proposals: ['Ctrl+V', 'Ctrl+C'], correct: 1, shuffle: true });
    expect(refuse(xml.replace('<baseValue baseType="float">1.0</baseValue>', '<baseValue baseType="float">2.0</baseValue>'))).toMatch(/personnalisé/);
  });
});
