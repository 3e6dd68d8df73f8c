import { describe, expect, it } from 'vitest';
import { jsonSyntaxMessage } from './issues';
import { ContentError, loadContentFrom } from './load';

function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error('parsed');
}

describe('content problems in French', () => {
  it('a JSON syntax error says where, in French, without the engine’s English text', () => {
    const text = '{\n  "competence": "1.1",\n  "thematics": [}\n';
    const message = jsonSyntaxMessage(parseError(text), text);
    expect(message).toBe('JSON invalide : le fichier n’est pas du JSON lisible (caractère « } » inattendu, ligne 3, colonne 17)');
    expect(jsonSyntaxMessage(parseError('{"a": '), '{"a": ')).toBe('JSON invalide : le fichier n’est pas du JSON lisible (le texte s’arrête avant la fin)');
  });

  it('a framework of the wrong shape names the field and says what is wrong in French (not Zod’s “Required”)', () => {
    let error: unknown;
    try {
      loadContentFrom({ version: '1' }, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContentError);
    const e = error as ContentError;
    expect(e.file).toBe('framework.json');
    expect(e.field).not.toBe('');
    expect(e.message).toMatch(/^framework\.json : champ \S+ : (champ obligatoire absent|.* attendu)/);
    expect(e.message).not.toMatch(/Required|Expected|Invalid/);
  });
});
