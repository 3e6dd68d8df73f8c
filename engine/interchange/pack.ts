/**
 * A challenge body as a content-pack challenge (content/README.md): Markdown-lite text where it says the
 * documents exactly, and the exact tiptap documents in `rich` where it cannot, so that exporting and
 * re-importing loses nothing.
 */
import { mapProposalImages, markdownLiteToDoc, type ChallengeBody, type RichDoc, type RichNode } from '../challenges';
import type { PackChallenge } from '../../content/schema';

function inlineMd(nodes: RichNode[] = []): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '\n';
      if (n.type !== 'text') return inlineMd(n.content);
      let s = n.text ?? '';
      const marks = n.marks ?? [];
      if (marks.some((m) => m.type === 'italic')) s = `*${s}*`;
      if (marks.some((m) => m.type === 'bold')) s = `**${s}**`;
      const link = marks.find((m) => m.type === 'link');
      if (link) s = `[${s}](${String(link.attrs?.['href'] ?? '')})`;
      return s;
    })
    .join('');
}

/** Markdown-lite for a document (best effort: the caller checks it reads back the same). */
export function docToMarkdownLite(doc: RichDoc): string {
  return doc.content
    .map((block) => {
      if (block.type === 'bulletList') return (block.content ?? []).map((li) => `- ${(li.content ?? []).map((p) => inlineMd(p.content)).join(' ')}`).join('\n');
      if (block.type === 'orderedList') {
        const start = typeof block.attrs?.['start'] === 'number' ? (block.attrs['start'] as number) : 1;
        return (block.content ?? []).map((li, i) => `${start + i}. ${(li.content ?? []).map((p) => inlineMd(p.content)).join(' ')}`).join('\n');
      }
      return inlineMd(block.content);
    })
    .join('\n\n');
}

/** Whether two JSON values are the same: same types, same array items in order, same keys with the same values. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Markdown-lite when it reads back to exactly this document, else null. */
function exactMarkdown(doc: RichDoc): string | null {
  const md = docToMarkdownLite(doc);
  return md.trim() !== '' && sameJson(markdownLiteToDoc(md), doc) ? md : null;
}

export function bodyToPackChallenge(key: string, isPrototype: boolean, body: ChallengeBody, status?: PackChallenge['status']): PackChallenge {
  const rich: NonNullable<PackChallenge['rich']> = {};
  const instruction = exactMarkdown(body.instruction);
  if (instruction === null) rich.instruction = body.instruction as never;
  let alternative: string | undefined;
  if (body.alternativeInstruction) {
    const md = exactMarkdown(body.alternativeInstruction);
    if (md === null) rich.alternativeInstruction = body.alternativeInstruction as never;
    else alternative = md;
  }
  let solution = '—';
  if (body.solutionExplanation === null) rich.solutionExplanation = null;
  else {
    const md = exactMarkdown(body.solutionExplanation);
    if (md === null) rich.solutionExplanation = body.solutionExplanation as never;
    else solution = md;
  }
  const { type, ...answer } = body.answer;
  const out = {
    key,
    prototype: isPrototype,
    type,
    instruction: instruction ?? (docToMarkdownLite(body.instruction).trim() || '—'),
    ...(alternative !== undefined ? { alternativeInstruction: alternative } : {}),
    solution,
    answer,
    timer: body.timer,
    focused: body.focused,
    embed: body.embed,
    illustration: body.illustration,
    locales: body.locales,
    ...(status && status !== 'valide' ? { status } : {}),
    authors: body.authors,
    accessibility: body.accessibility,
    pedagogy: body.pedagogy,
    ...(body.attachments.length ? { attachments: body.attachments } : {}),
    ...(Object.keys(rich).length ? { rich } : {}),
  };
  return out as unknown as PackChallenge;
}

/** Every address a body refers to (images in its rich text and in choice proposals, illustration, attachments). */
export function bodyUrls(body: ChallengeBody): string[] {
  const out: string[] = [];
  mapBodyUrls(body, (url) => {
    out.push(url);
    return url;
  });
  return [...new Set(out)];
}

/** The body with every address it refers to replaced by `fn(address)`. */
export function mapBodyUrls(body: ChallengeBody, fn: (url: string) => string): ChallengeBody {
  const mapNode = (n: RichNode): RichNode => ({
    ...n,
    ...(n.type === 'image' && typeof n.attrs?.['src'] === 'string' ? { attrs: { ...n.attrs, src: fn(n.attrs['src']) } } : {}),
    ...(n.content ? { content: n.content.map(mapNode) } : {}),
  });
  const mapDoc = (d: RichDoc): RichDoc => ({ ...d, content: d.content.map(mapNode) });
  return {
    ...body,
    instruction: mapDoc(body.instruction),
    alternativeInstruction: body.alternativeInstruction ? mapDoc(body.alternativeInstruction) : null,
    solutionExplanation: body.solutionExplanation ? mapDoc(body.solutionExplanation) : null,
    illustration: body.illustration ? { ...body.illustration, url: fn(body.illustration.url) } : null,
    attachments: body.attachments.map((a) => ({ ...a, url: fn(a.url) })),
    // Images inside choice proposals (`![alt](address)`, engine/challenges/proposals.ts).
    answer:
      body.answer.type === 'QCU' || body.answer.type === 'QCM'
        ? { ...body.answer, proposals: body.answer.proposals.map((p) => mapProposalImages(p, fn)) }
        : body.answer,
  };
}
