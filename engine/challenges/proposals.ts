/**
 * Images inside choice proposals. A proposal stays a string (what the answer checker, search, diffs and
 * the editor read); an image in it is written as in Pix's proposals, in Markdown: `![alt text](address)`.
 * The learner's view draws such a part as an image when its address is one we serve or an https one
 * (isSafeImageSource); anything else stays text. Interchange maps these addresses like every other one
 * of a body (package files ↔ attachments).
 */
import { isSafeImageSource } from './body';

export type ProposalPart = { kind: 'text'; text: string } | { kind: 'image'; src: string; alt: string };

/** `![alt](src)`: alt without `]`, src without spaces or parentheses. */
const IMAGE = /!\[([^\]\n]*)\]\(([^\s()]+)\)/g;

/**
 * A proposal's text and images, in order. An image with an address that is not safe to show stays text,
 * unless `anyAddress` (interchange, where addresses are a package's relative paths).
 */
export function proposalParts(proposal: string, options: { anyAddress?: boolean } = {}): ProposalPart[] {
  const parts: ProposalPart[] = [];
  let last = 0;
  for (const m of proposal.matchAll(IMAGE)) {
    const [whole, alt, src] = m as unknown as [string, string, string];
    if (!options.anyAddress && !isSafeImageSource(src)) continue;
    if (m.index! > last) parts.push({ kind: 'text', text: proposal.slice(last, m.index) });
    parts.push({ kind: 'image', src, alt: alt.trim() });
    last = m.index! + whole.length;
  }
  if (last < proposal.length) parts.push({ kind: 'text', text: proposal.slice(last) });
  return parts;
}

/** The proposal with each image address replaced by `fn(address)`. */
export function mapProposalImages(proposal: string, fn: (src: string) => string): string {
  return proposal.replace(IMAGE, (_, alt: string, src: string) => `![${alt}](${fn(src)})`);
}

/** Every image address a proposal refers to (whatever its address). */
export function proposalImageUrls(proposal: string): string[] {
  return [...proposal.matchAll(IMAGE)].map((m) => m[2] as string);
}

/** An image as a proposal writes it (the alt text cannot hold `]` or a line break). */
export function proposalImage(src: string, alt: string): string {
  return `![${alt.replace(/[\]\n\r]+/g, ' ').trim()}](${src})`;
}
