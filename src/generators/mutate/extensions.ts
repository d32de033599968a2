/** Extensions (lower case, no dot) the mutator parses; kept apart from parse.ts so listing generators does not load TypeScript. */
export const MUTATE_EXTENSIONS = ['ts', 'mts', 'cts', 'tsx', 'js', 'mjs', 'cjs', 'jsx'];
