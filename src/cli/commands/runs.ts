// Browsing and using finished runs: `runs`, `show`, `diff`, `apply`, `reject`.
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { existsSync, readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { listRunDirs, RunStore } from '../../core/journal';
import { LoadedRun, loadRun } from '../../core/run-session';
import { writeFileAtomic } from '../../core/store-fs';
import type { CandidateEntry, RunState } from '../../core/run-state';
import { acceptedText } from '../../app/accept-plan';
import { rankedViews } from '../../app/run-views';
import { UserError } from '../errors';
import { formatDelta, formatScore, formatUsd, sparkline, table } from '../format';
import { findRunDir, runsDirOf, warnSkipped } from '../runs-dir';
import { UNSANDBOXED_FLAG } from '../../sandbox/command';
import { commandsUnsandboxed } from '../unsandboxed';

function candidate(state: RunState, ref: string): CandidateEntry {
  const id = ref === 'best' ? state.championId : /^\d+$/.test(ref) ? `c${ref}` : ref;
  const entry = state.candidates.get(id);
  // A run whose starting program failed has no best: say why rather than suggest another id.
  if (!entry && ref === 'best') throw new UserError(`run ${state.runId} has no best candidate: ${state.endError ?? 'no candidate has been scored yet'}`);
  if (!entry) throw new UserError(`run ${state.runId} has no candidate '${ref}' (ids look like c12; 'best' is the best)`);
  return entry;
}

interface ModelLine {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  spendUsd: number;
  candidates: number;
  improvements: number;
  /** Spend divided by improvements; null when there was none. */
  usdPerImprovement: number | null;
}

/** Calls, tokens, spend and improvements per model: which model pays off. */
function modelBreakdown(state: RunState): ModelLine[] {
  const lines = new Map<string, ModelLine>();
  const line = (model: string): ModelLine => {
    let l = lines.get(model);
    if (!l) lines.set(model, (l = { model, calls: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, spendUsd: 0, candidates: 0, improvements: 0, usdPerImprovement: null }));
    return l;
  };
  for (const [model, u] of state.usageByModel) Object.assign(line(model), { calls: u.calls, inputTokens: u.input, outputTokens: u.output, cachedTokens: u.cached, spendUsd: u.costUsd });
  for (const c of state.candidates.values()) {
    if (c.index === 0 || !lines.has(c.generator)) continue;
    const l = line(c.generator);
    l.candidates++;
    if (c.improvement) l.improvements++;
  }
  for (const l of lines.values()) l.usdPerImprovement = l.improvements ? l.spendUsd / l.improvements : null;
  return [...lines.values()].sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model));
}

function modelTable(state: RunState): string[] {
  const rows = modelBreakdown(state);
  if (!rows.length) return [];
  return [
    '',
    table(
      ['MODEL', 'CALLS', 'TOKENS IN', 'OUT', 'SPEND', 'CANDIDATES', 'IMPROVED', '$/IMPROVEMENT'],
      rows.map((r) => [r.model, String(r.calls), String(r.inputTokens), String(r.outputTokens), formatUsd(r.spendUsd), String(r.candidates), String(r.improvements), r.usdPerImprovement === null ? '—' : formatUsd(r.usdPerImprovement)]),
    ),
  ];
}

function status(state: RunState): string {
  return state.ended ?? (state.pending().length ? 'interrupted' : 'running or interrupted');
}

/** Best-so-far score after each recorded candidate, for the sparkline. */
function bestSeries(state: RunState): number[] {
  const points = [...state.bestHistory].sort((a, b) => a.index - b.index);
  const last = Math.max(0, state.nextIndex - 1);
  const series: number[] = [];
  let p = 0;
  let current = Number.NaN;
  for (let i = 0; i <= last; i++) {
    while (p < points.length && (points[p] as { index: number }).index <= i) current = (points[p++] as { score: number }).score;
    series.push(current);
  }
  return series;
}

export function registerRunCommands(program: Command): void {
  program
    .command('runs')
    .description('list runs, newest first')
    .option('--runs-dir <dir>', 'where runs are stored')
    .option('--json', 'print JSON')
    .action((flags: { runsDir?: string; json?: boolean }) => {
      const dirs = listRunDirs(runsDirOf(flags.runsDir));
      const rows = dirs.map((dir) => {
        let loaded: LoadedRun;
        try {
          loaded = loadRun(dir);
        } catch (err) {
          // One damaged run does not hide the others.
          if (!(err instanceof UserError)) throw err;
          return { id: basename(dir), file: '', candidates: 0, best: null, initial: null, status: `damaged: ${err.message}`, spendUsd: 0 };
        }
        const { state, store } = loaded;
        store.close();
        const best = state.champion()?.result?.score ?? null;
        const initial = state.initial()?.result?.score ?? null;
        return { id: state.runId, file: state.config.file, candidates: Math.max(0, state.nextIndex - 1), best, initial, status: status(state), spendUsd: state.spendUsd };
      });
      if (flags.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      if (rows.length === 0) {
        process.stdout.write(`no runs in ${runsDirOf(flags.runsDir)}\n`);
        return;
      }
      process.stdout.write(
        table(
          ['RUN', 'FILE', 'CANDIDATES', 'BEST', 'VS START', 'STATUS'],
          rows.map((r) => [r.id, relative(process.cwd(), r.file) || basename(r.file), String(r.candidates), formatScore(r.best), formatDelta(r.best, r.initial), r.status]),
        ) + '\n',
      );
    });

  program
    .command('show')
    .description('best candidates and score history of a run')
    .argument('<run>', 'run id, id prefix, folder, or "latest"')
    .option('--top <n>', 'how many candidates to list', '10')
    .option('--runs-dir <dir>', 'where runs are stored')
    .option('--json', 'print JSON')
    .action((ref: string, flags: { top: string; runsDir?: string; json?: boolean }) => {
      // Like every numeric flag, a bad value is refused rather than read as the default.
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 1) throw new UserError(`--top must be a whole number of at least 1, got '${flags.top}'`);
      const loaded = loadRun(findRunDir(ref, flags.runsDir));
      const { state, store } = loaded;
      store.close();
      warnSkipped(loaded.warnings);
      // The same ranking and comparisons the review panel shows (app/run-views.ts).
      const ranked = rankedViews(state).filter((c) => c.ok && c.score !== null && !c.duplicateOf);
      const best = ranked.find((c) => c.id === state.championId);
      const initial = state.initial()?.result?.score ?? null;
      const series = bestSeries(state);
      if (flags.json) {
        process.stdout.write(
          JSON.stringify(
            {
              runId: state.runId,
              file: state.config.file,
              status: status(state),
              ...(state.endError !== undefined ? { error: state.endError } : {}),
              bestId: state.championId,
              initialScore: initial,
              holdout: state.holdout ?? null,
              spendUsd: state.spendUsd,
              tokens: state.tokens,
              byModel: modelBreakdown(state),
              candidates: Math.max(0, state.nextIndex - 1),
              failed: state.failed,
              duplicates: state.duplicates,
              top: ranked.slice(0, top).map((c) => ({
                id: c.id,
                score: c.score,
                baselineScore: c.baselineScore,
                validation: c.validation ?? null,
                holdout: c.holdout ?? null,
                workloadsScored: c.workloadsScored,
                cascadeStopped: c.cascadeStopped ?? false,
                parentIds: c.parentIds,
                generator: c.generator,
                improvement: c.improvement,
                decision: c.decision ?? null,
                explanation: c.explanation ?? null,
                concerns: c.concerns,
              })),
              bestWorkloads: best?.workloads ?? [],
              history: state.bestHistory,
              ...(commandsUnsandboxed(state.config) ? { unsandboxedCommands: true } : {}),
            },
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const out = [
        `run ${state.runId} — ${state.config.file}`,
        `status ${status(state)}${state.endError !== undefined ? ` (${state.endError})` : ''}; ${Math.max(0, state.nextIndex - 1)} candidates, ${state.failed} failed, ${state.duplicates} duplicates; evaluator ${state.config.evaluator.id}, generator ${state.config.generator.id}, seed ${state.config.seed}`,
        `spend ${formatUsd(state.spendUsd)} (${state.tokens.input} tokens in, ${state.tokens.output} out, ${state.tokens.cached} cached)`,
        ...modelTable(state),
        ...(commandsUnsandboxed(state.config) ? [`sandbox none: command candidates ran WITHOUT the OS sandbox (${UNSANDBOXED_FLAG})`] : []),
        '',
        table(
          ['#', 'CANDIDATE', 'SCORE', 'VS START', 'VALIDATION', 'PARENT', 'GENERATOR', ''],
          ranked.slice(0, top).map((c, i) => [
            String(i + 1),
            c.id,
            formatScore(c.score),
            // Against the starting program on the same workloads, so a cascade-stopped candidate compares fairly.
            formatDelta(c.score, c.baselineScore),
            formatScore(c.validation),
            c.parentIds[0] ?? '',
            c.generator,
            [c.id === state.championId ? 'best' : (c.decision ?? ''), c.cascadeStopped ? `partial (${c.workloadsScored} workloads)` : ''].filter(Boolean).join(', '),
          ]),
        ),
        '',
        `best so far  ${sparkline(series)}  ${formatScore(series[0])} -> ${formatScore(series[series.length - 1])}`,
      ];
      if (state.holdout) out.push(`holdout      best ${formatScore(state.holdout.best)} vs start ${formatScore(state.holdout.initial)} (${formatDelta(state.holdout.best, state.holdout.initial)})`);
      if (best?.workloads.length) {
        out.push('', `${best.id} on each workload:`);
        out.push(table(['WORKLOAD', 'SCORE', 'START', ''], best.workloads.map((w) => [w.id, formatScore(w.score), formatScore(w.baseline), w.error ?? ''])));
      }
      for (const concern of best?.concerns ?? []) out.push(`note: ${concern}`);
      if (best?.explanation) out.push(`why ${best.id}: ${best.explanation}`);
      process.stdout.write(out.join('\n') + '\n');
    });

  program
    .command('diff')
    .description('unified diff of a candidate against the starting file (or its parent)')
    .argument('<run>', 'run id, id prefix, folder, or "latest"')
    .argument('<candidate>', "candidate id (c12), index (12) or 'best'")
    .option('--parent', 'diff against the candidate\'s parent instead of the starting file')
    .option('--runs-dir <dir>', 'where runs are stored')
    .action((ref: string, cand: string, flags: { parent?: boolean; runsDir?: string }) => {
      const loaded = loadRun(findRunDir(ref, flags.runsDir));
      const { state, store } = loaded;
      store.close();
      warnSkipped(loaded.warnings);
      const entry = candidate(state, cand);
      if (flags.parent && !entry.parentIds[0]) throw new UserError(`${entry.id} has no parent: it is the starting program`);
      const base = flags.parent && entry.parentIds[0] ? candidate(state, entry.parentIds[0]) : (state.initial() as CandidateEntry);
      const [before, after] = [store.readSource(base.sourceHash, `candidate ${base.id}`), store.readSource(entry.sourceHash, `candidate ${entry.id}`)];
      // An empty diff alone reads like a failure: say that the two are the same program.
      if (before === after) process.stderr.write(`note: ${entry.id} ${entry.id === base.id ? 'is the starting program' : `is identical to ${base.id}`}: no difference\n`);
      const patch = createTwoFilesPatch(`${base.id}/${state.config.fileName}`, `${entry.id}/${state.config.fileName}`, before, after, '', '', { context: 3 });
      process.stdout.write(patch);
    });

  program
    .command('apply')
    .description('write a candidate into the evolved file (your edits outside its evolvable blocks are kept; refuses if you edited the blocks)')
    .argument('<run>', 'run id, id prefix, folder, or "latest"')
    .argument('<candidate>', "candidate id (c12), index (12) or 'best'")
    .option('--to <file>', 'write to another file instead')
    .option('--force', 'overwrite the file with the candidate even if you edited its evolvable blocks')
    .option('--runs-dir <dir>', 'where runs are stored')
    .action((ref: string, cand: string, flags: { to?: string; force?: boolean; runsDir?: string }) => {
      const dir = findRunDir(ref, flags.runsDir);
      // Opened for writing first: a run another process is writing is refused before the user's file is touched.
      const loaded = loadRun(dir, true);
      const { state, store } = loaded;
      try {
        warnSkipped(loaded.warnings);
        const entry = candidate(state, cand);
        if (state.isRejected(entry.id)) throw new UserError(`${entry.id} was rejected; run 'policy-evolver unreject ${state.runId} ${entry.id}' first if you want it`);
        // Read and hash-checked before anything is written: a damaged source never reaches the user's file.
        const code = store.readSource(entry.sourceHash, `candidate ${entry.id}`);
        const target = resolve(flags.to ?? state.config.file);
        // The editor's Accept and this command decide alike (app/accept-plan.ts): edits outside the
        // evolvable blocks are kept, edits inside them are never overwritten silently.
        let text = code;
        let rebased = false;
        if (!flags.to && existsSync(target) && !flags.force) {
          const accepted = acceptedText(store.readSource(state.initialSourceHash, 'the starting program (c0)'), code, readFileSync(target, 'utf8'));
          if (accepted.kind === 'refused') throw new UserError(`${target}: ${accepted.reason}; use --force to overwrite it or --to to write elsewhere`);
          if (accepted.kind === 'write') ({ text, rebased } = accepted);
        }
        for (const concern of rankedViews(state).find((c) => c.id === entry.id)?.concerns ?? []) process.stderr.write(`warning: ${entry.id}: ${concern}\n`);
        writeFileAtomic(target, text);
        store.append({ type: 'decision', id: entry.id, decision: 'accepted', time: new Date().toISOString() });
        process.stdout.write(`wrote ${entry.id} (score ${formatScore(entry.result?.score)}) to ${target}${rebased ? ' (merged with your edits outside the evolvable blocks)' : ''}\n`);
      } finally {
        store.close();
      }
    });

  program
    .command('reject')
    .description('reject a candidate with a note that steers later prompts of this run')
    .argument('<run>', 'run id, id prefix, folder, or "latest"')
    .argument('<candidate>', "candidate id (c12), index (12) or 'best'")
    .option('--note <text>', 'why: later LLM prompts of the run include it')
    .option('--runs-dir <dir>', 'where runs are stored')
    .action((ref: string, cand: string, flags: { note?: string; runsDir?: string }) => {
      const dir = findRunDir(ref, flags.runsDir);
      const { state, store } = loadRun(dir);
      store.close();
      const entry = candidate(state, cand);
      if (entry.id === 'c0') throw new UserError('the starting program cannot be rejected: it is the baseline every candidate is compared with');
      if (state.isRejected(entry.id)) throw new UserError(`${entry.id} is already rejected`);
      const writer = RunStore.open(dir, true);
      writer.append({ type: 'decision', id: entry.id, decision: 'rejected', ...(flags.note ? { note: flags.note } : {}), time: new Date().toISOString() });
      writer.close();
      const after = loadRun(dir);
      after.store.close();
      const newBest = entry.id === state.championId ? `; best is now ${after.state.championId}` : '';
      process.stdout.write(`rejected ${entry.id}${flags.note ? ' with a note for later prompts' : ''}: it is no longer a parent, inspiration or best${newBest}\n`);
    });

  program
    .command('unreject')
    .description('take back a rejection: the candidate may again be best, a parent or an inspiration')
    .argument('<run>', 'run id, id prefix, folder, or "latest"')
    .argument('<candidate>', 'candidate id (c12) or index (12)')
    .option('--runs-dir <dir>', 'where runs are stored')
    .action((ref: string, cand: string, flags: { runsDir?: string }) => {
      const dir = findRunDir(ref, flags.runsDir);
      const { state, store } = loadRun(dir);
      store.close();
      if (cand === 'best') throw new UserError("name the candidate to unreject (c12): 'best' never refers to a rejected one");
      const entry = candidate(state, cand);
      if (!state.isRejected(entry.id)) throw new UserError(`${entry.id} is not rejected`);
      const writer = RunStore.open(dir, true);
      writer.append({ type: 'decision', id: entry.id, decision: 'unrejected', time: new Date().toISOString() });
      writer.close();
      process.stdout.write(`unrejected ${entry.id}\n`);
    });
}
