// Language facts derived from a file name: which comment syntaxes mark EVOLVE-BLOCKs and how
// code is normalised for deduplication.

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
  | 'promela'
  | 'protocol'
  | 'plaintext';

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
  pml: 'promela',
  rbp: 'protocol',
};

export function languageOf(fileName: string): LanguageId {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return 'plaintext';
  return byExtension[fileName.slice(dot + 1).toLowerCase()] ?? 'plaintext';
}

export function isJsLike(language: LanguageId): boolean {
  return language === 'typescript' || language === 'javascript';
}

/** Line-comment prefixes whose text is dropped when normalising code. */
export function lineCommentPrefixes(language: LanguageId): string[] {
  switch (language) {
    case 'python':
    case 'shell':
    case 'ruby':
    case 'protocol':
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
    case 'promela':
      return ['//'];
    default:
      return [];
  }
}

export function hasBlockComments(language: LanguageId): boolean {
  return ['c', 'cpp', 'go', 'rust', 'java', 'promela'].includes(language);
}
