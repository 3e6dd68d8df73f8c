import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, NavLink, Outlet, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignOfViewer } from '~/models/campaign-dashboard.server';
import { useLocale, useMessages } from '~/i18n';
import { orgaDate, orgaMessages } from '~/i18n/orga';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { CopyButton } from '~/components/orga/CopyButton';
import orgaStyles from '~/styles/orga.css';
import { fill } from '~/i18n/apprenant';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.name ?? 'Campagne'} – Orga – Pix Workbench` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const c = await campaignOfViewer(db(), viewer, params.id ?? '');
  const origin = new URL(request.url).origin;
  return {
    campaign: {
      id: c.id,
      name: c.name,
      code: c.code,
      type: c.type,
      title: c.title,
      organisation: c.organisation.name,
      organisationId: c.organisationId,
      targetProfile: c.targetProfile?.name ?? null,
      creator: `${c.creator.firstName} ${c.creator.lastName}`,
      createdAt: c.createdAt.toISOString(),
      archived: c.archivedAt !== null,
      link: `${origin}/campagnes/${c.code}`,
    },
  };
}

export default function CampaignLayout() {
  const { campaign } = useLoaderData<typeof loader>();
  const t = useMessages(orgaMessages);
  const [params] = useSearchParams();
  const locale = useLocale();
  const base = `/orga/campagnes/${campaign.id}`;
  return (
    <>
      <OrgaNav organisation={campaign.organisation} organisationId={campaign.organisationId} />
      <p>
        <Link to="/orga">{t('campaign.all')}</Link>
      </p>
      <h1>{campaign.name}</h1>
      {params.get('creee') ? (
        <p role="status" className="notice success">
          {t('campaign.created')}
        </p>
      ) : null}
      <dl className="campaign-facts">
        <dt>{t('col.code')}</dt>
        <dd>
          <span className="code" data-testid="campaign-code">
            {campaign.code}
          </span>{' '}
          <CopyButton value={campaign.code} label={t('campaign.copyCode')} copied={t('campaign.codeCopied')} failed={t('campaign.copyFailed')} />
        </dd>
        <dt>{t('campaign.link')}</dt>
        <dd>
          <a href={campaign.link}>{campaign.link}</a>
        </dd>
        <dt>{t('col.type')}</dt>
        <dd>
          {t(`type.${campaign.type}`)}
          {campaign.targetProfile ? fill(t('campaign.profile'), { name: campaign.targetProfile }) : ''}
        </dd>
        <dt>{t('col.createdBy')}</dt>
        <dd>
          {fill(t('campaign.createdOn'), { creator: campaign.creator, date: orgaDate(campaign.createdAt, locale) })}
          {campaign.archived ? t('campaign.isArchived') : ''}
        </dd>
      </dl>
      <nav aria-label={t('campaign.dashboards')} className="orga-tabs">
        <ul>
          <li>
            <NavLink to={base} end>
              {t('tabs.activity')}
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/participants`}>{t('tabs.participants')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/resultats`}>{t('tabs.results')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/sujets`}>{t('tabs.topics')}</NavLink>
          </li>
          <li>
            <a href={`${base}/export.csv`} download>
              {t('campaign.export')}
            </a>
          </li>
          <li>
            <a href={`${base}/export.csv?format=brut`} download>
              {t('campaign.exportRaw')}
            </a>
          </li>
          <li>
            <a href={`${base}/export.csv?acquis=1`} download>
              {t('campaign.exportSkills')}
            </a>
          </li>
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
