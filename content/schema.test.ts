import { describe, expect, it } from 'vitest';
import { packFileSchema } from './schema';

const tutorial = packFileSchema.shape.tutorials.element;
const base = { key: 'tuto-1', title: 'Créer un mot de passe', source: 'Pix', format: 'vidéo', duration: '00:03:00' };

describe('pack tutorials: only http(s) addresses', () => {
  it.each(['https://pix.fr/aide', 'http://example.org/page?x=1'])('accepts %s', (url) => {
    expect(tutorial.safeParse({ ...base, url }).success).toBe(true);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JavaScript://example.org/%0Aalert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.org/x',
  ])('refuses %s', (url) => {
    const parsed = tutorial.safeParse({ ...base, url });
    expect(parsed.success).toBe(false);
  });
});
