/**
 * QTI 3.0 content packages (decision 018): a zip with `imsmanifest.xml` at its root (IMS CP with the
 * `QTI Package` 3.0.0 metadata), one `imsqti_item_xmlv3p0` resource per item under `items/`, media as
 * `webcontent` resources under `media/` with relative paths and `<dependency>` entries, and a test
 * (`imsqti_test_xmlv3p0`) whose item references carry the timers as `qti-time-limits`. What QTI cannot say
 * is the `PixExtension` of each item, as JSON in the item resource's metadata under the workbench's own
 * namespace (IMS CP lets any namespace extend resource metadata; other tools ignore it).
 *
 * Reading refuses the whole package, naming the file, for: no manifest, a manifest naming a missing file, a
 * path leaving the package, a package or content too large, XML with a DOCTYPE or entities, an unknown
 * namespace. Items that are well-formed QTI but that the workbench cannot take are refused one by one
 * with their identifier and the reason; the others are returned.
 */
import type { ChallengeBody } from '../challenges/model';
import { bodyUrls, mapBodyUrls } from './pack';
import { challengeToQtiItem, qtiIdentifier, QtiFileError, qtiToChallenge, QTI3_NAMESPACE, type PixExtension } from './qti';
import { el, elements, localName, parseXml, textOf, writeXml, XmlError, type XmlElement } from './xml';
import { folderOf, packagePath, PackageError, readZip, utf8, writeZip } from './zip';

export const CP_NAMESPACE = 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1';
const CP_NAMESPACES = [CP_NAMESPACE, 'http://www.imsglobal.org/xsd/imscp_v1p1'];
export const PIX_NAMESPACE = 'urn:pix-workbench:qti-extension:1';
const ITEM_TYPES = /^imsqti_item_xmlv(3p0|2p1|2p2)$/;
const TEST_TYPES = /^imsqti_test_xmlv(3p0|2p1|2p2)$/;
/** Marks a body address that names a file of the package (the caller stores the file and rewrites it). */
export const PACKAGE_URL_PREFIX = 'package:';

export interface ExportChallenge {
  key: string;
  title?: string;
  body: ChallengeBody;
}
/** A file a body refers to by `url`, put in the package. */
export interface ExportMedia {
  url: string;
  name: string;
  bytes: Uint8Array;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'fichier';
}

/** The files of the QTI 3.0 package of these challenges (zip them with `writeZip`). */
export function qtiPackageFiles(challenges: ExportChallenge[], media: ExportMedia[] = [], identifier = 'pix-workbench'): Map<string, Uint8Array | string> {
  const mediaPath = new Map<string, string>();
  const mediaFiles = new Map<string, Uint8Array>();
  media.forEach((m, i) => {
    if (mediaPath.has(m.url)) return;
    const path = `media/${String(i + 1).padStart(3, '0')}-${safeName(m.name)}`;
    mediaPath.set(m.url, path);
    mediaFiles.set(path, m.bytes);
  });
  const mediaIds = new Map([...mediaFiles.keys()].map((p, i) => [p, `MEDIA_${i + 1}`]));
  const resources: XmlElement[] = [];
  const refs: XmlElement[] = [];
  const files = new Map<string, Uint8Array | string>();
  const used = new Set<string>();
  for (const c of challenges) {
    let id = qtiIdentifier(c.key);
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    const path = `items/${id}.xml`;
    const deps = new Set<string>();
    const body = mapBodyUrls(c.body, (url) => {
      const p = mediaPath.get(url);
      if (!p) return url;
      deps.add(p);
      return `../${p}`;
    });
    const { xml, extension } = challengeToQtiItem(id, body, c.title ?? c.key);
    files.set(path, xml);
    resources.push(
      el(
        'resource',
        { identifier: `ITEM_${id}`, type: 'imsqti_item_xmlv3p0', href: path },
        el('metadata', {}, el('pix:challenge', { 'xmlns:pix': PIX_NAMESPACE, key: c.key }, JSON.stringify(extension))),
        el('file', { href: path }),
        [...deps].map((d) => el('dependency', { identifierref: mediaIds.get(d)! })),
      ),
    );
    refs.push(
      el(
        'qti-assessment-item-ref',
        { identifier: id, href: `../${path}` },
        c.body.timer ? el('qti-time-limits', { 'max-time': c.body.timer, 'allow-late-submission': false }) : null,
      ),
    );
  }
  const test = el(
    'qti-assessment-test',
    { xmlns: QTI3_NAMESPACE, identifier: qtiIdentifier(identifier), title: identifier },
    el(
      'qti-test-part',
      { identifier: 'PART_1', 'navigation-mode': 'nonlinear', 'submission-mode': 'individual' },
      el('qti-assessment-section', { identifier: 'SECTION_1', title: identifier, visible: true }, refs),
    ),
  );
  files.set('tests/test.xml', writeXml(test));
  for (const [path, bytes] of mediaFiles) {
    files.set(path, bytes);
    resources.push(el('resource', { identifier: mediaIds.get(path)!, type: 'webcontent', href: path }, el('file', { href: path })));
  }
  resources.push(
    el(
      'resource',
      { identifier: 'TEST_1', type: 'imsqti_test_xmlv3p0', href: 'tests/test.xml' },
      el('file', { href: 'tests/test.xml' }),
      challenges.map((_, i) => el('dependency', { identifierref: resources[i]!.attrs['identifier']! })),
    ),
  );
  const manifest = el(
    'manifest',
    {
      xmlns: CP_NAMESPACE,
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': `${CP_NAMESPACE} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd`,
      identifier: `MANIFEST_${qtiIdentifier(identifier)}`,
    },
    el('metadata', {}, el('schema', {}, 'QTI Package'), el('schemaversion', {}, '3.0.0')),
    el('organizations'),
    el('resources', {}, resources),
  );
  return new Map([['imsmanifest.xml', writeXml(manifest)], ...files]);
}

/** The QTI 3.0 package of these challenges as zip bytes. */
export function writeQtiPackage(challenges: ExportChallenge[], media: ExportMedia[] = [], identifier?: string): Uint8Array {
  return writeZip(qtiPackageFiles(challenges, media, identifier));
}

// =============================================================================================
// Reading

export interface PackageItem {
  file: string;
  identifier: string;
  title: string;
  /** Challenge key the workbench exported it from (from the extension), if any. */
  key: string | null;
  interaction: string;
  /** Addresses of files of the package are `package:<path>`. */
  body: ChallengeBody;
}
export interface PackageRead {
  items: PackageItem[];
  refused: { identifier: string; file: string; reason: string }[];
  /** Files the accepted items refer to, by path. */
  media: Map<string, Uint8Array>;
}

function parseIn(file: string, text: string): XmlElement {
  try {
    return parseXml(text);
  } catch (error) {
    throw new PackageError(file, error instanceof XmlError ? error.message : String(error));
  }
}

function namespaceOf(root: XmlElement): string | undefined {
  const i = root.name.indexOf(':');
  return i < 0 ? root.attrs['xmlns'] : root.attrs[`xmlns:${root.name.slice(0, i)}`];
}

/** Seconds of `max-time` by item file, from the package's tests. */
function timeLimits(files: Map<string, Uint8Array>, testPaths: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const path of testPaths) {
    const root = parseIn(path, utf8(files.get(path)!, path));
    const walk = (n: XmlElement) => {
      for (const c of elements(n)) {
        const local = localName(c.name);
        if (local === 'qti-assessment-item-ref' || local === 'assessmentItemRef') {
          const limit = elements(c).find((x) => ['qti-time-limits', 'timeLimits'].includes(localName(x.name)));
          const max = Number(limit?.attrs['max-time'] ?? limit?.attrs['maxTime']);
          if (c.attrs['href'] && Number.isFinite(max) && max > 0) out.set(packagePath(c.attrs['href'], folderOf(path), path), Math.round(max));
        } else walk(c);
      }
    };
    walk(root);
  }
  return out;
}

/** Reads a QTI content package (zip bytes). Throws a PackageError naming the file when the package is refused. */
export function readQtiPackage(bytes: Uint8Array, authors: string[]): PackageRead {
  const files = readZip(bytes);
  const manifestBytes = files.get('imsmanifest.xml');
  if (!manifestBytes) throw new PackageError('imsmanifest.xml', 'absent à la racine du paquet : ce n’est pas un paquet de contenu QTI');
  const manifest = parseIn('imsmanifest.xml', utf8(manifestBytes, 'imsmanifest.xml'));
  const ns = namespaceOf(manifest);
  if (localName(manifest.name) !== 'manifest') throw new PackageError('imsmanifest.xml', `l’élément racine doit être <manifest> (trouvé <${manifest.name}>)`);
  if (!ns || !CP_NAMESPACES.includes(ns))
    throw new PackageError('imsmanifest.xml', `espace de noms ${ns ?? '(absent)'} inconnu : IMS CP attendu (${CP_NAMESPACE})`);
  const resources = elements(manifest, 'resources').flatMap((r) => elements(r, 'resource'));
  const items: { resource: XmlElement; path: string }[] = [];
  const tests: string[] = [];
  for (const r of resources) {
    const id = r.attrs['identifier'] ?? '?';
    const paths = elements(r, 'file').map((f) => packagePath(f.attrs['href'] ?? '', '', 'imsmanifest.xml'));
    const href = r.attrs['href'] ? packagePath(r.attrs['href'], '', 'imsmanifest.xml') : paths[0];
    for (const p of new Set([...paths, ...(href ? [href] : [])]))
      if (!files.has(p)) throw new PackageError('imsmanifest.xml', `le fichier « ${p} » de la ressource ${id} est absent du paquet`);
    const type = r.attrs['type'] ?? '';
    if (ITEM_TYPES.test(type)) {
      if (!href) throw new PackageError('imsmanifest.xml', `la ressource ${id} ne nomme aucun fichier`);
      items.push({ resource: r, path: href });
    } else if (TEST_TYPES.test(type) && href) tests.push(href);
  }
  if (items.length === 0) throw new PackageError('imsmanifest.xml', 'aucune ressource de type imsqti_item_xmlv3p0 (ni v2p1, v2p2) : aucun item à importer');
  const timers = timeLimits(files, tests);

  const out: PackageRead = { items: [], refused: [], media: new Map() };
  for (const { resource, path } of items) {
    const extElement = elements(resource, 'metadata')
      .flatMap((m) => elements(m, 'challenge'))
      .find((e) => namespaceOf(e) === PIX_NAMESPACE);
    let extension: PixExtension | undefined;
    if (extElement) {
      try {
        extension = JSON.parse(textOf(extElement)) as PixExtension;
      } catch {
        throw new PackageError('imsmanifest.xml', `extension de la ressource ${resource.attrs['identifier'] ?? path} illisible (JSON invalide)`);
      }
    }
    let read;
    try {
      read = qtiToChallenge(utf8(files.get(path)!, path), authors, { extension, timer: timers.get(path) ?? null });
    } catch (error) {
      if (error instanceof QtiFileError) throw new PackageError(path, error.message);
      throw error;
    }
    if (!read.ok) {
      out.refused.push({ identifier: read.identifier ?? path, file: path, reason: read.reason });
      continue;
    }
    const base = folderOf(path);
    const media = new Map<string, Uint8Array>();
    for (const url of bodyUrls(read.body)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/') || url === '') continue;
      const p = packagePath(url, base, path);
      const data = files.get(p);
      if (!data) throw new PackageError(path, `le fichier « ${url} » auquel renvoie l’item est absent du paquet`);
      media.set(p, data);
    }
    const body = mapBodyUrls(read.body, (url) =>
      /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/') || url === '' ? url : `${PACKAGE_URL_PREFIX}${packagePath(url, base, path)}`,
    );
    for (const [p, data] of media) out.media.set(p, data);
    out.items.push({
      file: path,
      identifier: read.identifier,
      title: read.title,
      key: extElement?.attrs['key'] ?? null,
      interaction: read.interaction,
      body,
    });
  }
  return out;
}
