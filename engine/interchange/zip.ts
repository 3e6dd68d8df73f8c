/**
 * Zip archives for the interchange packages, with fflate (decision 018). Reading refuses a package by its
 * size before anything is inflated, then by the uncompressed sizes the archive declares, then by the sizes
 * actually inflated; every entry name must stay inside the package (no absolute path, no `..`).
 * Writing is deterministic (fixed dates, entries in the order given).
 */
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';

export const MAX_PACKAGE_BYTES = 20 * 1024 * 1024;
export const MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
export const MAX_ENTRY_BYTES = 20 * 1024 * 1024;
export const MAX_ENTRIES = 2000;

export class PackageError extends Error {
  constructor(
    /** The file of the package the problem is about ('' for the package itself). */
    readonly file: string,
    reason: string,
  ) {
    super(file ? `${file} : ${reason}` : reason);
    this.name = 'PackageError';
  }
}

const mb = (n: number) => `${Math.round(n / 1048576)} Mo`;

/**
 * A path inside the package: `base` is the folder of the file that names it ('' for the root). Returns the
 * normalised path, or throws a PackageError when it leaves the package or is absolute.
 */
export function packagePath(ref: string, base: string, file: string): string {
  const decoded = (() => {
    try {
      return decodeURIComponent(ref);
    } catch {
      return ref;
    }
  })();
  if (/^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.startsWith('/') || decoded.includes('\\'))
    throw new PackageError(file, `le chemin « ${ref} » doit être relatif au paquet`);
  const parts: string[] = base ? base.split('/') : [];
  for (const part of decoded.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new PackageError(file, `le chemin « ${ref} » sort du paquet`);
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) throw new PackageError(file, `chemin vide « ${ref} »`);
  return parts.join('/');
}

export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The files of a zip archive by normalised path, or a PackageError. */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  if (bytes.length > MAX_PACKAGE_BYTES) throw new PackageError('', `le paquet dépasse ${mb(MAX_PACKAGE_BYTES)} (${mb(bytes.length)}) : rien n’a été importé`);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new PackageError('', 'ce fichier n’est pas une archive zip');
  let declared = 0;
  let count = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(info) {
        if (++count > MAX_ENTRIES) throw new PackageError('', `plus de ${MAX_ENTRIES} fichiers dans le paquet`);
        if (info.name.endsWith('/')) return false;
        packagePath(info.name, '', info.name);
        if (info.originalSize > MAX_ENTRY_BYTES)
          throw new PackageError(info.name, `fichier de ${mb(info.originalSize)} une fois décompressé (au plus ${mb(MAX_ENTRY_BYTES)})`);
        declared += info.originalSize;
        if (declared > MAX_UNCOMPRESSED_BYTES)
          throw new PackageError('', `le paquet décompressé dépasserait ${mb(MAX_UNCOMPRESSED_BYTES)} : rien n’a été importé`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof PackageError) throw error;
    throw new PackageError('', `archive zip illisible (${(error as Error).message})`);
  }
  const out = new Map<string, Uint8Array>();
  let total = 0;
  for (const [name, data] of Object.entries(entries)) {
    total += data.length;
    if (data.length > MAX_ENTRY_BYTES || total > MAX_UNCOMPRESSED_BYTES) throw new PackageError(name, 'taille décompressée différente de celle annoncée');
    out.set(packagePath(name, '', name), data);
  }
  return out;
}

const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));

/** A zip archive of the files, in the order given, with fixed dates (same input, same bytes). */
export function writeZip(files: Map<string, Uint8Array | string>): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, data] of files) zippable[name] = [typeof data === 'string' ? strToU8(data) : data, { mtime: FIXED_DATE }];
  return zipSync(zippable, { level: 6 });
}

export function utf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PackageError(file, 'le texte n’est pas en UTF-8');
  }
}
