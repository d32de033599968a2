// Language facts derived from a file name: which comment syntaxes mark EVOLVE-BLOCKs and how
// code is normalised for deduplication. General-purpose languages are listed here; file types a
// problem domain introduces (protocol tables, PROMELA) are registered by the domain registry in
// app/domains.ts, so core never names a domain.

export type LanguageId =
  | 'typescript'
  | 'javascript'
  | 'python'
  | 'shell'
  | 'ruby'
  | 'lua'
  | 'sql'
  | 'haskell'
  | 'c'
  | 'cpp'
  | 'go'
  | 'rust'
  | 'java'
  | 'plaintext';

/** How a file type writes comments: line prefixes, and whether C-style block comments exist. */
export interface CommentSyntax {
  line: string[];
  block: boolean;
}

const byExtension: Record<string, LanguageId> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  sh: 'shell',
  bash: 'shell',
  rb: 'ruby',
  lua: 'lua',
  sql: 'sql',
  hs: 'haskell',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  hpp: 'cpp',
  go: 'go',
  rs: 'rust',
  java: 'java',
};

const registered = new Map<string, { language: string; comments: CommentSyntax }>();

/** Adds a file type a domain introduces; a second registration of an extension must agree. */
export function registerFileType(extension: string, language: string, comments: CommentSyntax): void {
  const ext = extension.toLowerCase();
  const known = registered.get(ext);
  if (known && known.language !== language) throw new Error(`file type .${ext} is registered twice, as ${known.language} and ${language}`);
  if (Object.prototype.hasOwnProperty.call(byExtension, ext)) throw new Error(`file type .${ext} is a built-in language (${byExtension[ext]})`);
  registered.set(ext, { language, comments: { line: [...comments.line], block: comments.block } });
}

export function languageOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return 'plaintext';
  const ext = fileName.slice(dot + 1).toLowerCase();
  return byExtension[ext] ?? registered.get(ext)?.language ?? 'plaintext';
}

function registeredSyntax(language: string): CommentSyntax | undefined {
  for (const entry of registered.values()) if (entry.language === language) return entry.comments;
  return undefined;
}

export function isJsLike(language: string): boolean {
  return language === 'typescript' || language === 'javascript';
}

/** Line-comment prefixes whose text is dropped when normalising code. */
export function lineCommentPrefixes(language: string): string[] {
  const domain = registeredSyntax(language);
  if (domain) return domain.line;
  switch (language) {
    case 'python':
    case 'shell':
    case 'ruby':
      return ['#'];
    case 'lua':
    case 'sql':
    case 'haskell':
      return ['--'];
    case 'c':
    case 'cpp':
    case 'go':
    case 'rust':
    case 'java':
      return ['//'];
    default:
      return [];
  }
}

export function hasBlockComments(language: string): boolean {
  return registeredSyntax(language)?.block ?? ['c', 'cpp', 'go', 'rust', 'java'].includes(language);
}
