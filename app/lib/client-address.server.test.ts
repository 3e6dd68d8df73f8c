import { afterEach, describe, expect, it } from 'vitest';
import { clientAddress, forwardedClientAddress } from './client-address.server';
import { assertSameOrigin } from './session.server';

describe('forwardedClientAddress', () => {
  it('is the socket address unless TRUST_PROXY names proxies', () => {
    expect(forwardedClientAddress('10.0.0.5', '6.6.6.6', 0)).toBe('10.0.0.5');
    expect(forwardedClientAddress(undefined, undefined, 0)).toBe('unknown');
    expect(forwardedClientAddress('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
  });

  it('takes the entry written by the proxy nearest the client, never one the client added', () => {
    // The client sends a forged entry; our one proxy appends the address it saw.
    expect(forwardedClientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    // Two proxies: the right-most entry is the first proxy's address, the one before it the client's.
    expect(forwardedClientAddress('10.0.0.2', '6.6.6.6, 203.0.113.7, 10.0.0.1', 2)).toBe('203.0.113.7');
    expect(forwardedClientAddress('10.0.0.2', ['6.6.6.6', '203.0.113.7, 10.0.0.1'], 2)).toBe('203.0.113.7');
    // Fewer entries than hops: the left-most.
    expect(forwardedClientAddress('10.0.0.2', '203.0.113.7', 3)).toBe('203.0.113.7');
    expect(forwardedClientAddress('10.0.0.2', ' , ', 1)).toBe('10.0.0.2');
  });

  it('clientAddress reads what the server set', () => {
    expect(clientAddress(new Request('http://x/', { headers: { 'X-Client-Address': '1.2.3.4' } }))).toBe('1.2.3.4');
  });
});

describe('assertSameOrigin', () => {
  const post = (headers: Record<string, string>) => new Request('http://app.example/connexion', { method: 'POST', headers });
  const status = (request: Request) => {
    try {
      assertSameOrigin(request);
      return 200;
    } catch (error) {
      return (error as Response).status;
    }
  };
  afterEach(() => {
    delete process.env.TRUST_PROXY;
  });

  it('refuses another origin, and a null or malformed one, with 403', () => {
    expect(status(post({ Host: 'app.example' }))).toBe(200);
    expect(status(post({ Host: 'app.example', Origin: 'http://app.example' }))).toBe(200);
    expect(status(post({ Host: 'app.example', Origin: 'https://evil.example' }))).toBe(403);
    expect(status(post({ Host: 'app.example', Origin: 'null' }))).toBe(403);
    expect(status(post({ Host: 'app.example', Origin: '::' }))).toBe(403);
  });

  it('believes X-Forwarded-Host only behind TRUST_PROXY', () => {
    const forged = post({ Host: 'app.example', Origin: 'https://evil.example', 'X-Forwarded-Host': 'evil.example' });
    expect(status(forged)).toBe(403);
    process.env.TRUST_PROXY = '1';
    expect(status(post({ Host: '127.0.0.1:3000', Origin: 'https://app.example', 'X-Forwarded-Host': 'app.example' }))).toBe(200);
    expect(status(post({ Host: '127.0.0.1:3000', Origin: 'https://evil.example', 'X-Forwarded-Host': 'evil.example, app.example' }))).toBe(403);
  });
});
