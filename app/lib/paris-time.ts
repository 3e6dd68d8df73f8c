/**
 * Dates and times as people of the workbench read them: Paris time, whatever the server's or the browser's
 * zone, so that a release, a version or a run shows the same hour on every page (and the server and the
 * browser render the same text). Client-safe: used by components, routes and label modules alike.
 */
export const DISPLAY_TIME_ZONE = 'Europe/Paris';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { ...options, timeZone: DISPLAY_TIME_ZONE })));
  return f;
}

/** "06/12/2026 16:05": short date and time in Paris time. */
export function formatParisDateTime(value: string | Date, locale: string = 'fr'): string {
  return format(locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(value));
}

/** "16:05:09": the time of day in Paris time. */
export function formatParisTime(value: string | Date, locale: string = 'fr'): string {
  return format(locale, { timeStyle: 'medium' }).format(new Date(value));
}
