/**
 * Renders a rich-text document (tiptap / ProseMirror JSON) as React elements: paragraphs, lists, line
 * breaks, bold, italic, links and images. Only these; links and image sources are checked again here,
 * and no HTML string is ever injected, so stored content cannot run script on the page.
 */
import type { ReactNode } from 'react';
import { isSafeHref, isSafeImageSource, type RichDoc, type RichNode } from '../../../engine/challenges';

function renderText(node: RichNode, key: number): ReactNode {
  let out: ReactNode = node.text ?? '';
  for (const mark of node.marks ?? []) {
    if (mark.type === 'bold') out = <strong>{out}</strong>;
    else if (mark.type === 'italic') out = <em>{out}</em>;
    else if (mark.type === 'link') {
      const href = typeof mark.attrs?.['href'] === 'string' ? (mark.attrs['href'] as string) : '';
      if (isSafeHref(href)) {
        const external = /^https?:/i.test(href);
        out = (
          <a href={href} {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
            {out}
          </a>
        );
      }
    }
  }
  return <span key={key}>{out}</span>;
}

function renderNode(node: RichNode, key: number): ReactNode {
  const children = (node.content ?? []).map(renderNode);
  switch (node.type) {
    case 'text':
      return renderText(node, key);
    case 'hardBreak':
      return <br key={key} />;
    case 'paragraph':
      return <p key={key}>{children.length > 0 ? children : null}</p>;
    case 'bulletList':
      return <ul key={key}>{children}</ul>;
    case 'orderedList': {
      const start = typeof node.attrs?.['start'] === 'number' ? (node.attrs['start'] as number) : undefined;
      return (
        <ol key={key} start={start && start !== 1 ? start : undefined}>
          {children}
        </ol>
      );
    }
    case 'listItem':
      return <li key={key}>{children}</li>;
    case 'image': {
      const src = typeof node.attrs?.['src'] === 'string' ? (node.attrs['src'] as string) : '';
      const alt = typeof node.attrs?.['alt'] === 'string' ? (node.attrs['alt'] as string) : '';
      return isSafeImageSource(src) ? <img key={key} src={src} alt={alt} className="rich-image" /> : null;
    }
    default:
      return children.length > 0 ? <span key={key}>{children}</span> : null;
  }
}

export function RichText({ doc, className }: { doc: RichDoc | null | undefined; className?: string }) {
  if (!doc) return null;
  return <div className={className ?? 'rich-text'}>{(doc.content ?? []).map(renderNode)}</div>;
}
