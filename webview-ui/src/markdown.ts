// A small Markdown subset for candidate explanations (paragraphs, lists, fenced code, `code`,
// **bold**, *emphasis*), parsed into plain data; markdown-dom.ts builds it with textContent only,
// since the text comes from a model and must never become HTML. Links stay text.

export type Inline = { kind: 'text' | 'code' | 'strong' | 'em'; text: string };
export type Block = { kind: 'p'; inlines: Inline[] } | { kind: 'ul' | 'ol'; items: Inline[][] } | { kind: 'pre'; text: string };

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|(?<![\w])_([^_\s][^_]*)_(?![\w])/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ kind: 'strong', text: (m[2] ?? m[3]) as string });
    else out.push({ kind: 'em', text: (m[4] ?? m[5]) as string });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push({ kind: 'p', inlines: parseInline(para.join(' ').trim()) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i] as string); i++) code.push(lines[i] as string);
      blocks.push({ kind: 'pre', text: code.join('\n') });
      continue;
    }
    const bullet = /^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/.exec(line);
    if (bullet) {
      flush();
      const kind = bullet[1] !== undefined ? 'ol' : 'ul';
      const prev = blocks[blocks.length - 1];
      const item = parseInline((bullet[2] as string).trim());
      if (prev && prev.kind === kind) prev.items.push(item);
      else blocks.push({ kind, items: [item] });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    para.push(line.replace(/^#{1,6}\s+/, '').trim());
  }
  flush();
  return blocks;
}

/** Plain text without Markdown marks, for titles and tooltips. */
export function plainText(source: string): string {
  return parseMarkdown(source)
    .map((b) => (b.kind === 'pre' ? b.text : b.kind === 'p' ? b.inlines.map((i) => i.text).join('') : b.items.map((it) => `• ${it.map((i) => i.text).join('')}`).join('\n')))
    .join('\n');
}
