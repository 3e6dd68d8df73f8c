/** The calibration of a challenge on its editor page, with a link to its psychometric item page. */
import { Link } from '@remix-run/react';
import { workbenchMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';

export interface CalibrationStripData {
  b: number;
  a: number;
  source: 'set' | 'run';
  setVersion: number | null;
  n: number | null;
  pValue: number | null;
  flags: string[];
  /** Version the parameters in force were calibrated on, the live version, and whether they apply to it. */
  calibratedVersion?: number | null;
  liveVersion?: number | null;
  applies?: boolean;
}

export function CalibrationStrip({ challengeId, calibration }: { challengeId: string; calibration: CalibrationStripData }) {
  const w = useMessages(workbenchMessages);
  const locale = useLocale();
  const num = (x: number | null, digits: number) =>
    x === null || !Number.isFinite(x)
      ? '—'
      : x.toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (
    <section className="calibration-strip panel" aria-labelledby="calibration-title" data-testid="calibration-strip">
      <h2 id="calibration-title" className="small-heading">
        {w('calib.title')}
      </h2>
      <dl>
        <div>
          <dt>{w('calib.b')}</dt>
          <dd data-testid="calib-b">{num(calibration.b, 2)}</dd>
        </div>
        <div>
          <dt>{w('calib.a')}</dt>
          <dd data-testid="calib-a">{num(calibration.a, 2)}</dd>
        </div>
        <div>
          <dt>{w('calib.n')}</dt>
          <dd data-testid="calib-n">{calibration.n === null ? '—' : calibration.n.toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR')}</dd>
        </div>
        <div>
          <dt>{w('calib.p')}</dt>
          <dd data-testid="calib-p">{num(calibration.pValue, 2)}</dd>
        </div>
        <div>
          <dt>{w('calib.flags')}</dt>
          <dd data-testid="calib-flags">{calibration.flags.length > 0 ? calibration.flags.join(', ') : w('calib.none')}</dd>
        </div>
      </dl>
      {calibration.source === 'set' && calibration.calibratedVersion != null ? (
        <p className={calibration.applies ? 'muted small' : 'notice'} data-testid="calib-version">
          {w(calibration.applies ? 'calib.versionApplies' : 'calib.versionUncalibrated')
            .replace('{calibrated}', String(calibration.calibratedVersion))
            .replace('{live}', String(calibration.liveVersion ?? '—'))}
        </p>
      ) : null}
      <p className="muted small">
        {calibration.source === 'set' ? w('calib.source.set').replace('{n}', String(calibration.setVersion)) : w('calib.source.run')} ·{' '}
        <Link to={`/psychometrie/items/${challengeId}`}>{w('calib.link')}</Link>
      </p>
    </section>
  );
}
