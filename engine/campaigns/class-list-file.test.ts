import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { checkClassListFile, classListRowsAsCsv, classListRowsFromFile, checkClassList } from './class-list';
import { decodeClassListText, detectSeparator, readOds, readXlsx, sniffClassListFile } from './class-list-file';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../tests/fixtures/class-lists/${name}`, import.meta.url)));
const header = ['Nom', 'Prénom', 'Classe', 'Numéro étudiant', 'Date de naissance'];

describe('class list encoding and separator', () => {
  it('reads the byte order marks, valid UTF-8, and falls back to Windows-1252', () => {
    expect(decodeClassListText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x43, 0xc3, 0xa9]))).toEqual({ text: 'Cé', encoding: 'UTF-8', bom: true });
    expect(decodeClassListText(Uint8Array.from([0xff, 0xfe, 0x43, 0, 0xe9, 0]))).toEqual({ text: 'Cé', encoding: 'UTF-16LE', bom: true });
    expect(decodeClassListText(Uint8Array.from([0x43, 0xc3, 0xa9]))).toEqual({ text: 'Cé', encoding: 'UTF-8', bom: false });
    // é alone (0xE9) is not UTF-8; œ (0x9C) and ’ (0x92) are Windows-1252's own, not Latin-1's.
    expect(decodeClassListText(Uint8Array.from([0x43, 0xe9, 0x20, 0x9c, 0x92, 0x80]))).toEqual({ text: 'Cé œ’€', encoding: 'Windows-1252', bom: false });
  });

  it('takes the separator found most often on the header line, outside quotes', () => {
    expect(detectSeparator('Nom;Prénom;Classe\nA,B;C')).toBe(';');
    expect(detectSeparator('Nom,Prénom,"Classe; groupe"\n')).toBe(',');
    expect(detectSeparator('Nom\tPrénom\tClasse\r\n')).toBe('\t');
    expect(detectSeparator('\r\n\r\nNom,Prénom\n')).toBe(',');
    expect(detectSeparator('Nom')).toBe(';');
  });

  it('tells the kind of file by its bytes', () => {
    expect(sniffClassListFile(fixture('excel-point-virgule-windows-1252.csv'))).toBe('csv');
    expect(sniffClassListFile(fixture('excel-2nde-b.xlsx'))).toBe('xlsx');
    expect(sniffClassListFile(fixture('libreoffice-2nde-c.ods'))).toBe('ods');
    expect(sniffClassListFile(zipSync({ 'a.txt': strToU8('x') }))).toBe('zip');
    expect(sniffClassListFile(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe('xls');
  });
});

describe('class list files as other tools write them', () => {
  it('reads the CSV Excel saves as "point-virgule" in Windows-1252 with CRLF', () => {
    const check = checkClassListFile(fixture('excel-point-virgule-windows-1252.csv'));
    expect(check.fileError).toBeNull();
    expect(check.rejected).toEqual([]);
    expect(check.source).toEqual({ kind: 'csv', encoding: 'Windows-1252', bom: false, separator: ';' });
    expect(check.valid.map((l) => [l.lastName, l.firstName, l.division, l.studentNumber, l.birthDate])).toEqual([
      ['Lefèvre', 'Élodie', '2nde A', 'CL24A01', '2009-03-05'],
      ['N’Diaye', 'Aïssatou', '2nde A', 'CL24A02', '2008-11-17'],
      ['Dubœuf', 'François', '2nde A', 'CL24A03', '2009-01-01'],
      ['Noël', 'Gaëlle', '2nde A', 'CL24A04', '2008-02-29'],
      ['Martin', 'Léo', '2nde A; groupe 2', 'CL24A05', '2009-07-12'],
    ]);
  });

  it('reads the first sheet of an Excel .xlsx: shared and rich-text strings, numbers, dates as dd/mm/yyyy', () => {
    const bytes = fixture('excel-2nde-b.xlsx');
    expect(readXlsx(bytes)).toEqual({
      sheet: 'Feuil1',
      rows: [
        header,
        ['Bernard', 'Inès', '2nde B', 'CL24B01', '14/02/2009'],
        ['Petit', 'Zoé', '2nde B', 'CL24B02', '30/09/2008'],
        ['Roux', 'Mathéo', '2nde B', '2024003', '03/06/2009'],
      ],
    });
    const check = checkClassListFile(bytes);
    expect(check.source).toEqual({ kind: 'xlsx', sheet: 'Feuil1' });
    expect(check.valid.map((l) => l.birthDate)).toEqual(['2009-02-14', '2008-09-30', '2009-06-03']);
  });

  it('reads the first table of a LibreOffice .ods: header rows, spans and spaces, repeated empty cells and rows', () => {
    const bytes = fixture('libreoffice-2nde-c.ods');
    expect(readOds(bytes)).toEqual({
      sheet: 'Feuille1',
      rows: [
        header,
        ['Garcia', 'Chloé', '2nde C', 'CL24C01', '22/04/2009'],
        ['Moreau', 'Jean-Noël', '2nde C', 'CL24C02', '31/12/2008'],
        ['Da  Silva', 'Anaïs', '2nde C', 'CL24C03', '09/08/2009'],
      ],
    });
    expect(checkClassListFile(bytes).valid).toHaveLength(3);
  });

  it('turns any of them into a CSV text that reads back the same (what the preview hands to the import)', () => {
    for (const name of ['excel-point-virgule-windows-1252.csv', 'excel-2nde-b.xlsx', 'libreoffice-2nde-c.ods']) {
      const read = classListRowsFromFile(fixture(name));
      if (!('rows' in read)) throw new Error(name);
      expect(checkClassList(classListRowsAsCsv(read.rows)).valid).toEqual(checkClassListFile(fixture(name)).valid);
    }
  });

  it('says what it found when columns are really missing', () => {
    const bytes = new TextEncoder().encode('Nom\tPrénom\tINE\r\nA\tB\t1\r\n');
    const check = checkClassListFile(bytes);
    expect(check.source).toEqual({ kind: 'csv', encoding: 'UTF-8', bom: false, separator: '\t' });
    expect(check.fileError).toEqual({
      code: 'missingColumns',
      params: {
        columns: 'Classe, Date de naissance',
        count: '2',
        header: 'Nom ; Prénom ; Classe ; Numéro étudiant ; Date de naissance',
        found: '« Nom », « Prénom », « INE »',
      },
    });
  });

  it('refuses old .xls files, other zips and damaged workbooks with a reason', () => {
    expect(checkClassListFile(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])).fileError?.code).toBe('oldExcel');
    expect(checkClassListFile(zipSync({ 'a.txt': strToU8('x') })).fileError?.code).toBe('notSpreadsheet');
    expect(checkClassListFile(zipSync({ 'xl/workbook.xml': strToU8('<workbook><sheets/></workbook>') })).fileError).toEqual({
      code: 'badSpreadsheet',
      params: { format: 'xlsx' },
    });
  });
});
