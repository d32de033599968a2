// Builds parsed Markdown into DOM nodes with textContent only: model text never becomes HTML.
import { parseMarkdown, type Inline } from './markdown';

function inlineNodes(inlines: Inline[]): Node[] {
  return inlines.map((i) => {
    if (i.kind === 'text') return document.createTextNode(i.text);
    const node = document.createElement(i.kind === 'code' ? 'code' : i.kind === 'strong' ? 'strong' : 'em');
    node.textContent = i.text;
    return node;
  });
}

export function renderMarkdown(source: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const b of parseMarkdown(source)) {
    if (b.kind === 'pre') {
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      code.textContent = b.text;
      pre.append(code);
      frag.append(pre);
    } else if (b.kind === 'p') {
      const p = document.createElement('p');
      p.append(...inlineNodes(b.inlines));
      frag.append(p);
    } else {
      const list = document.createElement(b.kind);
      for (const item of b.items) {
        const li = document.createElement('li');
        li.append(...inlineNodes(item));
        list.append(li);
      }
      frag.append(list);
    }
  }
  return frag;
}
