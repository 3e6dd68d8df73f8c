import { describe, expect, it } from 'vitest';
import { matchClassList, type ClassListCandidate } from '.';

const row = (id: string, firstName: string, lastName: string, birthDate: string | null, studentNumber: string | null = null): ClassListCandidate => ({
  id,
  firstName,
  lastName,
  birthDate,
  studentNumber,
});
const who = (firstName: string, lastName: string, birthDate: string | null, studentNumber: string | null = null) => ({
  firstName,
  lastName,
  birthDate,
  studentNumber,
});
const school = { checkStudentNumber: false };
const university = { checkStudentNumber: true };

describe('finding a learner who joins a campaign on the class list', () => {
  const list = [row('a', 'Inès', 'Durand', '2009-03-05', 'N1'), row('b', 'Léo', 'Martin', '2009-01-31', 'N2'), row('c', 'Léo', 'Martin', '2009-01-31', 'N3')];

  it('matches name (case, accents, spacing folded) and birth date', () => {
    expect(matchClassList(list, who(' INES ', 'durand', '2009-03-05'), school)).toEqual({ kind: 'matched', id: 'a' });
  });

  it('asks the birth date when the account has none, refuses another one, and finds no one for another name', () => {
    expect(matchClassList(list, who('Inès', 'Durand', null), school)).toEqual({ kind: 'birth_date_needed' });
    expect(matchClassList(list, who('Inès', 'Durand', '2009-03-06'), school)).toEqual({ kind: 'birth_date_wrong' });
    expect(matchClassList(list, who('Zoé', 'Nouvelle', '2009-03-05'), school)).toEqual({ kind: 'none' });
  });

  it('tells homonyms born the same day apart by the student number', () => {
    expect(matchClassList(list, who('Léo', 'Martin', '2009-01-31'), school)).toEqual({ kind: 'student_number_needed' });
    expect(matchClassList(list, who('Léo', 'Martin', '2009-01-31', ' n3 '), school)).toEqual({ kind: 'matched', id: 'c' });
    expect(matchClassList(list, who('Léo', 'Martin', '2009-01-31', 'N9'), school)).toEqual({ kind: 'student_number_wrong' });
    // Without numbers on the list, no homonym is taken for sure.
    expect(matchClassList([row('x', 'Léo', 'Martin', null), row('y', 'Léo', 'Martin', null)], who('Léo', 'Martin', null), school)).toEqual({ kind: 'none' });
  });

  it('checks the student number where the organisation asks it (higher education)', () => {
    expect(matchClassList(list, who('Inès', 'Durand', '2009-03-05'), university)).toEqual({ kind: 'student_number_needed' });
    expect(matchClassList(list, who('Inès', 'Durand', '2009-03-05', 'N2'), university)).toEqual({ kind: 'student_number_wrong' });
    expect(matchClassList(list, who('Inès', 'Durand', '2009-03-05', 'N1'), university)).toEqual({ kind: 'matched', id: 'a' });
    // A row without a number: name and birth date suffice.
    expect(matchClassList([row('z', 'Inès', 'Durand', '2009-03-05')], who('Inès', 'Durand', '2009-03-05'), university)).toEqual({ kind: 'matched', id: 'z' });
  });
});
