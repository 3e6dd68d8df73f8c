import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect';

describe('safeRedirect', () => {
  it('keeps paths of this site', () => {
    expect(safeRedirect('/profil')).toBe('/profil');
    expect(safeRedirect('/campagnes/ABCDEF123?x=1#y')).toBe('/campagnes/ABCDEF123?x=1#y');
    expect(safeRedirect('/orga/campagnes/a%20b')).toBe('/orga/campagnes/a%20b');
  });

  it.each([
    '//evil.example/x',
    '/\\evil.example/x',
    '\\/evil.example/x',
    '/\t/evil.example/x',
    '/\n/evil.example/x',
    '/\r\n/evil.example',
    '/ /evil.example',
    '\t//evil.example',
    '/%5Cevil.example/x',
    '/%2Fevil.example/x',
    '%2F%2Fevil.example',
    '/%09/evil.example',
    '/%255C%255Cevil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'evil.example',
    '',
    '/\u0000/evil.example',
    '/\u00a0/evil.example',
    '/%E0%A4%A',
  ])('refuses %j', (target) => {
    expect(safeRedirect(target)).toBeNull();
    expect(safeRedirect(target, '/')).toBe('/');
  });

  it('refuses what is not a string', () => {
    expect(safeRedirect(null, '/x')).toBe('/x');
    expect(safeRedirect(undefined)).toBeNull();
    expect(safeRedirect(['/a'])).toBeNull();
  });
});
