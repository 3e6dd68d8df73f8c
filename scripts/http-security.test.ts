import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT, bodyLimitFor, contentSecurityPolicy, multipartCounter, selfScriptsPolicy } from './http-security';

describe('body limits by route', () => {
  it('gives 1 MiB to every route but the upload ones', () => {
    expect(bodyLimitFor('/connexion')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor('/competences/1.1/evaluation.data')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor('/creation/epreuves/abc')).toBe(11 * 1024 * 1024);
    expect(bodyLimitFor('/creation/epreuves/abc.data')).toBe(11 * 1024 * 1024);
    expect(bodyLimitFor('/creation/echanges')).toBe(21 * 1024 * 1024);
    expect(bodyLimitFor('/creation/echanges/')).toBe(21 * 1024 * 1024);
    expect(bodyLimitFor('/orga/eleves.data')).toBe(3 * 1024 * 1024);
    expect(bodyLimitFor('/certif/sessions/s1')).toBe(2 * 1024 * 1024);
    expect(bodyLimitFor('/creation/echanges/autre')).toBe(DEFAULT_BODY_LIMIT);
  });
});

describe('multipart parts', () => {
  const body = (n: number, boundary = 'XyZ') =>
    Buffer.from(
      Array.from({ length: n }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('') + `--${boundary}--\r\n`,
    );

  it('counts the parts of a body in one chunk', () => {
    expect(multipartCounter('XyZ')(body(3))).toBe(3);
  });

  it('counts a delimiter cut between two chunks once', () => {
    const whole = body(50);
    for (const size of [1, 2, 3, 7, 64]) {
      const count = multipartCounter('XyZ');
      let last = 0;
      for (let at = 0; at < whole.length; at += size) last = count(whole.subarray(at, at + size));
      expect(last, `chunks of ${size}`).toBe(50);
    }
  });
});

describe('Content-Security-Policy', () => {
  it('allows only the nonce’s scripts, no plugins, no foreign base or framing', () => {
    const policy = contentSecurityPolicy('abc123');
    expect(policy).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    expect(selfScriptsPolicy()).toContain("script-src 'self';");
  });
});
