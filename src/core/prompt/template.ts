// A deliberately tiny template language for the markdown prompts in `prompts/<domain>/`:
// `{{name}}` inserts a value, `{{#name}}...{{/name}}` keeps its body only when `name` is not
// empty. Anything richer belongs in code, where it can be tested; the templates stay prose.

export type TemplateVars = Record<string, string>;

const sectionPattern = /\{\{#([A-Za-z][A-Za-z0-9_]*)\}\}([\s\S]*?)\{\{\/\1\}\}/g;
const varPattern = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;

/** Names a template refers to, in first-use order (sections and plain variables). */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(/\{\{[#/]?([A-Za-z][A-Za-z0-9_]*)\}\}/g)) names.add(m[1] as string);
  return [...names];
}

/** Checks a template against the variables the assembler provides; returns problems as text. */
export function checkTemplate(template: string, known: readonly string[], required: readonly string[]): string[] {
  const problems: string[] = [];
  const used = templateVariables(template);
  for (const name of used) if (!known.includes(name)) problems.push(`unknown placeholder {{${name}}} (known: ${known.join(', ')})`);
  for (const name of required) if (!used.includes(name)) problems.push(`missing required placeholder {{${name}}}`);
  const opens = [...template.matchAll(/\{\{#([A-Za-z][A-Za-z0-9_]*)\}\}/g)].map((m) => m[1]);
  const closes = [...template.matchAll(/\{\{\/([A-Za-z][A-Za-z0-9_]*)\}\}/g)].map((m) => m[1]);
  for (const name of opens) if (!closes.includes(name)) problems.push(`section {{#${name}}} is never closed with {{/${name}}}`);
  for (const name of closes) if (!opens.includes(name)) problems.push(`{{/${name}}} closes a section that was never opened`);
  return problems;
}

/** Fills a template. Values are inserted verbatim (no escaping: the output is a prompt, not HTML). */
export function renderTemplate(template: string, vars: TemplateVars): string {
  // Sections first, repeatedly, so a section may contain other sections.
  let text = template.replace(/\r\n/g, '\n');
  for (let guard = 0; guard < 16; guard++) {
    const next = text.replace(sectionPattern, (_all, name: string, body: string) => ((vars[name] ?? '').trim() ? body : ''));
    if (next === text) break;
    text = next;
  }
  // A placeholder alone on its line with nothing to insert takes its line with it.
  text = text.replace(/^[ \t]*\{\{([A-Za-z][A-Za-z0-9_]*)\}\}[ \t]*\n/gm, (line, name: string) => ((vars[name] ?? '').trim() ? line : ''));
  // Tidy the skeleton only, then insert values in one pass: values are never re-scanned or
  // reformatted, so code (blank lines, trailing spaces, a literal `{{x}}`) arrives intact.
  text = text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return text.replace(varPattern, (_all, name: string) => vars[name] ?? '');
}
