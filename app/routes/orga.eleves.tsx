import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { clientAddress } from '~/lib/client-address.server';
import { activeOrganisation, detachLearner, importClassList, listLearners, previewClassList, resetLearnerPassword } from '~/models/organisation.server';
import { CLASS_LIST_HEADER } from '../../engine/campaigns';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { Csrf } from '~/components/orga/Csrf';
import { classListInWords, orgaDate, orgaMessages } from '~/i18n/orga';
import { codedText, messagesFor, useLocale, useMessages } from '~/i18n';
import orgaStyles from '~/styles/orga.css';
import { fill } from '~/i18n/apprenant';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Élèves – Orga – Pix Workbench' }];

const MAX_FILE = 2 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  const learners = await listLearners(db(), organisation.id);
  // Resetting a password is for the organisation's administrators, on learner-only accounts matched by name and
  // birth date (resetRefusal); resetLearnerPassword checks it all again on the server.
  const canReset = organisation.role === 'ADMIN';
  return { organisation, canReset, learners: learners.map(({ resettable, ...l }) => ({ ...l, resettable: canReset && resettable })) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  const form = await requireForm(request, session);
  const intent = form.get('intent');
  if (intent === 'preview') {
    const file = form.get('file');
    const bytes = file instanceof File ? (file.size > MAX_FILE ? null : new Uint8Array(await file.arrayBuffer())) : null;
    if (bytes === null || bytes.length === 0)
      return {
        intent: 'preview' as const,
        error:
          file instanceof File && file.size > MAX_FILE
            ? messagesFor(orgaMessages, request)('learners.tooBig')
            : messagesFor(orgaMessages, request)('learners.chooseFile'),
      };
    const { text, ...check } = await previewClassList(db(), organisation.id, bytes);
    return { intent: 'preview' as const, text, check: classListInWords(check, messagesFor(orgaMessages, request)) };
  }
  if (intent === 'confirm') {
    const text = String(form.get('text') ?? '');
    const { created, updated, present, check } = await importClassList(db(), organisation.id, text);
    return {
      intent: 'confirm' as const,
      counts: { created, updated, present, rejected: check.rejected.length },
      fileError: check.fileError ? codedText(messagesFor(orgaMessages, request), 'classList', check.fileError) : null,
    };
  }
  const learnerId = String(form.get('learnerId') ?? '');
  const t = messagesFor(orgaMessages, request);
  if (intent === 'reset') {
    const result = await resetLearnerPassword(db(), { organisationId: organisation.id, learnerId, actorId: session.viewer.id, ip: clientAddress(request) });
    return result.ok ? { intent: 'reset' as const, ...result } : { intent: 'reset' as const, ok: false as const, error: codedText(t, 'notice', result.notice) };
  }
  if (intent === 'detach') {
    const result = await detachLearner(db(), organisation.id, learnerId);
    return { intent: 'detach' as const, ok: result.ok, text: codedText(t, 'notice', result.notice) };
  }
  throw new Response('Action inconnue', { status: 400 });
}

export default function Learners() {
  const { organisation, learners, canReset } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const t = useMessages(orgaMessages);
  const locale = useLocale();
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{t('learners.title')}</h1>
      <section aria-labelledby="import-title" className="panel">
        <h2 id="import-title">{t('learners.import')}</h2>
        <p>
          {t('learners.format')} <code>{CLASS_LIST_HEADER.join(';')}</code>. {t('learners.format2')}
        </p>
        <Form method="post" encType="multipart/form-data">
          <Csrf />
          <label htmlFor="file">{t('learners.file')}</label>{' '}
          <input
            id="file"
            name="file"
            type="file"
            accept=".csv,.txt,.xlsx,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet"
            required
          />{' '}
          <button type="submit" name="intent" value="preview" disabled={busy}>
            {t('learners.check')}
          </button>
        </Form>
        {data?.intent === 'preview' && 'error' in data && data.error ? (
          <p role="alert" className="notice error">
            {data.error}
          </p>
        ) : null}
        {data?.intent === 'preview' && 'check' in data && data.check ? (
          <div>
            {data.check.fileError ? (
              <p role="alert" className="notice error">
                {data.check.fileError}
              </p>
            ) : (
              <>
                <h3>{t('learners.preview')}</h3>
                <p>{fill(t('learners.source'), { source: data.check.source })}</p>
                <p role="status">
                  {fill(t('learners.counts'), {
                    new: data.check.valid.filter((l) => l.status === 'new').length,
                    update: data.check.valid.filter((l) => l.status === 'update').length,
                    present: data.check.valid.filter((l) => l.status === 'present').length,
                    rejected: data.check.rejected.length,
                  })}
                </p>
                {data.check.rejected.length > 0 ? (
                  <table className="orga-table">
                    <caption>{t('learners.rejected')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('learners.line')}</th>
                        <th scope="col">{t('learners.learner')}</th>
                        <th scope="col">{t('learners.problem')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.check.rejected.map((r) => (
                        <tr key={r.line} className="rejected">
                          <td>{r.line}</td>
                          <td>{r.label}</td>
                          <td>{r.errors.join(' ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {data.check.valid.length > 0 ? (
                  <>
                    <table className="orga-table">
                      <caption>{t('learners.valid')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('learners.line')}</th>
                          <th scope="col">{t('learners.lastName')}</th>
                          <th scope="col">{t('learners.firstName')}</th>
                          <th scope="col">{t('learners.class')}</th>
                          <th scope="col">{t('learners.number')}</th>
                          <th scope="col">{t('learners.birth')}</th>
                          <th scope="col">{t('learners.status')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.check.valid.map((l) => (
                          <tr key={l.line}>
                            <td>{l.line}</td>
                            <td>{l.lastName}</td>
                            <td>{l.firstName}</td>
                            <td>{l.division}</td>
                            <td>{l.studentNumber}</td>
                            <td>{orgaDate(`${l.birthDate}T12:00:00Z`, locale)}</td>
                            <td>
                              <span className={`import-status ${l.status}`}>{t(`learners.status.${l.status}`)}</span>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    {data.check.valid.some((l) => l.status !== 'present') ? (
                      <Form method="post">
                        <Csrf />
                        <input type="hidden" name="text" value={data.text} />
                        <button type="submit" name="intent" value="confirm" disabled={busy}>
                          {fill(t('learners.confirm'), {
                            new: data.check.valid.filter((l) => l.status === 'new').length,
                            update: data.check.valid.filter((l) => l.status === 'update').length,
                          })}
                        </button>
                      </Form>
                    ) : (
                      <p className="notice">{t('learners.nothingToImport')}</p>
                    )}
                  </>
                ) : null}
              </>
            )}
          </div>
        ) : null}
        {data?.intent === 'confirm' ? (
          data.fileError ? (
            <p role="alert" className="notice error">
              {data.fileError}
            </p>
          ) : (
            <p role="status" className="notice success">
              {fill(t('learners.imported'), data.counts)}
            </p>
          )
        ) : null}
      </section>
      {data?.intent === 'reset' ? (
        data.ok ? (
          <div role="status" className="notice success">
            {fill(t('learners.password'), { name: data.name, email: data.email })} <span className="temp-password">{data.password}</span>.{' '}
            {t('learners.passwordNote')}
          </div>
        ) : (
          <p role="alert" className="notice error">
            {data.error}
          </p>
        )
      ) : null}
      {data?.intent === 'detach' ? (
        data.ok ? (
          <p role="status" className="notice success">
            {data.text}
          </p>
        ) : (
          <p role="alert" className="notice error">
            {data.text}
          </p>
        )
      ) : null}
      <h2>{fill(t('learners.list'), { n: learners.length })}</h2>
      {canReset ? null : <p className="notice">{t('learners.resetAdminNote')}</p>}
      {learners.length === 0 ? (
        <p>{t('learners.none')}</p>
      ) : (
        <table className="orga-table">
          <caption className="visually-hidden">{t('learners.listCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('learners.lastName')}</th>
              <th scope="col">{t('learners.firstName')}</th>
              <th scope="col">{t('learners.class')}</th>
              <th scope="col">{t('learners.number')}</th>
              <th scope="col">{t('learners.birth')}</th>
              <th scope="col">{t('learners.account')}</th>
              <th scope="col">{t('learners.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {learners.map((l) => (
              <tr key={l.id}>
                <td>{l.lastName}</td>
                <td>{l.firstName}</td>
                <td>{l.division ?? '—'}</td>
                <td>{l.studentNumber ?? '—'}</td>
                <td>{l.birthDate ? orgaDate(`${l.birthDate}T12:00:00Z`, locale) : '—'}</td>
                <td>{l.account ?? t('learners.noAccount')}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <Csrf />
                    <input type="hidden" name="learnerId" value={l.id} />
                    {l.resettable ? (
                      <button type="submit" name="intent" value="reset" aria-label={fill(t('learners.resetOf'), { name: `${l.firstName} ${l.lastName}` })}>
                        {t('learners.reset')}
                      </button>
                    ) : null}{' '}
                    <button type="submit" name="intent" value="detach" aria-label={fill(t('learners.detachOf'), { name: `${l.firstName} ${l.lastName}` })}>
                      {t('learners.detach')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
