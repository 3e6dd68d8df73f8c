/** What a PDF of the workbench says, as a reader extracts it (tests of the certificate PDF, unit and browser). */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';

/** A font's ToUnicode map (pdf-lib writes `<glyph> <UTF-16BE>` pairs). */
function unicodeMap(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of cmap.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(m[1]!.toLowerCase(), Buffer.from(m[2]!, 'hex').swap16().toString('utf16le'));
  return map;
}

const stream = (s: unknown) => {
  if (!(s instanceof PDFRawStream)) throw new Error('not a stream');
  return Buffer.from(decodePDFRawStream(s).decode());
};

/**
 * The page's text as a reader extracts it: each embedded font's glyph codes turned back into letters
 * through its ToUnicode map, following the font set by each `Tf`. Also the fonts, for the checks.
 */
export async function pdfText(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes);
  const page = doc.getPage(0);
  const fontDicts = page.node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
  const maps = new Map<string, Map<string, string>>();
  const fonts: { subtype: string; baseFont: string; fontFileBytes: number }[] = [];
  for (const [name, ref] of fontDicts.entries()) {
    const font = doc.context.lookup(ref, PDFDict);
    const subtype = font.lookup(PDFName.of('Subtype'), PDFName).asString();
    const baseFont = font.lookup(PDFName.of('BaseFont'), PDFName).asString();
    let fontFileBytes = 0;
    const toUnicode = font.lookup(PDFName.of('ToUnicode'));
    if (toUnicode) maps.set(name.asString(), unicodeMap(stream(toUnicode).toString('latin1')));
    const descendant = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)?.lookup(0, PDFDict);
    const file = descendant?.lookup(PDFName.of('FontDescriptor'), PDFDict).lookup(PDFName.of('FontFile2'));
    if (file) fontFileBytes = stream(file).length;
    fonts.push({ subtype, baseFont, fontFileBytes });
  }
  const contents = page.node.Contents();
  const parts = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  const ops = parts.map((p) => stream(p).toString('latin1')).join('\n');
  let current = new Map<string, string>();
  let text = '';
  for (const m of ops.matchAll(/(\/[^\s/]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj/g)) {
    if (m[1]) current = maps.get(m[1]) ?? new Map();
    else text += (m[2]!.toLowerCase().match(/.{4}/g) ?? []).map((g) => current.get(g) ?? '\uFFFD').join('') + '\n';
  }
  const info = Buffer.from(bytes).toString('latin1');
  return { text: text + info, fonts };
}
