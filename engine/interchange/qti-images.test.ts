/**
 * Images inside choice proposals through QTI: a foreign QTI 3.0 package and a QTI 2.1 one (written by hand,
 * tests/fixtures/qti/image-choices-*) keep each choice's image and its alternative text, with the file from
 * the package; export writes them back as <img> with the file in the package, and reading that back gives
 * the same proposals.
 */
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { fixtureFiles, fixturePackage } from '../../tests/fixtures/qti';
import { proposalParts } from '../challenges';
import { mapBodyUrls } from './pack';
import { PACKAGE_URL_PREFIX, readQtiPackage, writeQtiPackage } from './qti-package';

describe('images in choice proposals', () => {
  it('keeps a QTI 3.0 choice’s image and alt text, with the file from the package', () => {
    const read = readQtiPackage(fixturePackage('image-choices-qti3'), ['X']);
    expect(read.refused).toEqual([]);
    const [item] = read.items;
    expect(item!.body.answer).toMatchObject({
      type: 'QCU',
      correct: 0,
      proposals: [
        `![Cadenas fermé](${PACKAGE_URL_PREFIX}images/cadenas-ferme.png)`,
        `![Cadenas ouvert barré](${PACKAGE_URL_PREFIX}images/cadenas-ouvert.png) (souvent en rouge)`,
        'Aucune icône',
      ],
    });
    const files = fixtureFiles('image-choices-qti3');
    expect(read.media.get('images/cadenas-ferme.png')).toEqual(files.get('images/cadenas-ferme.png'));
    expect(read.media.get('images/cadenas-ouvert.png')).toEqual(files.get('images/cadenas-ouvert.png'));
  });

  it('keeps a QTI 2.1 <simpleChoice><img …/></simpleChoice> the same way', () => {
    const read = readQtiPackage(fixturePackage('image-choices-qti21'), ['X']);
    expect(read.refused).toEqual([]);
    expect(read.items[0]!.body.answer).toMatchObject({
      type: 'QCU',
      proposals: [`![Barre d’adresse commençant par https](${PACKAGE_URL_PREFIX}items/i2207/media/https.png)`, 'http://banque.exemple'],
    });
    expect(read.media.has('items/i2207/media/https.png')).toBe(true);
  });

  it('writes proposal images back as <img> with their files, and reads them back identical', () => {
    const read = readQtiPackage(fixturePackage('image-choices-qti3'), ['X']);
    // As stored by the workbench: the package files became attachments.
    const attachment = (p: string) =>
      `/pieces-jointes/${p.endsWith('ferme.png') ? '11111111-1111-1111-1111-111111111111' : '22222222-2222-2222-2222-222222222222'}`;
    const stored = mapBodyUrls(read.items[0]!.body, (url) => (url.startsWith(PACKAGE_URL_PREFIX) ? attachment(url) : url));
    const answer = stored.answer as { proposals: string[] };
    expect(proposalParts(answer.proposals[0]!)).toEqual([{ kind: 'image', src: attachment('ferme.png'), alt: 'Cadenas fermé' }]);
    const media = [...read.media].map(([path, bytes]) => ({ url: attachment(path), name: path.split('/').pop()!, bytes }));
    const zip = writeQtiPackage([{ key: 'cadenas', body: stored }], media);
    const files = unzipSync(zip);
    const itemPath = Object.keys(files).find((f) => f.startsWith('items/'))!;
    const xml = new TextDecoder().decode(files[itemPath]);
    expect(xml).toMatch(/<qti-simple-choice identifier="CHOICE_1"><img src="\.\.\/media\/\d+-cadenas-ferme\.png" alt="Cadenas fermé"\/><\/qti-simple-choice>/);
    const manifest = new TextDecoder().decode(files['imsmanifest.xml']);
    const written = Object.keys(files).filter((f) => f.startsWith('media/'));
    expect(written).toHaveLength(2);
    for (const f of written) expect(manifest).toContain(`href="${f}"`);
    expect(files[written.find((f) => f.endsWith('cadenas-ferme.png'))!]).toEqual(fixtureFiles('image-choices-qti3').get('images/cadenas-ferme.png'));

    const again = readQtiPackage(zip, ['X']);
    const back = mapBodyUrls(again.items[0]!.body, (url) => {
      const path = url.slice(PACKAGE_URL_PREFIX.length);
      return url.startsWith(PACKAGE_URL_PREFIX) ? attachment(path) : url;
    });
    expect(back.answer).toEqual(stored.answer);
  });
});
