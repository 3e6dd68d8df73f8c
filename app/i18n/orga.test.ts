import { describe, expect, it } from 'vitest';
import { checkClassList } from '../../engine/campaigns';
import { classListInWords, orgaMessages } from './orga';

const csv = [
  'Nom;Prénom;Classe;Numéro étudiant;Date de naissance',
  'Durand;Inès;2nde A;123A;31/02/2009',
  ';;2nde B;;01/01/2009',
  'Petit;Paul;2nde B;124B;02/02/2009',
].join('\n');

describe('a class list check in words', () => {
  it('says each refused row’s problems in French, labelling a row without a name by its line', () => {
    const words = classListInWords(checkClassList(csv), (k) => orgaMessages.fr[k]);
    expect(words.fileError).toBeNull();
    expect(words.valid).toHaveLength(1);
    expect(words.rejected).toEqual([
      { line: 2, label: 'Durand Inès', errors: ['Date de naissance « 31/02/2009 » invalide : attendue au format jj/mm/aaaa.'] },
      { line: 3, label: 'ligne 3', errors: ['Nom manquant.', 'Prénom manquant.', 'Numéro étudiant manquant.'] },
    ]);
  });

  it('says them in English for an English page, file problems too', () => {
    const en = (k: keyof typeof orgaMessages.en) => orgaMessages.en[k];
    const words = classListInWords(checkClassList(csv, new Map([['124B', { lastName: 'Petit', firstName: 'Pierre', division: null, birthDate: null }]])), en);
    expect(words.rejected.map((r) => [r.label, ...r.errors])).toEqual([
      ['Durand Inès', 'Birth date “31/02/2009” is not valid: expected as dd/mm/yyyy.'],
      ['line 3', 'Last name missing.', 'First name missing.', 'Student number missing.'],
      ['Petit Paul', 'Student number 124B already belongs to Pierre Petit (another name or birth date).'],
    ]);
    expect(classListInWords(checkClassList('Nom;Prénom\nA;B'), en).fileError).toBe(
      'Missing column(s): Classe, Numéro étudiant, Date de naissance. Columns read: « Nom », « Prénom » (CSV file, semicolon “;” separator, UTF-8 encoding). The first line must name the columns: Nom ; Prénom ; Classe ; Numéro étudiant ; Date de naissance.',
    );
    expect(classListInWords(checkClassList('Nom,Prénom\nA,B'), (k) => orgaMessages.fr[k]).fileError).toBe(
      'Colonne(s) manquante(s) : Classe, Numéro étudiant, Date de naissance. Colonnes lues : « Nom », « Prénom » (fichier CSV, séparateur virgule « , », encodage UTF-8). La première ligne doit nommer les colonnes : Nom ; Prénom ; Classe ; Numéro étudiant ; Date de naissance.',
    );
    expect(classListInWords(checkClassList('Nom;Prénom\n"A;B'), (k) => orgaMessages.fr[k]).fileError).toBe(
      'Guillemet non fermé (ligne 2) : le fichier ne peut pas être lu au-delà.',
    );
  });
});
