/**
 * Where a `redirectTo` (or `next`) parameter may send the viewer: a path of this site only. Anything a
 * browser could read as another host is refused: `//host`, `/\host` (browsers treat `\` as `/`), a scheme
 * (`https:`, `javascript:`), control characters or spaces that browsers strip (`/\t/host`), and their
 * percent-encoded forms. The path is rebuilt from a URL parsed against a fixed origin, so what is
 * returned is exactly what the browser will request.
 */
const BASE = 'http://same-origin.invalid';

export function safeRedirect(target: unknown, fallback: string): string;
export function safeRedirect(target: unknown): string | null;
export function safeRedirect(target: unknown, fallback: string | null = null): string | null {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2000) return fallback;
  // Control characters, spaces and backslashes never belong in a path we emit (nor, encoded, anything but spaces).
  let decoded = target;
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return fallback;
    }
  }
  if (/[\u0000-\u001f\u007f-\u009f\s\\]/.test(target)) return fallback;
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(decoded)) return fallback;
  if (!target.startsWith('/') || target.startsWith('//')) return fallback;
  if (decoded.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
}
