// A user's own PROMELA model (with EVOLVE-BLOCK markers) as a candidate. The properties are the
// model's own: assertions and invalid end states in a safety run, then each `ltl` claim in its
// own acceptance-cycle run. The score is the worst case, over every reachable state, of a global
// variable the user names, read by a monitor process that never changes the state.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectToolchain, type ModelBuilder } from './spin/build';
import { parsePanOutput } from './spin/pan-output';
import { runLimited } from './spin/process';
import type { CheckLimits, SearchStats, Verdict } from './verdict';

export interface PmlRun {
  name: string;
  verdict: Verdict;
  reason?: string;
  property?: string;
  stats?: SearchStats;
  /** Spin's own replay of the counterexample (`spin -t -c`: a message-sequence chart of channel operations). */
  trail?: string;
}

export interface PmlResult {
  verdict: Verdict;
  runs: PmlRun[];
  /** Worst case of the score variable over all reachable states. */
  scoreValue?: number;
  error?: string;
  /** Which tool rejected the model (INVALID): Spin's parser, or gcc compiling the verifier (usually C code in the model). */
  errorKind?: 'spin' | 'gcc';
}

export interface PmlOptions {
  limits: CheckLimits;
  scoreVariable?: string;
  objective: 'minimize' | 'maximize';
  fairness: boolean;
  signal?: AbortSignal;
}

/** Names of the model's ltl claims, as Spin names them (unnamed ones become ltl_0, ltl_1, ...). */
export function ltlNames(code: string): string[] {
  const stripped = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const names: string[] = [];
  let unnamed = 0;
  for (const m of stripped.matchAll(/\bltl\s*([A-Za-z_]\w*)?\s*\{/g)) names.push(m[1] ?? `ltl_${unnamed++}`);
  return names;
}

function monitor(variable: string, objective: 'minimize' | 'maximize'): string {
  const worse = objective === 'minimize' ? '>' : '<';
  return `
c_code { static long pe_worst; static int pe_seen; }
active proctype pe_score_monitor() {
end_pe:
  do
  :: c_code { if (!pe_seen || (long) now.${variable} ${worse} pe_worst) { pe_worst = (long) now.${variable}; pe_seen = 1; printf("@@SCORE %ld\\n", pe_worst); } }
  od
}
`;
}

function spinError(out: string): string {
  const m = /spin: [^:]*:(\d+), Error: (.*)/.exec(out);
  if (m) return `line ${m[1]}: ${m[2]}`;
  return out.trim().split('\n').slice(0, 3).join(' | ') || 'spin rejected the model';
}

/** The first compiler errors, which name the line of the C code at fault. */
function gccError(out: string): string {
  const errors = out.split('\n').filter((l) => /\berror\b/.test(l));
  return (errors.length ? errors : out.trim().split('\n')).slice(0, 3).join(' | ') || 'gcc failed';
}

/** Long trails keep their start and their end (where the violation is). */
function trimTrail(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= 240) return text;
  return [...lines.slice(0, 120), `... (${lines.length - 240} lines left out) ...`, ...lines.slice(-120)].join('\n');
}

export async function checkPromela(code: string, builder: ModelBuilder, opts: PmlOptions): Promise<PmlResult> {
  const tools = detectToolchain();
  const dir = mkdtempSync(join(builder.cacheDir, 'pml-'));
  const sig = opts.signal ? { signal: opts.signal } : {};
  const runs: PmlRun[] = [];
  try {
    writeFileSync(join(dir, 'model.pml'), code);
    const compile = async (sub: string, text: string, flags: string[]): Promise<string | { error: string; errorKind: 'spin' | 'gcc' }> => {
      const dd = join(dir, sub);
      mkdirSync(dd, { recursive: true });
      writeFileSync(join(dd, 'model.pml'), text);
      const a = await runLimited(tools.spin, ['-a', 'model.pml'], { cwd: dd, limits: { timeMs: 60_000, memoryMb: 0 }, ...sig });
      if (a.code !== 0 || !existsSync(join(dd, 'pan.c'))) return { error: spinError(a.stdout + a.stderr), errorKind: 'spin' };
      const g = await runLimited(tools.gcc, ['-O2', '-w', ...flags, '-o', 'pan', 'pan.c'], { cwd: dd, limits: { timeMs: 300_000, memoryMb: 0 }, ...sig });
      if (g.code !== 0) return { error: gccError(g.stdout + g.stderr), errorKind: 'gcc' };
      return dd;
    };
    const verify = async (name: string, d: string, args: string[], claim?: string): Promise<PmlRun> => {
      const r = await runLimited(join(d, 'pan'), args, { cwd: d, limits: opts.limits, ...sig });
      const rep = parsePanOutput(r.stdout);
      const stats = rep.stats ? { stats: rep.stats } : {};
      if (r.aborted) return { name, verdict: 'UNKNOWN', reason: 'cancelled' };
      if (rep.errors > 0) {
        const prop = /pan:\d+: (.*?) \(at depth/.exec(r.stdout)?.[1] ?? /(acceptance cycle|non-progress cycle|invalid end state|assertion violated[^\n]*)/.exec(r.stdout)?.[1] ?? 'error';
        let trail: string | undefined;
        if (readdirSync(d).some((f) => f.endsWith('.trail'))) {
          // Spin's own replay: every step with its source line (-p), channel operations, and the
          // violation itself ("spin: model.pml:7, Error: assertion violated" is the point of the
          // trail, so it is kept). The replay follows the named claim for ltl runs.
          const t = await runLimited(tools.spin, ['-t', '-p', ...(claim ? ['-N', claim] : []), 'model.pml'], { cwd: d, limits: { timeMs: 30_000, memoryMb: 0 }, ...sig });
          const text = `${t.stdout}${t.stderr ? `\n${t.stderr}` : ''}`.replace(/^\s*\n/, '').trimEnd();
          if (!t.timedOut && text) trail = `${claim ? `(claim ${claim}) ` : ''}${trimTrail(text)}`;
        }
        return { name, verdict: 'VIOLATED', property: prop, ...stats, ...(trail ? { trail } : {}) };
      }
      if (r.timedOut) return { name, verdict: 'UNKNOWN', reason: `time limit of ${Math.round(opts.limits.timeMs / 1000)} s reached`, ...stats };
      if (rep.incomplete) return { name, verdict: 'UNKNOWN', reason: rep.incomplete, ...stats };
      if (r.code !== 0 || !rep.stats) return { name, verdict: 'UNKNOWN', reason: `pan stopped abnormally (${r.signal ?? `exit code ${r.code}`})`, ...stats };
      if (/Search not completed/.test(r.stdout)) return { name, verdict: 'UNKNOWN', reason: 'pan says the search was not completed', ...stats };
      if (!rep.exhaustive) return { name, verdict: 'UNKNOWN', reason: 'pan did not report a full state-space search, so the search may have lost states', ...stats };
      return { name, verdict: 'VERIFIED', ...stats };
    };

    const claims = ltlNames(code);
    const safety = await compile('safety', code, ['-DSAFETY', ...(claims.length ? ['-DNOCLAIM'] : [])]);
    if (typeof safety !== 'string') return { verdict: 'INVALID', runs, error: safety.error, errorKind: safety.errorKind };
    runs.push(await verify('safety (assertions, invalid end states)', safety, ['-m1000000']));
    if (claims.length && runs.every((r) => r.verdict === 'VERIFIED')) {
      const live = await compile('ltl', code, []);
      if (typeof live !== 'string') return { verdict: 'INVALID', runs, error: live.error, errorKind: live.errorKind };
      for (const name of claims) {
        runs.push(await verify(`ltl ${name}`, live, ['-m1000000', '-a', ...(opts.fairness ? ['-f'] : []), '-N', name], name));
        if (runs[runs.length - 1]?.verdict !== 'VERIFIED') break;
      }
    }
    let scoreValue: number | undefined;
    if (opts.scoreVariable && runs.every((r) => r.verdict === 'VERIFIED')) {
      // Partial-order reduction may skip states the monitor should see, so it is off here.
      const scored = await compile('score', code + monitor(opts.scoreVariable, opts.objective), ['-DSAFETY', '-DNOREDUCE', '-DNOCLAIM']);
      if (typeof scored !== 'string') return { verdict: 'INVALID', runs, error: `score monitor: ${scored.error} (is '${opts.scoreVariable}' a global variable?)`, errorKind: scored.errorKind };
      const r = await runLimited(join(scored, 'pan'), ['-m1000000', '-E'], { cwd: scored, limits: opts.limits, ...sig });
      const values = [...r.stdout.matchAll(/@@SCORE (-?\d+)/g)].map((m) => Number(m[1]));
      const rep = parsePanOutput(r.stdout);
      if (r.timedOut || rep.incomplete || r.code !== 0) runs.push({ name: 'score', verdict: 'UNKNOWN', reason: r.timedOut ? 'time limit reached while measuring the score' : (rep.incomplete ?? `pan stopped (exit code ${r.code})`) });
      else if (values.length) scoreValue = values[values.length - 1];
    }
    const order: Verdict[] = ['INVALID', 'VIOLATED', 'UNKNOWN', 'VERIFIED'];
    const verdict = order.find((v) => runs.some((r) => r.verdict === v)) ?? 'UNKNOWN';
    return { verdict, runs, ...(scoreValue !== undefined ? { scoreValue } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
