import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { loadContent } from '../../content/load';
import { fixtureFiles, fixturePackage, zipFiles } from '../../tests/fixtures/qti';
import { PACKAGE_URL_PREFIX, readQtiPackage, writeQtiPackage } from './qti-package';
import { PackageError } from './zip';

function starterChallenges() {
  return loadContent().thematics.flatMap((t) => t.tubes.flatMap((u) => u.skills.flatMap((s) => s.challenges)));
}

function refusal(bytes: Uint8Array): PackageError {
  try {
    readQtiPackage(bytes, ['X']);
  } catch (error) {
    if (error instanceof PackageError) return error;
    throw error;
  }
  throw new Error('accepted');
}

const withFile = (name: string, text: string) => {
  const files = fixtureFiles('other-tool-qti3') as Map<string, Uint8Array | string>;
  files.set(name, text);
  return zipFiles(files);
};

describe('QTI 3.0 packages', () => {
  it('round-trips the starter content: every challenge of all five types comes back identical', () => {
    const challenges = starterChallenges();
    expect(new Set(challenges.map((c) => c.type))).toEqual(new Set(['QCU', 'QCM', 'QROC', 'QROCM-ind', 'QROCM-dep']));
    const zip = writeQtiPackage(challenges.map((c) => ({ key: c.key, body: c.body })));
    const files = unzipSync(zip);
    const manifest = new TextDecoder().decode(files['imsmanifest.xml']);
    expect(manifest).toContain('<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"');
    expect(manifest).toContain('<schema>QTI Package</schema><schemaversion>3.0.0</schemaversion>');
    expect(manifest).toContain('type="imsqti_item_xmlv3p0"');
    const anItem = new TextDecoder().decode(files[Object.keys(files).find((f) => f.startsWith('items/'))!]);
    expect(anItem).toContain('<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"');
    const read = readQtiPackage(zip, ['Autre']);
    expect(read.refused).toEqual([]);
    expect(read.items).toHaveLength(challenges.length);
    const byKey = new Map(read.items.map((i) => [i.key, i.body]));
    for (const c of challenges) expect(byKey.get(c.key), c.key).toEqual(c.body);
  });

  it('keeps timers as time limits, solutions as modal feedback and media files inside the package', () => {
    const c = starterChallenges().find((x) => x.type === 'QCU')!;
    const body = {
      ...c.body,
      timer: 75,
      instruction: {
        type: 'doc' as const,
        content: [{ type: 'paragraph', content: [{ type: 'image', attrs: { src: '/pieces-jointes/abc', alt: 'Capture' } }] }],
      },
      illustration: { url: '/pieces-jointes/ill', alt: 'Illustration' },
    };
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const zip = writeQtiPackage(
      [{ key: 'k1', body }],
      [
        { url: '/pieces-jointes/abc', name: 'capture écran.png', bytes: png },
        { url: '/pieces-jointes/ill', name: 'ill.png', bytes: png },
      ],
    );
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['media/001-capture_cran.png', 'media/002-ill.png', 'tests/test.xml']));
    const test = new TextDecoder().decode(files['tests/test.xml']);
    expect(test).toContain('<qti-time-limits max-time="75" allow-late-submission="false"/>');
    const item = new TextDecoder().decode(files['items/k1.xml']);
    expect(item).toContain('<img src="../media/001-capture_cran.png" alt="Capture"/>');
    expect(item).toContain('show-hide="hide"');
    const read = readQtiPackage(zip, ['X']);
    expect(read.items[0]!.body.timer).toBe(75);
    expect(read.items[0]!.body.illustration).toEqual({ url: `${PACKAGE_URL_PREFIX}media/002-ill.png`, alt: 'Illustration' });
    expect([...read.media.keys()].sort()).toEqual(['media/001-capture_cran.png', 'media/002-ill.png']);
  });

  it('imports a package made by another tool: the choice items (match_correct with and without .xml) and the text entry, and reports the match item', () => {
    const read = readQtiPackage(fixturePackage('other-tool-qti3'), ['Inès']);
    expect(read.items.map((i) => [i.identifier, i.body.answer.type])).toEqual([
      ['choice-browser', 'QCU'],
      ['choice-formats', 'QCM'],
      ['text-capital', 'QROC'],
    ]);
    expect(read.refused).toEqual([
      { identifier: 'match-pairs', file: 'items/match-pairs.xml', reason: expect.stringMatching(/interaction qti-match-interaction non prise en charge/) },
    ]);
    const [browser, formats, capital] = read.items.map((i) => i.body);
    expect(browser!.answer).toEqual({ type: 'QCU', proposals: ['Firefox', 'Edge', 'Safari'], correct: 0, shuffle: false });
    expect(JSON.stringify(browser!.instruction)).toContain(`${PACKAGE_URL_PREFIX}images/logo.png`);
    expect(JSON.stringify(browser!.instruction)).toContain('logiciel libre');
    expect(read.media.has('images/logo.png')).toBe(true);
    expect(formats!.answer).toEqual({ type: 'QCM', proposals: ['ODT', 'DOC', 'PNG'], correct: [0, 2], shuffle: true });
    expect(capital!.answer).toEqual({ type: 'QROC', accepted: ['pdf', '.pdf'], format: 'mots', tolerances: ['T1', 'T2'] });
    expect(capital!.authors).toEqual(['Inès']);
  });

  it('reads a QTI 2.1 package exported by TAO (assessmentItem, camelCase)', () => {
    const read = readQtiPackage(fixturePackage('tao-qti21'), ['X']);
    expect(read.refused).toEqual([]);
    expect(read.items[0]).toMatchObject({ identifier: 'i1580', title: 'Mot de passe robuste' });
    expect(read.items[0]!.body.answer).toEqual({
      type: 'QCU',
      proposals: ['azerty123', 'Tr0ub4dor&3-cheval-agrafe', 'motdepasse'],
      correct: 1,
      shuffle: false,
    });
    expect(JSON.stringify(read.items[0]!.body.instruction)).toContain('Lequel de ces mots de passe est le plus robuste\u00a0?');
  });
});

describe('bad packages are refused whole, naming the file', () => {
  it('a zip without manifest', () => {
    const files = fixtureFiles('other-tool-qti3');
    files.delete('imsmanifest.xml');
    expect(refusal(zipFiles(files)).message).toMatch(/^imsmanifest\.xml : absent/);
  });

  it('a manifest naming a missing file', () => {
    const files = fixtureFiles('other-tool-qti3');
    files.delete('items/text-capital.xml');
    expect(refusal(zipFiles(files)).message).toBe('imsmanifest.xml : le fichier « items/text-capital.xml » de la ressource text-capital est absent du paquet');
  });

  it('paths escaping the package, in the zip, the manifest or an item', () => {
    const manifest = new TextDecoder().decode(fixtureFiles('other-tool-qti3').get('imsmanifest.xml'));
    expect(refusal(withFile('imsmanifest.xml', manifest.replaceAll('images/logo.png', '../../etc/passwd'))).message).toMatch(
      /« \.\.\/\.\.\/etc\/passwd » sort du paquet/,
    );
    const item = new TextDecoder().decode(fixtureFiles('other-tool-qti3').get('items/choice-browser.xml'));
    expect(refusal(withFile('items/choice-browser.xml', item.replace('../images/logo.png', '../../logo.png'))).message).toMatch(
      /^items\/choice-browser\.xml : .*sort du paquet/,
    );
    const evil = zipSync({ '../evil.xml': strToU8('<x/>'), 'imsmanifest.xml': strToU8('<x/>') });
    expect(refusal(evil).message).toMatch(/sort du paquet/);
  });

  it('a 200 MB package is refused by its size before inflating, and a small one that declares a huge content too', () => {
    expect(refusal(new Uint8Array(200 * 1024 * 1024)).message).toMatch(/dépasse 20 Mo \(200 Mo\)/);
    const zip = zipSync({ 'imsmanifest.xml': [strToU8('<manifest/>'), { level: 0 }] });
    const view = new DataView(zip.buffer);
    // Declared uncompressed size in the local header (offset 22) and the central directory (offset 24).
    view.setUint32(22, 150 * 1024 * 1024, true);
    const central = zip.findIndex((b, i) => b === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2);
    view.setUint32(central + 24, 150 * 1024 * 1024, true);
    expect(refusal(zip).message).toMatch(/imsmanifest\.xml : fichier de 150 Mo une fois décompressé/);
  });

  it('an XML bomb (DOCTYPE with entities) in the manifest or an item', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>';
    expect(refusal(withFile('imsmanifest.xml', bomb)).message).toMatch(
      /^imsmanifest\.xml : XML invalide \(ligne 1\) : les déclarations DOCTYPE et ENTITY ne sont pas acceptées/,
    );
    expect(refusal(withFile('items/text-capital.xml', bomb.replaceAll('manifest', 'qti-assessment-item'))).message).toMatch(
      /^items\/text-capital\.xml : XML invalide.*DOCTYPE/,
    );
  });

  it('an unknown namespace', () => {
    const item = new TextDecoder().decode(fixtureFiles('other-tool-qti3').get('items/text-capital.xml'));
    expect(refusal(withFile('items/text-capital.xml', item.replace('http://www.imsglobal.org/xsd/imsqtiasi_v3p0', 'http://example.org/qti'))).message).toBe(
      'items/text-capital.xml : espace de noms http://example.org/qti inconnu : QTI 3.0 attendu (http://www.imsglobal.org/xsd/imsqtiasi_v3p0)',
    );
    const manifest = new TextDecoder().decode(fixtureFiles('other-tool-qti3').get('imsmanifest.xml'));
    expect(
      refusal(withFile('imsmanifest.xml', manifest.replace('xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"', 'xmlns="urn:autre"'))).message,
    ).toMatch(/^imsmanifest\.xml : espace de noms urn:autre inconnu/);
  });
});
