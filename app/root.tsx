import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useNonce } from '~/lib/nonce';
import type { ShouldRevalidateFunction } from '@remix-run/react';
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import stylesheet from './styles.css';
import { lookUpSession } from './lib/session.server';
import { db } from './lib/db.server';
import { ongoingCertificationOf } from './models/certification-test.server';
import { SPACES, canEnter } from './lib/roles';
import { isMessageKey, localeFromRequest, translate, useT, type Locale } from './i18n';
import { isHandedOver } from './lib/results-handoff';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, certification } = await lookUpSession(request);
  const locale: Locale = localeFromRequest(request);
  // During a certification test the navigation is hidden (its pages are closed: app/lib/certification-lock.server.ts);
  // the session's statement tells it when this call read the session.
  const inCertification = session ? (certification === 'unknown' ? await ongoingCertificationOf(db(), session.viewer.id) : certification) !== null : false;
  return {
    locale,
    csrfToken: session?.csrfToken ?? null,
    viewer: session?.viewer ?? null,
    inCertification,
    spaces: session && !inCertification ? SPACES.filter((s) => canEnter(session.viewer, s.id)) : [],
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

/**
 * An answer in a competence test returns the next question with it (routes/competences.$code.evaluation):
 * nothing the root knows (viewer, language, spaces) changed, so the answer costs one request.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, actionResult, nextUrl, defaultShouldRevalidate }) =>
  formAction &&
  /^\/competences\/[^/]+\/evaluation$/.test(formAction) &&
  // The next question, or the results the last answer brought (on the way to their page): a test's end
  // changes nothing of the root either.
  ((actionResult && typeof actionResult === 'object' && 'step' in actionResult) || isHandedOver(nextUrl.pathname))
    ? false
    : // A tutorial kept or dropped on a test's results page: nothing of the root changes either (and the
      // results page, which has a clientLoader, would ask its own loader in a request of its own).
      formAction && /^\/competences\/[^/]+\/resultats$/.test(formAction)
      ? false
      : defaultShouldRevalidate;

export function useRootData(): RootData {
  return useRouteLoaderData('root') as RootData;
}

function Header() {
  const data = useRouteLoaderData('root') as RootData | undefined;
  const t = useT();
  const location = useLocation();
  const locale = data?.locale ?? 'fr';
  return (
    <header className="site-header">
      <a className="skip-link" href="#contenu">
        {t('nav.skip')}
      </a>
      <div className="brand">
        <Link to="/">{t('app.name')}</Link>
      </div>
      {data?.viewer && !data.inCertification ? (
        <nav aria-label={t('nav.main')}>
          <ul className="nav-list">
            {data.spaces.map((space) => (
              <li key={space.id}>
                <NavLink to={space.path}>{translate(locale, space.labelKey as Parameters<typeof translate>[1])}</NavLink>
              </li>
            ))}
            <li>
              <NavLink to="/referentiel">{t('nav.framework')}</NavLink>
            </li>
          </ul>
        </nav>
      ) : null}
      <div className="header-tools">
        <Form method="post" action="/langue">
          <input type="hidden" name="lang" value={locale === 'fr' ? 'en' : 'fr'} />
          <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
          <button type="submit" className="link-button" lang={locale === 'fr' ? 'en' : 'fr'}>
            {t('nav.switchTo')}
          </button>
        </Form>
        {data?.viewer ? (
          <Form method="post" action="/deconnexion">
            <input type="hidden" name="csrf" value={data.csrfToken ?? ''} />
            <span className="viewer-name">
              {data.viewer.firstName} {data.viewer.lastName}
            </span>{' '}
            <button type="submit" className="link-button">
              {t('nav.signout')}
            </button>
          </Form>
        ) : null}
      </div>
    </header>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData('root') as RootData | undefined;
  // The Content-Security-Policy's nonce (server only; see app/entry.server.tsx).
  const nonce = useNonce();
  return (
    <html lang={data?.locale ?? 'fr'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Header />
        <main id="contenu" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  let title = t('error.generic');
  let text = '';
  if (isRouteErrorResponse(error)) {
    if (error.status === 403) {
      title = t('error.forbidden');
      text = t('error.forbiddenText');
    } else if (error.status === 404) {
      title = t('error.notFound');
      if (isMessageKey(error.data)) text = t(error.data);
    } else {
      // Routes throw a code of the common dictionary (httpError), said here in the page's language.
      text = isMessageKey(error.data) ? t(error.data) : typeof error.data === 'string' ? error.data : '';
    }
  }
  return (
    <section className="panel" role="alert">
      <h1>{title}</h1>
      {text ? <p>{text}</p> : null}
      <p>
        <Link to="/">{t('error.backHome')}</Link>
      </p>
    </section>
  );
}
