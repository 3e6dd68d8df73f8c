import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';

const BANDS = ['insufficient', 'fragile', 'satisfactory', 'veryGood'] as const;

export function bandOf(percent: number): (typeof BANDS)[number] {
  if (percent <= 20) return 'insufficient';
  if (percent <= 50) return 'fragile';
  if (percent <= 80) return 'satisfactory';
  return 'veryGood';
}

/** Mastery % with 1–4 stars; the stars are decoration, the band is said in words. */
export function Mastery({ percent }: { percent: number }) {
  const t = useMessages(orgaMessages);
  const band = bandOf(percent);
  const stars = BANDS.indexOf(band) + 1;
  return (
    <span className="mastery">
      <span className="mastery-percent">{percent} %</span>{' '}
      <span className="stars" aria-hidden="true">{'★'.repeat(stars)}{'☆'.repeat(4 - stars)}</span>{' '}
      <span className="band">{t(`band.${band}`)}</span>
    </span>
  );
}

/** 1–4 dots of relevance, with the words for screen readers and sighted users alike. */
export function Dots({ dots }: { dots: number }) {
  const t = useMessages(orgaMessages);
  const label = t(`dots.${dots}` as 'dots.1');
  return (
    <span className="dots">
      <span aria-hidden="true">{'●'.repeat(dots)}{'○'.repeat(4 - dots)}</span> <span>{label} ({dots}/4)</span>
    </span>
  );
}
