/**
 * A small rich-text editor (tiptap) for instructions and explanations: bold, italic, bullet and numbered
 * lists, links, and images that must have an alternative text. Keyboard usable (Ctrl+B, Ctrl+I, the
 * toolbar buttons are ordinary buttons), labelled for screen readers. Its JSON goes to `onChange`.
 * With `maxLength`, the stated limit is said under the text and, near it, the count (a polite live region).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { EditorContent, Node, mergeAttributes, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { NEAR_LIMIT_SHARE, formatCount, isSafeHref, isSafeImageSource, richTextLength, type RichDoc } from '../../../engine/challenges';
import { creationMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';

/** Inline images with their alternative text (there is no image extension in the installed tiptap packages). */
const Image = Node.create({
  name: 'image',
  inline: true,
  group: 'inline',
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    return { src: { default: null }, alt: { default: '' } };
  },
  parseHTML() {
    return [{ tag: 'img[src]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['img', mergeAttributes(HTMLAttributes, { class: 'rte-image' })];
  },
});

export interface RichTextEditorProps {
  id: string;
  label: string;
  value: RichDoc | null;
  onChange: (doc: RichDoc) => void;
  hint?: string;
  errors?: string[];
  readOnly?: boolean;
  /** The stated limit in characters of text (counted as the server counts). */
  maxLength?: number;
}

type Panel = null | 'link' | 'image';

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

export function RichTextEditor({ id, label, value, onChange, hint, errors, readOnly, maxLength }: RichTextEditorProps) {
  const t = useMessages(creationMessages);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const hasErrors = (errors?.length ?? 0) > 0;
  const showLimit = maxLength !== undefined && !readOnly;
  const describedBy = [hint ? `${id}-hint` : null, showLimit ? `${id}-count` : null, hasErrors ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const length = showLimit ? richTextLength(value) : 0;
  const near = showLimit && length >= maxLength * NEAR_LIMIT_SHARE;
  const over = showLimit && length > maxLength;

  const attributes = {
    id: `${id}-content`,
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-labelledby': `${id}-label`,
    class: 'rte-content',
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(hasErrors ? { 'aria-invalid': 'true' } : {}),
  };

  const editor = useEditor({
    immediatelyRender: false,
    extensions: [
      StarterKit.configure({
        heading: false,
        blockquote: false,
        codeBlock: false,
        code: false,
        horizontalRule: false,
        strike: false,
        underline: false,
        link: { openOnClick: false, autolink: true, defaultProtocol: 'https', HTMLAttributes: { rel: 'noopener noreferrer', target: null } },
      }),
      Image,
    ],
    content: value ?? undefined,
    editable: !readOnly,
    editorProps: { attributes },
    onUpdate: ({ editor }) => onChangeRef.current(editor.getJSON() as RichDoc),
  });

  // Keep the accessible attributes (errors, hints) up to date.
  const attributesKey = JSON.stringify(attributes);
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.setOptions({ editorProps: { attributes } });
  }, [editor, attributesKey]);

  const state = useEditorState({
    editor,
    selector: ({ editor: e }: { editor: Editor | null }) =>
      e
        ? {
            bold: e.isActive('bold'),
            italic: e.isActive('italic'),
            bulletList: e.isActive('bulletList'),
            orderedList: e.isActive('orderedList'),
            link: e.isActive('link'),
            image: e.isActive('image'),
            href: (e.getAttributes('link')['href'] as string | undefined) ?? '',
            imageSrc: (e.getAttributes('image')['src'] as string | undefined) ?? '',
            imageAlt: (e.getAttributes('image')['alt'] as string | undefined) ?? '',
          }
        : null,
  });

  const [panel, setPanel] = useState<Panel>(null);
  const [href, setHref] = useState('');
  const [src, setSrc] = useState('');
  const [alt, setAlt] = useState('');
  const [panelError, setPanelError] = useState<string | null>(null);

  const openPanel = (which: Panel) => {
    setPanelError(null);
    if (which === 'link') setHref(state?.href ?? '');
    if (which === 'image') {
      setSrc(state?.image ? state.imageSrc : '');
      setAlt(state?.image ? state.imageAlt : '');
    }
    setPanel(panel === which ? null : which);
  };

  const closePanel = () => {
    setPanel(null);
    editor?.commands.focus();
  };

  const applyLink = () => {
    if (!editor) return;
    const url = href.trim();
    if (!url || !isSafeHref(url)) {
      setPanelError(t('rte.linkInvalid'));
      return;
    }
    const chain = editor.chain().focus();
    if (editor.state.selection.empty && !editor.isActive('link')) {
      chain.insertContent({ type: 'text', text: url, marks: [{ type: 'link', attrs: { href: url } }] }).run();
    } else {
      chain.extendMarkRange('link').setLink({ href: url }).run();
    }
    setPanel(null);
  };

  const removeLink = () => {
    editor?.chain().focus().extendMarkRange('link').unsetLink().run();
    setPanel(null);
  };

  const applyImage = () => {
    if (!editor) return;
    const url = src.trim();
    if (!isSafeImageSource(url)) {
      setPanelError(t('rte.imageSrcInvalid'));
      return;
    }
    if (!alt.trim()) {
      setPanelError(t('rte.imageAltRequired'));
      return;
    }
    if (state?.image) editor.chain().focus().updateAttributes('image', { src: url, alt: alt.trim() }).run();
    else
      editor
        .chain()
        .focus()
        .insertContent({ type: 'image', attrs: { src: url, alt: alt.trim() } })
        .run();
    setPanel(null);
  };

  const onPanelKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      closePanel();
    }
    if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'INPUT') {
      event.preventDefault();
      if (panel === 'link') applyLink();
      if (panel === 'image') applyImage();
    }
  };

  // A click on a toolbar button leaves the focus (and the selection) in the text: the button does not take
  // it on mousedown, and the text takes it at once if it did not have it, so what is typed right after the
  // click goes on in the text (tiptap's focus() only comes back at the next animation frame, and keystrokes
  // in between went to the button).
  const keepTextFocus = (event: { preventDefault: () => void }) => {
    if (!editor) return;
    event.preventDefault();
    if (!editor.isFocused) editor.view.focus();
  };

  const toggle = (name: string, pressed: boolean | undefined, run: () => void) => (
    <button type="button" className="rte-button" aria-pressed={pressed ?? false} onMouseDown={keepTextFocus} onClick={run} disabled={!editor}>
      {name}
    </button>
  );

  return (
    <div className={`rte ${hasErrors ? 'has-error' : ''}`}>
      <span className="label" id={`${id}-label`} onClick={() => editor?.commands.focus()}>
        {label}
      </span>
      {hint ? (
        <p className="muted small" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {readOnly ? null : (
        <div
          className="rte-toolbar"
          role="toolbar"
          aria-label={`${t('rte.toolbar')} : ${label}`}
          // The text area exists once tiptap has mounted: before that, no reference to a missing id.
          aria-controls={editor ? `${id}-content` : undefined}
        >
          {toggle(t('rte.bold'), state?.bold, () => editor?.chain().focus().toggleBold().run())}
          {toggle(t('rte.italic'), state?.italic, () => editor?.chain().focus().toggleItalic().run())}
          {toggle(t('rte.bulletList'), state?.bulletList, () => editor?.chain().focus().toggleBulletList().run())}
          {toggle(t('rte.orderedList'), state?.orderedList, () => editor?.chain().focus().toggleOrderedList().run())}
          <button type="button" className="rte-button" aria-expanded={panel === 'link'} onClick={() => openPanel('link')} disabled={!editor}>
            {t('rte.link')}
          </button>
          <button type="button" className="rte-button" aria-expanded={panel === 'image'} onClick={() => openPanel('image')} disabled={!editor}>
            {state?.image ? t('rte.editImage') : t('rte.image')}
          </button>
        </div>
      )}
      {panel ? (
        <div className="rte-panel" role="group" aria-label={panel === 'link' ? t('rte.link') : t('rte.image')} onKeyDown={onPanelKey}>
          {panel === 'link' ? (
            <>
              <label htmlFor={`${id}-href`}>{t('rte.linkUrl')}</label>
              <input id={`${id}-href`} type="text" inputMode="url" value={href} onChange={(e) => setHref(e.target.value)} autoFocus placeholder="https://" />
              <div className="row">
                <button type="button" className="secondary" onClick={applyLink}>
                  {t('rte.apply')}
                </button>
                {state?.link ? (
                  <button type="button" className="secondary" onClick={removeLink}>
                    {t('rte.removeLink')}
                  </button>
                ) : null}
                <button type="button" className="link-button" onClick={closePanel}>
                  {t('common.cancel')}
                </button>
              </div>
            </>
          ) : (
            <>
              <label htmlFor={`${id}-src`}>{t('rte.imageUrl')}</label>
              <input
                id={`${id}-src`}
                type="text"
                inputMode="url"
                value={src}
                onChange={(e) => setSrc(e.target.value)}
                autoFocus
                placeholder="https://"
                aria-describedby={`${id}-src-hint`}
              />
              <p className="muted small" id={`${id}-src-hint`}>
                {t('rte.imageUrlHint')}
              </p>
              <label htmlFor={`${id}-alt`}>{t('rte.imageAlt')}</label>
              <input id={`${id}-alt`} type="text" value={alt} onChange={(e) => setAlt(e.target.value)} required aria-required="true" />
              <div className="row">
                <button type="button" className="secondary" onClick={applyImage}>
                  {state?.image ? t('rte.updateImage') : t('rte.insertImage')}
                </button>
                <button type="button" className="link-button" onClick={closePanel}>
                  {t('common.cancel')}
                </button>
              </div>
            </>
          )}
          {panelError ? (
            <p className="error-message" role="alert">
              {panelError}
            </p>
          ) : null}
        </div>
      ) : null}
      {editor ? <EditorContent editor={editor} /> : <div className="rte-content rte-loading" aria-hidden="true" />}
      {showLimit ? (
        <p className={over ? 'error-message small rte-count' : 'muted small rte-count'} id={`${id}-count`} aria-live="polite" data-testid={`${id}-count`}>
          {over
            ? fill(t('rte.over'), { count: formatCount(length), limit: formatCount(maxLength), over: formatCount(length - maxLength) })
            : near
              ? fill(t('rte.count'), { count: formatCount(length), limit: formatCount(maxLength) })
              : fill(t('rte.limit'), { limit: formatCount(maxLength) })}
        </p>
      ) : null}
      {hasErrors ? (
        <ul className="error-message field-errors" id={`${id}-error`}>
          {errors!.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
