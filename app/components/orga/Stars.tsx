import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { bandStars, masteryBandOfPercent, MASTERY_BANDS } from '../../../engine/campaigns';

/** Mastery % with 1–4 stars; the stars are decoration, the band is said in words. */
export function Mastery({ percent }: { percent: number }) {
  const t = useMessages(orgaMessages);
  const band = masteryBandOfPercent(percent);
  const stars = bandStars(band);
  return (
    <span className="mastery">
      <span className="mastery-percent">{percent} %</span>{' '}
      <span className="stars" aria-hidden="true">
        {'★'.repeat(stars)}
        {'☆'.repeat(MASTERY_BANDS.length - stars)}
      </span>{' '}
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
      <span aria-hidden="true">
        {'●'.repeat(dots)}
        {'○'.repeat(4 - dots)}
      </span>{' '}
      <span>
        {label} ({dots}/4)
      </span>
    </span>
  );
}
