/**
 * The patches of patches/@remix-run+react+2.17.5.patch and patches/react-router-dom+6.30.4.patch
 * (docs/decisions/022): a document render reuses the route tree of its build (Remix's server routes, then
 * React Router's data routes) instead of making it again, so the router's match cache (decision 013) hits;
 * a new build (a new manifest, or another route module) gets a tree of its own; the HTML is the same.
 * Fails if patch-package did not apply the patches (e.g. after an upgrade of Remix or React Router).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { createElement, useContext } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStaticHandler, type StaticHandlerContext } from '@remix-run/router';
import { Outlet, RemixServer, type RemixServerProps } from '@remix-run/react';
import { UNSAFE_RouteContext as RouteContext } from 'react-router-dom';

type EntryContext = RemixServerProps['context'];
type RouteModules = EntryContext['routeModules'];

/** The route objects the leaf route rendered with, in the order of the renders. */
const seen: unknown[] = [];
function Leaf() {
  const { matches } = useContext(RouteContext);
  seen.push(matches[matches.length - 1]?.route);
  return createElement('p', null, 'Feuille');
}
function Root() {
  return createElement('main', null, createElement(Outlet));
}

const entryRoute = {
  index: undefined,
  caseSensitive: undefined,
  hasAction: false,
  hasLoader: false,
  hasClientAction: false,
  hasClientLoader: false,
  hasErrorBoundary: false,
};
function manifestOf(): EntryContext['manifest'] {
  return {
    entry: { imports: [], module: '/build/entry.client.js' },
    url: '/build/manifest.js',
    version: '1',
    routes: {
      root: { ...entryRoute, id: 'root', path: '', module: '/build/root.js' },
      'routes/feuille': { ...entryRoute, id: 'routes/feuille', parentId: 'root', path: 'feuille', module: '/build/feuille.js' },
    },
  };
}
const modules = { root: { default: Root }, 'routes/feuille': { default: Leaf } } as unknown as RouteModules;
const future = { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_lazyRouteDiscovery: true, v3_singleFetch: true };

async function render(manifest: EntryContext['manifest'], routeModules: RouteModules): Promise<string> {
  const handler = createStaticHandler([{ id: 'root', path: '', children: [{ id: 'routes/feuille', path: 'feuille' }] }]);
  const staticHandlerContext = (await handler.query(new Request('http://localhost/feuille'))) as StaticHandlerContext;
  // As Remix's server runtime makes it for each document: the same manifest, a new routeModules object.
  const context = {
    manifest,
    routeModules: { ...routeModules },
    staticHandlerContext,
    future,
    isSpaMode: false,
    serverHandoffString: '{}',
    criticalCss: undefined,
    serializeError: (error: Error) => ({ message: error.message, stack: undefined }),
    renderMeta: {},
  } as unknown as EntryContext;
  return renderToString(createElement(RemixServer, { context, url: 'http://localhost/feuille' }));
}

describe('the route tree of a build is made once (patches of decision 022)', () => {
  it('are applied to the files the server loads', () => {
    const require = createRequire(import.meta.url);
    expect(fs.readFileSync(require.resolve('@remix-run/react/dist/server.js'), 'utf8')).toContain('serverRoutesCache');
    expect(fs.readFileSync(require.resolve('react-router-dom/server'), 'utf8')).toContain('dataRoutesCache');
  });

  it('reuses the routes of the same build, with the same HTML', async () => {
    const manifest = manifestOf();
    seen.length = 0;
    const first = await render(manifest, modules);
    const second = await render(manifest, modules);
    expect(first).toContain('<main><p>Feuille</p></main>');
    expect(second).toBe(first);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
  });

  it('makes them again for a new build (a new manifest, or a route module that changed)', async () => {
    const manifest = manifestOf();
    seen.length = 0;
    const first = await render(manifest, modules);
    expect(await render(manifestOf(), modules)).toBe(first);
    const changed = { ...modules, 'routes/feuille': { default: Leaf } } as unknown as RouteModules;
    expect(await render(manifest, changed)).toBe(first);
    expect(await render(manifest, changed)).toBe(first);
    expect(seen).toHaveLength(4);
    expect(seen[1]).not.toBe(seen[0]);
    expect(seen[2]).not.toBe(seen[0]);
    expect(seen[3]).toBe(seen[2]);
  });
});
