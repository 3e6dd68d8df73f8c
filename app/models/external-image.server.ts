/**
 * Copies an image an author took from another site into the platform's attachments, so that learners'
 * browsers no longer contact that site: the server asks for the address (http or https, never an
 * internal address unless LINK_CHECK_ALLOW_PRIVATE=1, redirects checked hop by hop), with a time limit,
 * reads at most MAX_ATTACHMENT_BYTES, keeps it only if its bytes are a PNG, JPEG, GIF or WebP image, and
 * stores it through storeAttachment. The editor then puts the attachment's address in place of the old
 * one (engine/challenges replaceImageSource). Failures are codes the page says in its language.
 */
import path from 'node:path';
import type { PrismaClient } from '../../prisma/client';
import { env } from '../lib/env.server';
import { guardedFetch } from '../lib/outbound-http.server';
import { ALLOWED_TYPES, MAX_ATTACHMENT_BYTES, storeAttachment } from './attachment.server';

export const EXTERNAL_IMAGE_ERRORS = ['invalidUrl', 'unreachable', 'timeout', 'internal', 'httpError', 'tooBig', 'notImage'] as const;
export type ExternalImageError = (typeof EXTERNAL_IMAGE_ERRORS)[number];

export interface CopyImageOptions {
  timeoutMs?: number;
  /** Ask internal addresses too (default: LINK_CHECK_ALLOW_PRIVATE=1, else no). */
  allowPrivateAddresses?: boolean;
  /** Which IP addresses count as internal (default isInternalAddress; tests narrow it). */
  internalAddress?: (address: string) => boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const IMAGE_TYPES = ALLOWED_TYPES.filter((t) => t.mimeType.startsWith('image/'));

export type CopyImageOutcome =
  { ok: true; attachment: { name: string; url: string; mimeType: string; size: number } } | { ok: false; error: ExternalImageError; status?: number };

/** The body read up to `limit` bytes; null when it is longer. */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array | null> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(announced) && announced > limit) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function failure(error: unknown): ExternalImageError {
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  const name = (error as { name?: string })?.name;
  if (code === 'EINTERNALADDRESS') return 'internal';
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  return 'unreachable';
}

/** Fetches the image at `url` and stores it as an attachment of `userId`. Never throws for what the site does. */
export async function copyImageToAttachments(
  client: PrismaClient,
  input: { url: string; userId: string },
  options: CopyImageOptions = {},
): Promise<CopyImageOutcome> {
  let url: URL;
  try {
    url = new URL(input.url.trim());
  } catch {
    return { ok: false, error: 'invalidUrl' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: 'invalidUrl' };
  let bytes: Uint8Array | null;
  try {
    const response = await guardedFetch(url, {
      method: 'GET',
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      allowPrivate: options.allowPrivateAddresses ?? env().LINK_CHECK_ALLOW_PRIVATE,
      internal: options.internalAddress,
      headers: { 'User-Agent': 'PixWorkbench/1.0 (copie d image en piece jointe)', Accept: 'image/png,image/jpeg,image/gif,image/webp' },
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, error: 'httpError', status: response.status };
    }
    if (!/^image\//i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, error: 'notImage' };
    }
    bytes = await readAtMost(response, MAX_ATTACHMENT_BYTES);
  } catch (error) {
    return { ok: false, error: failure(error) };
  }
  if (bytes === null) return { ok: false, error: 'tooBig' };
  // The type is the one of the bytes, whatever the name or the announced type say.
  const type = IMAGE_TYPES.find((t) => t.sniff(bytes));
  if (!type) return { ok: false, error: 'notImage' };
  let name = url.pathname;
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape: the name as written.
  }
  const base = path.posix.basename(name).replace(/\.[A-Za-z0-9]+$/, '') || 'image';
  const stored = await storeAttachment(client, { name: `${base}.${type.extensions[0]}`, bytes, userId: input.userId });
  if (!stored.ok) return { ok: false, error: 'notImage' };
  return stored;
}
