// A small markdown subset rendered straight to Preact VNodes. Text only ever becomes text
// nodes (Preact escapes them), so raw HTML in a message shows as typed, never as markup.
// Shared with the console: `import { Markdown, renderMarkdown, safeHref } from '../widget/markdown.js'`.
import type { ComponentChildren, VNode } from 'preact';

const SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:'];

/** The normalized URL if it is an absolute http(s) or mailto link, otherwise null. */
export function safeHref(href: string): string | null {
  try {
    const u = new URL(href.trim());
    return SAFE_PROTOCOLS.includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

function link(href: string, children: ComponentChildren, key: number): VNode | ComponentChildren {
  const safe = safeHref(href);
  return safe ? (
    <a key={key} href={safe} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ) : (
    children
  );
}

// One pass, leftmost match wins: `code`, [text](url), bare URL, **bold**/__bold__, *em*/_em_, ~~del~~.
const INLINE =
  /`([^`\n]+)`|\[([^\]\n]+)\]\(\s*([^)\s]+)\s*\)|(https?:\/\/[^\s<>]*[^\s<>.,:;"'!?)\]])|\*\*(\S(?:[^]*?\S)?)\*\*|__(\S(?:[^]*?\S)?)__|\*(\S(?:[^*]*?\S)?)\*|\b_(\S(?:[^_]*?\S)?)_\b|~~(\S(?:[^~]*?\S)?)~~/g;

/** Inline markdown of one block (newlines become <br>). */
export function inline(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  const re = new RegExp(INLINE.source, 'g');
  let last = 0;
  let m: RegExpExecArray | null;
  const plain = (s: string) => s.split('\n').forEach((line, i) => (i && out.push(<br />), line && out.push(line)));
  while ((m = re.exec(text))) {
    plain(text.slice(last, m.index));
    last = re.lastIndex;
    const k = m.index;
    if (m[1] != null) out.push(<code key={k}>{m[1]}</code>);
    else if (m[2] != null) out.push(link(m[3], inline(m[2]), k));
    else if (m[4] != null) out.push(link(m[4], m[4], k));
    else if (m[5] != null || m[6] != null) out.push(<strong key={k}>{inline(m[5] ?? m[6])}</strong>);
    else if (m[7] != null || m[8] != null) out.push(<em key={k}>{inline(m[7] ?? m[8])}</em>);
    else out.push(<del key={k}>{inline(m[9])}</del>);
  }
  plain(text.slice(last));
  return out;
}

const LIST = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

/** Block markdown: paragraphs, line breaks, fenced code, lists, quotes. */
export function renderMarkdown(src: string): VNode[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: VNode[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push(<p key={blocks.length}>{inline(para.join('\n'))}</p>);
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpMatchArray | null;
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i]);
      blocks.push(
        <pre key={blocks.length}>
          <code>{code.join('\n')}</code>
        </pre>,
      );
    } else if ((m = line.match(LIST))) {
      flush();
      const ordered = /\d/.test(m[1]);
      const items: VNode[] = [];
      for (; i < lines.length && (m = lines[i].match(LIST)) && /\d/.test(m[1]) === ordered; i++) items.push(<li key={i}>{inline(m[2])}</li>);
      i--;
      blocks.push(ordered ? <ol key={blocks.length}>{items}</ol> : <ul key={blocks.length}>{items}</ul>);
    } else if (/^\s*>/.test(line)) {
      flush();
      const quote: string[] = [];
      for (; i < lines.length && /^\s*>/.test(lines[i]); i++) quote.push(lines[i].replace(/^\s*>\s?/, ''));
      i--;
      blocks.push(<blockquote key={blocks.length}>{inline(quote.join('\n'))}</blockquote>);
    } else if (!line.trim()) flush();
    else para.push(line);
  }
  flush();
  return blocks;
}

/** `<Markdown source="**hi**" />` */
export function Markdown({ source }: { source: string }) {
  return <>{renderMarkdown(source)}</>;
}
