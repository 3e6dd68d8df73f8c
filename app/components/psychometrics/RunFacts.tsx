/** What was run and how it went: the facts at the top of a calibration run's page. */
import type { RunHeader } from '~/models/psychometrics-analysis.server';
import { formatCount, formatDateTime, formatDuration, formatNumber } from '~/components/charts/format';
import type { Texts } from '~/components/charts/ui';
import type { PsychometricsKey } from '~/i18n/psychometrie';

export function RunFacts({ run, texts }: { run: RunHeader; texts: Texts }) {
  const { t, f, locale } = texts;
  const latent = run.summary['latent'] as { mean?: number; sd?: number } | undefined;
  const seMethod = typeof run.summary['standardErrors'] === 'string' ? (run.summary['standardErrors'] as string) : null;
  const facts: [string, string][] = [
    [t('run.model'), run.model === '2pl' || run.model === 'rasch' ? t(`model.${run.model}`) : run.model],
    [t('run.trigger'), t(`trigger.${run.trigger}` as PsychometricsKey) ?? run.trigger],
    [t('run.persons'), formatCount(run.persons, locale)],
    [t('run.answers'), formatCount(run.answers, locale)],
    [t('run.items'), formatCount(run.itemCount, locale)],
    [t('run.logLik'), formatNumber(run.logLik, 2, locale)],
    [t('run.iterations'), formatCount(run.iterations, locale)],
    [t('run.converged'), run.converged === null ? '—' : run.converged ? t('run.convergedYes') : t('run.convergedNo')],
    [t('run.duration'), formatDuration(run.seconds, locale)],
    [t('run.created'), formatDateTime(run.createdAt, locale)],
    [t('run.finished'), formatDateTime(run.finishedAt, locale)],
  ];
  if (run.status === 'SUCCEEDED') facts.push([t('run.review'), t(`review.${run.review.status}`)]);
  if (run.requestedBy) facts.splice(2, 0, [t('run.requestedBy'), run.requestedBy]);
  if (latent && typeof latent.mean === 'number' && typeof latent.sd === 'number') {
    facts.push([t('run.latent'), f('run.latentValue', { mean: formatNumber(latent.mean, 2, locale), sd: formatNumber(latent.sd, 2, locale) })]);
  }
  if (seMethod) {
    const known = seMethod === 'observed' || seMethod === 'louis-block' || seMethod === 'none';
    facts.push([t('run.seMethod'), known ? t(`run.seMethod.${seMethod}`) : seMethod]);
  }
  if (run.maxAnswerId) facts.push([t('run.snapshot'), f('run.snapshotValue', { id: run.maxAnswerId })]);
  // Where the EM started (recorded since warm starts; absent on older runs).
  const execution = run.summary['execution'] as { warmStart?: { runId: string; items: number } | null } | undefined;
  if (execution && execution.warmStart !== undefined) {
    const warm = execution.warmStart;
    facts.push([
      t('run.warmStart'),
      warm ? f('run.warmStartValue', { id: warm.runId.slice(0, 8), items: formatCount(warm.items, locale) }) : t('run.coldStart'),
    ]);
  }
  for (const set of run.approvedAs)
    facts.push([t('run.approvedAs'), f('run.approvedAsValue', { version: set.version, active: set.active ? t('run.activeSuffix') : '' })]);
  return (
    <section className="panel" aria-labelledby="resume-titre">
      <h2 id="resume-titre" className="visually-hidden">
        {t('run.facts')}
      </h2>
      <dl className="psy-facts">
        {facts.map(([label, value]) => (
          <div key={label + value}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="psy-note">{t('run.personsNote')}</p>
      {run.review.status !== 'PENDING' && run.review.by ? (
        <p>
          {f('run.reviewedBy', { status: t(`review.${run.review.status}`), name: run.review.by, date: formatDateTime(run.review.at, locale) })}
          {run.review.reason ? ` ${f('run.rejection', { reason: run.review.reason })}` : null}
        </p>
      ) : null}
      <details className="psy-settings">
        <summary>{t('run.settings')}</summary>
        <dl>
          {Object.entries(run.settings).map(([key, value]) => (
            <div key={key} style={{ display: 'contents' }}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}
