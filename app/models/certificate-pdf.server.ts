/**
 * The certificate as a PDF (pdf-lib, docs/decisions/010-certificates.md): one A4 page with the holder,
 * the centre, the dates, the total pix, the level of each of the 16 competences, the validity and the
 * verification code. The code is also written, as plain text, in the document's information dictionary
 * (`VerificationCode`) so that software can read it without parsing the page. The text is set in DejaVu
 * Sans (assets/fonts, a free licence), embedded as the subset of glyphs the certificate uses: every reader
 * shows the same letters, and names outside Latin-1 (Łukasz, Nguyễn) print as written.
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFName, PDFString, rgb, type PDFDict, type PDFFont, type PDFPage } from 'pdf-lib';
import type { CertificateView } from './certificate-view.server';
import { titleIn } from '../i18n';

type Locale = 'fr' | 'en';

const LABELS = {
  fr: {
    title: 'Certificat Pix',
    subtitle: 'Compétences numériques — cadre de référence des compétences numériques (CRCN)',
    holder: 'Titulaire',
    born: 'Né(e) le {date} à {place}',
    centre: 'Centre de certification',
    taken: 'Date de passage',
    delivered: 'Date de délivrance',
    validUntil: 'Valable jusqu’au',
    total: 'Score total',
    competences: 'Niveau par compétence',
    level: 'Niveau',
    notCertified: 'non certifié',
    code: 'Code de vérification',
    verify: 'Vérifiez ce certificat sur la page /verification du service, avec ce code.',
  },
  en: {
    title: 'Pix certificate',
    subtitle: 'Digital skills — French digital competence framework (CRCN)',
    holder: 'Holder',
    born: 'Born on {date} in {place}',
    centre: 'Certification centre',
    taken: 'Date taken',
    delivered: 'Date delivered',
    validUntil: 'Valid until',
    total: 'Total score',
    competences: 'Level per competence',
    level: 'Level',
    notCertified: 'not certified',
    code: 'Verification code',
    verify: 'Check this certificate on the service’s /verification page with this code.',
  },
} as const;

/** The fonts' files, read once (the working directory is the project's, as for `npm start` and the tests). */
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
const fontBytes = new Map<string, Uint8Array>();
function fontFile(name: string): Uint8Array {
  let bytes = fontBytes.get(name);
  if (!bytes) {
    bytes = fs.readFileSync(path.resolve('assets', 'fonts', name));
    fontBytes.set(name, bytes);
  }
  return bytes;
}

/** The text as the font can draw it: a character it lacks loses its accent, or becomes '?'. */
function drawable(text: string, font: PDFFont): string {
  const known = new Set(font.getCharacterSet());
  let out = '';
  for (const ch of text) {
    if (known.has(ch.codePointAt(0)!)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((c) => known.has(c.codePointAt(0)!)) && base ? base : '?';
    }
  }
  return out;
}

function day(iso: string | null, locale: Locale): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(locale === 'en' ? 'en-GB' : 'fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
}

function fitText(text: string, font: PDFFont, size: number, width: number): string {
  let t = text;
  while (t.length > 3 && font.widthOfTextAtSize(t, size) > width) t = t.slice(0, -2);
  return t === text ? t : `${t.trimEnd()}…`;
}

export async function certificatePdf(certificate: CertificateView, locale: Locale = 'fr'): Promise<Uint8Array> {
  const L = LABELS[locale];
  const pdf = await PDFDocument.create();
  const name = `${certificate.firstName} ${certificate.lastName}`;
  pdf.setTitle(`${L.title} — ${name} — ${certificate.verificationCode}`);
  pdf.setSubject(`${L.code} : ${certificate.verificationCode}`);
  pdf.setKeywords(['Pix', 'certificat', certificate.verificationCode]);
  pdf.setAuthor('Pix Workbench');
  pdf.setCreator('Pix Workbench');
  pdf.setLanguage(locale === 'en' ? 'en-GB' : 'fr-FR');
  // getInfoDict is public at run time but typed private in pdf-lib's declarations.
  (pdf as unknown as { getInfoDict(): PDFDict }).getInfoDict().set(PDFName.of('VerificationCode'), PDFString.of(certificate.verificationCode));

  const page: PDFPage = pdf.addPage([595.28, 841.89]);
  pdf.registerFontkit(fontkit);
  const regular = await pdf.embedFont(fontFile(FONT_FILES.regular), { subset: true });
  const bold = await pdf.embedFont(fontFile(FONT_FILES.bold), { subset: true });
  const ink = rgb(0.106, 0.122, 0.231);
  const brand = rgb(0.239, 0.169, 0.722);
  const muted = rgb(0.29, 0.31, 0.415);
  const left = 56;
  const right = 595.28 - 56;
  let y = 780;
  const text = (s: string, x: number, size: number, font = regular, color = ink) => page.drawText(drawable(s, font), { x, y, size, font, color });

  page.drawRectangle({ x: 28, y: 28, width: 595.28 - 56, height: 841.89 - 56, borderColor: brand, borderWidth: 2 });
  text(L.title, left, 28, bold, brand);
  y -= 22;
  text(L.subtitle, left, 10, regular, muted);
  y -= 36;

  const row = (label: string, value: string, size = 11) => {
    text(label, left, 10, regular, muted);
    text(fitText(drawable(value, bold), bold, size, right - (left + 170)), left + 170, size, bold);
    y -= 20;
  };
  row(L.holder, name, 14);
  row('', L.born.replace('{date}', day(certificate.birthDate, locale)).replace('{place}', certificate.birthPlace), 11);
  row(L.centre, certificate.centreName);
  row(L.taken, day(certificate.takenOn, locale));
  row(L.delivered, day(certificate.deliveredAt, locale));
  row(L.validUntil, day(certificate.validUntil, locale));
  y -= 8;
  text(L.total, left, 12, regular, muted);
  text(`${certificate.pixScore} pix`, left + 170, 26, bold, brand);
  y -= 40;

  text(L.competences, left, 13, bold);
  y -= 8;
  page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.8, color: brand });
  y -= 16;
  for (const c of certificate.competences) {
    const title = `${c.code}  ${titleIn(locale, c)}`;
    text(fitText(drawable(title, regular), regular, 10, right - left - 110), left, 10);
    const value = c.level > 0 ? `${L.level} ${c.level}` : L.notCertified;
    const width = (c.level > 0 ? bold : regular).widthOfTextAtSize(value, 10);
    text(value, right - width, 10, c.level > 0 ? bold : regular, c.level > 0 ? ink : muted);
    y -= 6;
    page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.3, color: rgb(0.81, 0.83, 0.9) });
    y -= 13;
  }

  y -= 16;
  text(L.code, left, 11, regular, muted);
  text(certificate.verificationCode, left + 170, 18, bold, brand);
  y -= 20;
  text(L.verify, left, 9, regular, muted);

  return pdf.save({ useObjectStreams: false });
}
