import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { certificatePdf } from './certificate-pdf.server';
import type { CertificateView } from './certificate-view.server';

const certificate: CertificateView = {
  id: 'c1',
  verificationCode: 'P-BCDF2346',
  firstName: 'Łukasz',
  lastName: 'Nguyễn-Dupré',
  birthDate: '2004-05-17',
  birthPlace: 'Saint-Étienne',
  centreName: 'Lycée « Les Îles »',
  takenOn: '2026-11-20',
  deliveredAt: '2026-11-25T10:00:00.000Z',
  validUntil: '2029-11-25T10:00:00.000Z',
  pixScore: 312,
  competences: ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'].map((code, i) => ({
    code,
    titleFr: `Compétence ${code} — un titre assez long pour être coupé proprement à la fin de la ligne du tableau`,
    titleEn: `Competence ${code}`,
    level: i % 7,
    pix: 8 * (i % 7) + 3,
  })),
  measure: { theta: 0.42, thetaSe: 0.38, answersCounted: 31 },
};

/** Page text: deflated streams inflated, hex strings (standard fonts) decoded. */
function text(bytes: Uint8Array): string {
  const raw = Buffer.from(bytes).toString('latin1');
  let out = raw;
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    try {
      out += zlib.inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      // not deflated
    }
  }
  return out.replace(/<([0-9A-Fa-f\s]+)>/g, (_, hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').toString('latin1'));
}

describe('certificate PDF', () => {
  it('is a one-page PDF with the holder, the centre, the dates, the pix, every competence and the code', async () => {
    const bytes = await certificatePdf(certificate, 'fr');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getKeywords()).toContain('P-BCDF2346');
    const t = text(bytes);
    expect(t).toContain('/VerificationCode (P-BCDF2346)');
    for (const s of [
      'P-BCDF2346',
      '312 pix',
      'Saint-Étienne',
      'Lycée « Les Îles »',
      '20 novembre 2026',
      '25 novembre 2026',
      '25 novembre 2029',
      'Valable jusqu',
      'non certifié',
      'Niveau 6',
    ]) {
      expect(t).toContain(s);
    }
    // Letters the standard fonts cannot draw lose their accent instead of breaking the document.
    expect(t).toContain('Lukasz');
    expect(t).toContain('Nguyen-Dupré');
    for (const c of certificate.competences) expect(t).toContain(`${c.code}  Compétence`);
  });

  it('speaks English when asked', async () => {
    const t = text(await certificatePdf(certificate, 'en'));
    expect(t).toContain('Pix certificate');
    expect(t).toContain('Valid until');
    expect(t).toContain('25 November 2029');
  });
});
