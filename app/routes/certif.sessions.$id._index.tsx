/**
 * A certification session in the Certif space: when and where, the access code and invigilator
 * password, the frozen parameter set, the candidates with their certifiability, and enrolment one by one
 * or from a CSV file (preview with a row-by-row report, then import). Every loader and action checks that
 * the session belongs to one of the viewer's centres.
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { clientAddress } from '~/lib/client-address.server';
import {
  enrolCandidate,
  importCandidateCsv,
  invigilatorLocks,
  liftInvigilatorLock,
  previewCandidateCsv,
  recheckCertifiability,
  removeCandidate,
  renewInvigilatorPassword,
  scopeOf,
  sessionDetail,
  sessionInScope,
  throwAsResponse,
  type CsvReportRow,
} from '~/models/certification-session.server';
import { CANDIDATE_CSV_HEADERS } from '~/models/certification-labels';
import { CertifNav } from '~/components/certif/CertifNav';
import { localeFromRequest, messagesFor, useLocale, useMessages } from '~/i18n';
import { certifMessages, csvReportInWords, fill, frDay } from '~/i18n/certif';
import { useRootData } from '~/root';
import certifStyles from '~/styles/certif.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certifStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Session ${data?.session.accessCode ?? ''} – Certif – Pix Workbench` }];

const MAX_FILE = 1024 * 1024;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'certif');
  const scope = scopeOf(viewer);
  const now = new Date();
  try {
    const detail = await sessionDetail(db(), scope, params.id ?? '');
    const until = new Intl.DateTimeFormat(localeFromRequest(request) === 'en' ? 'en-GB' : 'fr-FR', {
      dateStyle: 'short',
      timeStyle: 'medium',
      timeZone: 'Europe/Paris',
    });
    const locks = (await invigilatorLocks(db(), scope, params.id ?? '', now)).map((l) => ({
      address: l.address,
      failures: l.failures,
      until: until.format(l.blockedUntil),
    }));
    return { ...detail, locks };
  } catch (error) {
    throwAsResponse(error);
  }
}

const CANDIDATE_FIELDS = ['lastName', 'firstName', 'birthDate', 'birthPlace', 'email', 'externalId', 'extraTimePercentage'] as const;

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'certif');
  const form = await requireForm(request, session);
  const scope = scopeOf(session.viewer);
  const sessionId = params.id ?? '';
  // Another centre's session answers 404 whatever the intent, like a session that does not exist.
  await sessionInScope(db(), scope, sessionId).catch(throwAsResponse);
  const intent = String(form.get('intent') ?? '');
  const now = new Date();
  const t = messagesFor(certifMessages, request);
  try {
    if (intent === 'enrol') {
      const raw = Object.fromEntries(CANDIDATE_FIELDS.map((k) => [k, String(form.get(k) ?? '')]));
      const result = await enrolCandidate(db(), scope, sessionId, raw, now);
      return { intent: 'enrol' as const, ok: result.ok, problems: result.check.problems.map((p) => t(`problem.${p}`)), values: result.ok ? null : raw };
    }
    if (intent === 'preview') {
      const file = form.get('file');
      if (!(file instanceof File) || file.size === 0) return { intent: 'preview' as const, error: t('csvFile.choose') };
      if (file.size > MAX_FILE) return { intent: 'preview' as const, error: t('csvFile.tooBig') };
      const text = await file.text();
      return { intent: 'preview' as const, text, report: csvReportInWords(await previewCandidateCsv(db(), scope, sessionId, text, now), t) };
    }
    if (intent === 'import') {
      const text = String(form.get('text') ?? '');
      const report = await importCandidateCsv(db(), scope, sessionId, text, now);
      return { intent: 'import' as const, report: csvReportInWords(report, t), imported: report.imported };
    }
    if (intent === 'remove') {
      await removeCandidate(db(), scope, sessionId, String(form.get('candidateId') ?? ''));
      return { intent: 'remove' as const };
    }
    if (intent === 'renew') {
      await renewInvigilatorPassword(db(), scope, sessionId);
      return { intent: 'renew' as const };
    }
    if (intent === 'lift') {
      const address = String(form.get('address') ?? '');
      await liftInvigilatorLock(db(), scope, { sessionId, address, actorId: session.viewer.id, ip: clientAddress(request) });
      return { intent: 'lift' as const, address };
    }
    if (intent === 'recheck') {
      return { intent: 'recheck' as const, checked: await recheckCertifiability(db(), scope, sessionId, now) };
    }
  } catch (error) {
    throwAsResponse(error);
  }
  throw new Response('Action inconnue', { status: 400 });
}

function CsvReportTable({ report }: { report: { rows: (CsvReportRow & { messages: string[] })[] } }) {
  const t = useMessages(certifMessages);
  return (
    <table className="certif-table">
      <caption>{t('csv.report')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('csv.line')}</th>
          <th scope="col">{t('csv.candidate')}</th>
          <th scope="col">{t('csv.result')}</th>
        </tr>
      </thead>
      <tbody>
        {report.rows.map((r) => (
          <tr key={r.line} className={r.problems.length ? 'certif-row-problem' : undefined}>
            <td>{r.line}</td>
            <td>{r.label}</td>
            <td>
              {r.problems.length ? (
                <ul>
                  {r.messages.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              ) : (
                <>
                  {t('csv.ok')}
                  {r.certifiable === null
                    ? ` – ${t('candidates.unknown')}`
                    : ` – ${t('candidates.certifiable')} : ${fill(t('candidates.yes'), { n: r.competencesWithLevel ?? 0 })}`}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function SessionPage() {
  const { session, candidates, locks } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(certifMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const busy = useNavigation().state !== 'idle';
  const editable = session.status === 'CREATED';
  const csrf = <input type="hidden" name="csrf" value={csrfToken ?? ''} />;
  const enrolValues = data && 'values' in data && data.values ? data.values : null;
  return (
    <>
      <CertifNav />
      <p className="muted">{session.centre.name}</p>
      <h1>{fill(t('detail.title'), { date: frDay(session.date, locale), time: session.time })}</h1>
      <p>
        {session.address}, {t('form.room').toLowerCase()} {session.room} – {t('form.examiner')} : {session.examiner} – {session.durationMinutes} min
      </p>
      {session.description ? <p>{session.description}</p> : null}
      <p>
        {editable ? <Link to={`/certif/sessions/${session.id}/modifier`}>{t('detail.edit')}</Link> : null} –{' '}
        <Link to="/surveillance">{t('detail.portal')}</Link> – <Link to={`/certif/sessions/${session.id}/finalisation`}>{t('detail.finalise')}</Link>
      </p>

      <section className="panel" aria-labelledby="access-title">
        <h2 id="access-title">{t('detail.access')}</h2>
        <p>
          {t('sessions.code')} :{' '}
          <span className="certif-code" data-testid="access-code">
            {session.accessCode}
          </span>
        </p>
        <p>
          {t('detail.password')} :{' '}
          <span className="certif-code" data-testid="invigilator-password">
            {session.invigilatorPassword}
          </span>
        </p>
        <p className="muted">{t('detail.codeHelp')}</p>
        <Form method="post">
          {csrf}
          <input type="hidden" name="intent" value="renew" />
          <button type="submit" disabled={busy}>
            {t('detail.renew')}
          </button>
        </Form>
        <h3 id="locks-title">{t('detail.locks')}</h3>
        <p className="muted">{t('detail.locksHelp')}</p>
        {data && data.intent === 'lift' ? <p role="status">{fill(t('detail.lifted'), { address: data.address })}</p> : null}
        {locks.length === 0 ? (
          <p data-testid="no-locks">{t('detail.locksNone')}</p>
        ) : (
          <table className="certif-table" data-testid="invigilator-locks" aria-labelledby="locks-title">
            <thead>
              <tr>
                <th scope="col">{t('detail.lockAddress')}</th>
                <th scope="col">{t('detail.lockFailures')}</th>
                <th scope="col">{t('detail.lockUntil')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('detail.lift')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {locks.map((lock) => (
                <tr key={lock.address}>
                  <td>{lock.address}</td>
                  <td>{lock.failures}</td>
                  <td>{lock.until}</td>
                  <td>
                    <Form method="post">
                      {csrf}
                      <input type="hidden" name="intent" value="lift" />
                      <input type="hidden" name="address" value={lock.address} />
                      <button type="submit" disabled={busy}>
                        {t('detail.lift')}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>{t('detail.parameters')}</h3>
        {session.parameterSetVersion !== null ? (
          <p>v{session.parameterSetVersion}</p>
        ) : (
          <p className="error-message" role="alert">
            {t('detail.parametersNone')}
          </p>
        )}
      </section>

      <section className="panel" aria-labelledby="candidates-title">
        <h2 id="candidates-title">
          {t('candidates.title')} ({candidates.length})
        </h2>
        {data && data.intent === 'recheck' ? <p role="status">{data.checked} vérifiés.</p> : null}
        {candidates.length === 0 ? (
          <p>{t('candidates.none')}</p>
        ) : (
          <table className="certif-table" data-testid="candidates">
            <thead>
              <tr>
                <th scope="col">{t('candidates.lastName')}</th>
                <th scope="col">{t('candidates.firstName')}</th>
                <th scope="col">{t('candidates.birthDate')}</th>
                <th scope="col">{t('candidates.birthPlace')}</th>
                <th scope="col">{t('candidates.email')}</th>
                <th scope="col">{t('candidates.extraTime')}</th>
                <th scope="col">{t('candidates.certifiable')}</th>
                {editable ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {candidates.map((c) => (
                <tr key={c.id}>
                  <td>{c.lastName}</td>
                  <td>{c.firstName}</td>
                  <td>{frDay(c.birthDate, locale)}</td>
                  <td>{c.birthPlace}</td>
                  <td>{c.email ?? '—'}</td>
                  <td>{c.extraTimePercentage}</td>
                  <td>
                    {c.certifiable === null
                      ? t('candidates.unknown')
                      : c.certifiable
                        ? fill(t('candidates.yes'), { n: c.competencesWithLevel ?? 0 })
                        : fill(t('candidates.no'), { n: c.competencesWithLevel ?? 0 })}
                  </td>
                  {editable ? (
                    <td>
                      {c.courseStatus === null ? (
                        <Form method="post">
                          {csrf}
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="candidateId" value={c.id} />
                          <button type="submit" disabled={busy} aria-label={`${t('candidates.remove')} ${c.firstName} ${c.lastName}`}>
                            {t('candidates.remove')}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {candidates.length > 0 ? (
          <Form method="post">
            {csrf}
            <input type="hidden" name="intent" value="recheck" />
            <button type="submit" disabled={busy}>
              {t('candidates.recheck')}
            </button>
          </Form>
        ) : null}
      </section>

      {editable ? (
        <>
          <section className="panel" aria-labelledby="enrol-title">
            <h2 id="enrol-title">{t('candidates.add')}</h2>
            {data && data.intent === 'enrol' ? (
              data.ok ? (
                <p role="status">{t('candidates.added')}</p>
              ) : (
                <div role="alert" className="error-message">
                  <ul>
                    {data.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                </div>
              )
            ) : null}
            <Form method="post" className="certif-form" key={data && data.intent === 'enrol' && data.ok ? candidates.length : 'enrol'}>
              {csrf}
              <input type="hidden" name="intent" value="enrol" />
              {(
                [
                  ['lastName', 'candidates.lastName', 'text', 'family-name'],
                  ['firstName', 'candidates.firstName', 'text', 'given-name'],
                  ['birthDate', 'candidates.birthDate', 'text', 'off'],
                  ['birthPlace', 'candidates.birthPlace', 'text', 'off'],
                  ['email', 'candidates.email', 'email', 'off'],
                  ['externalId', 'candidates.externalId', 'text', 'off'],
                  ['extraTimePercentage', 'candidates.extraTime', 'text', 'off'],
                ] as const
              ).map(([name, label, type, autoComplete]) => (
                <div key={name}>
                  <label htmlFor={`enrol-${name}`}>
                    {t(label)}
                    {name === 'birthDate' ? ' (jj/mm/aaaa)' : ''}
                  </label>
                  <input
                    id={`enrol-${name}`}
                    name={name}
                    type={type}
                    autoComplete={autoComplete}
                    defaultValue={enrolValues?.[name] ?? (name === 'extraTimePercentage' ? '0' : '')}
                  />
                </div>
              ))}
              <p>
                <button type="submit" className="primary" disabled={busy}>
                  {t('candidates.addSubmit')}
                </button>
              </p>
            </Form>
          </section>

          <section className="panel" aria-labelledby="csv-title">
            <h2 id="csv-title">{t('csv.title')}</h2>
            <p>
              {t('csv.help')}
              {CANDIDATE_CSV_HEADERS.join(' ; ')}. <a href="/certif/modele-candidats.csv">{t('csv.template')}</a>
            </p>
            <Form method="post" encType="multipart/form-data" className="certif-inline">
              {csrf}
              <input type="hidden" name="intent" value="preview" />
              <div>
                <label htmlFor="csv-file">{t('csv.file')}</label>
                <input id="csv-file" name="file" type="file" accept=".csv,text/csv" />
              </div>
              <button type="submit" disabled={busy}>
                {t('csv.preview')}
              </button>
            </Form>
            {data && data.intent === 'preview' && 'error' in data ? (
              <p className="error-message" role="alert">
                {data.error}
              </p>
            ) : null}
            {data && data.intent === 'preview' && 'report' in data && data.report ? (
              <div data-testid="csv-report">
                {data.report.fileError ? (
                  <p className="error-message" role="alert">
                    {data.report.fileError}
                  </p>
                ) : (
                  <>
                    <p role="status">{fill(t('csv.summary'), { a: data.report.accepted, r: data.report.rejected })}</p>
                    <CsvReportTable report={data.report} />
                    {data.report.accepted > 0 ? (
                      <Form method="post">
                        {csrf}
                        <input type="hidden" name="intent" value="import" />
                        <input type="hidden" name="text" value={data.text} />
                        <button type="submit" className="primary" disabled={busy}>
                          {fill(t('csv.confirm'), { n: data.report.accepted })}
                        </button>
                      </Form>
                    ) : null}
                  </>
                )}
              </div>
            ) : null}
            {data && data.intent === 'import' && 'report' in data && data.report ? (
              <div data-testid="csv-result">
                {data.report.fileError ? (
                  <p className="error-message" role="alert">
                    {data.report.fileError}
                  </p>
                ) : (
                  <>
                    <p role="status">{fill(t('csv.imported'), { n: data.imported ?? 0, r: data.report.rejected })}</p>
                    <CsvReportTable report={data.report} />
                  </>
                )}
              </div>
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}
