import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { pdfText } from '../../tests/setup/pdf-text';
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

describe('certificate PDF', () => {
  it('is a one-page PDF with the holder, the centre, the dates, the pix, every competence and the code', async () => {
    const bytes = await certificatePdf(certificate, 'fr');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getKeywords()).toContain('P-BCDF2346');
    const { text: t, fonts } = await pdfText(bytes);
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
    // Names print as written: the embedded font draws letters outside Latin-1.
    expect(t).toContain('Łukasz Nguyễn-Dupré');
    // Two fonts, both embedded as subsets (Type0 with a TrueType file far smaller than the whole font), none of the standard 14.
    expect([...new Set(fonts.map((f) => f.baseFont.replace(/-\d+$/, '')))].sort()).toEqual(['/DejaVuSans', '/DejaVuSans-Bold']);
    for (const f of fonts) {
      expect(f.subtype).toBe('/Type0');
      expect(f.fontFileBytes).toBeGreaterThan(0);
      expect(f.fontFileBytes).toBeLessThan(fs.statSync('assets/fonts/DejaVuSans.ttf').size / 5);
    }
    expect(bytes.length).toBeLessThan(150_000);
    for (const c of certificate.competences) expect(t).toContain(`${c.code}  Compétence`);
  });

  it('speaks English when asked', async () => {
    const { text: t } = await pdfText(await certificatePdf(certificate, 'en'));
    expect(t).toContain('Pix certificate');
    expect(t).toContain('Valid until');
    expect(t).toContain('25 November 2029');
  });
});
