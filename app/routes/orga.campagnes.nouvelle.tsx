import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, redirect, useActionData, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation } from '~/models/organisation.server';
import { listTargetProfiles } from '~/models/target-profile.server';
import { campaignInput, createCampaign } from '~/models/campaign.server';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { Csrf } from '~/components/orga/Csrf';
import orgaStyles from '~/styles/orga.css';
import { useMessages } from '~/i18n';
import { orgaMessages } from '~/i18n/orga';
import { fill } from '~/i18n/apprenant';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Nouvelle campagne – Orga – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  return { organisation, profiles: await listTargetProfiles(db(), organisation.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  const form = await requireForm(request, session);
  const parsed = campaignInput.safeParse({
    name: form.get('name') ?? '',
    type: form.get('type') ?? '',
    targetProfileId: String(form.get('targetProfileId') ?? ''),
    title: String(form.get('title') ?? ''),
    landingText: String(form.get('landingText') ?? ''),
    externalIdLabel: String(form.get('externalIdLabel') ?? ''),
    multipleSendings: form.get('multipleSendings') === 'on',
    autoShare: form.get('autoShare') === 'on',
  });
  if (!parsed.success) return { errors: [...new Set(parsed.error.issues.map((i) => i.message))] };
  const campaign = await createCampaign(db(), organisation.id, session.viewer.id, parsed.data);
  return redirect(`/orga/campagnes/${campaign.id}?creee=1`);
}

export default function NewCampaign() {
  const { organisation, profiles } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(orgaMessages);
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>{t('new.title')}</h1>
      <Form method="post" className="panel">
        <Csrf />
        {data?.errors ? (
          <div role="alert" className="notice error">
            <ul>
              {data.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <p>
          <label htmlFor="c-name">{t('new.name')}</label>
          <br />
          <input id="c-name" name="name" required maxLength={200} size={50} />
        </p>
        <fieldset>
          <legend>{t('new.type')}</legend>
          <label>
            <input type="radio" name="type" value="ASSESSMENT" defaultChecked /> {t('new.assessment')}
          </label>
          <br />
          <label>
            <input type="radio" name="type" value="PROFILES_COLLECTION" /> {t('new.collection')}
          </label>
        </fieldset>
        <p>
          <label htmlFor="c-profile">{t('new.profile')}</label>
          <br />
          <select id="c-profile" name="targetProfileId" defaultValue="">
            <option value="">{t('new.choose')}</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {fill(t('new.skills'), { name: p.name, n: p.skills })}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor="c-title">{t('new.titleField')}</label>
          <br />
          <input id="c-title" name="title" maxLength={200} size={50} />
        </p>
        <p>
          <label htmlFor="c-landing">{t('new.landing')}</label>
          <br />
          <textarea id="c-landing" name="landingText" rows={4} cols={60} />
        </p>
        <p>
          <label htmlFor="c-external">{t('new.external')}</label>
          <br />
          <input id="c-external" name="externalIdLabel" maxLength={100} />
        </p>
        <p>
          <label>
            <input type="checkbox" name="multipleSendings" /> {t('new.multiple')}
          </label>
        </p>
        <p>
          <label>
            <input type="checkbox" name="autoShare" /> {t('new.autoShare')}
          </label>
        </p>
        <button type="submit">{t('new.submit')}</button>
      </Form>
    </>
  );
}
