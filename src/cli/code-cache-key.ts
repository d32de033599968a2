// Which V8 bytecode the launcher (launch.ts) loads for a command line. V8 keeps in a code cache only
// the functions the process that wrote it had compiled, so the cache must be per code path: keyed by
// the group alone (`faas`), the bytecode a first `faas run naive` wrote left out everything a later
// `faas run policy.ts` compiles (the candidate pipeline, the sandbox pool), and every such run paid
// for compiling it again. The key is the command's leading words: `faas run naive`, `faas run` (a
// file follows), `evolve`, `runs list`.

const WORD = /^[a-z][a-z0-9-]{0,30}$/;
const MAX_WORDS = 3;

/** The code cache variant of `argv` (process.argv: node, script, then the command line). */
export function codeCacheKey(argv: readonly string[]): string {
  const words: string[] = [];
  for (const arg of argv.slice(2, 2 + MAX_WORDS)) {
    if (!WORD.test(arg)) break;
    words.push(arg);
  }
  return words.length ? words.join(' ') : 'other';
}
