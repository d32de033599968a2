// Workspace-relative glob patterns for the per-file evaluator settings: `**` crosses folders,
// `*` and `?` stay inside one, `{a,b}` alternates. Patterns without a slash match the base name.

function escape(ch: string): string {
  return /[.+^$()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slashAfter = pattern[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      depth++;
      out += '(?:';
    } else if (ch === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (ch === ',' && depth > 0) out += '|';
    else out += escape(ch);
  }
  if (depth > 0) throw new Error(`glob '${pattern}' has an unclosed '{'`);
  return new RegExp(`^${out}$`);
}

/** `relPath` uses forward slashes, relative to the workspace folder. */
export function globMatches(pattern: string, relPath: string): boolean {
  const path = relPath.replace(/\\/g, '/');
  const target = pattern.includes('/') ? path : (path.split('/').pop() ?? path);
  return globToRegExp(pattern.replace(/^\.\//, '')).test(target);
}
