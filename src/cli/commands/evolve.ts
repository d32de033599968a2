// `evolve <file>` and `resume <run>`: run the engine with live progress, stop cleanly on Ctrl-C.
import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { StartingProgramFailed, type RunSummary } from '../../core/engine';
import { BlockError } from '../../core/evolve-blocks';
import type { Budget, RunConfig } from '../../core/journal-events';
import type { RunState } from '../../core/run-state';
import { ActiveRun, checkStartingFile, loadRun, resumeRun, startRun } from '../../core/run-session';
import { BROKER_URL_ENV } from '../../transport/broker-url';
import { compose } from '../../app/compose';
import { ExitCode, UserError } from '../errors';
import { commandsUnsandboxed, sandboxesCommands, UNSANDBOXED_WARNING } from '../unsandboxed';
import { formatDelta, formatDuration, formatScore, formatUsd } from '../format';
import { createProgressSink } from '../progress';
import { buildBudget, buildRunConfig, EvolveFlags } from '../../app/run-config';
import { findRunDir, runsDirOf, warnSkipped } from '../runs-dir';

interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  runsDir?: string;
  broker?: string | boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function addRunFlags(cmd: Command): Command {
  return cmd
    .option('-n, --budget <candidates>', 'stop after this many candidates (default 300)')
    .option('-t, --time <duration>', 'stop after this long, e.g. 90s, 5m, 1h')
    .option('--max-cost <usd>', 'stop when LLM spend reaches this many dollars')
    .option('--stagnation <candidates>', 'stop after this many candidates without a new best')
    .option('--json', 'print one JSON object per event on stdout, and a summary at the end')
    .option('-q, --quiet', 'print only the summary')
    .option('--runs-dir <dir>', 'where runs are stored (default ./.policy-evolver/runs)')
    .option('--broker [url]', `evaluate on workers attached to a RabbitMQ broker, amqp://user:password@host:5672/vhost (without a URL: ${BROKER_URL_ENV})`)
    .option('--unsandboxed-commands', 'run command candidates without the OS sandbox (bubblewrap): only where it cannot run, and only for code you trust');
}

/**
 * An LLM run without a model, said in the flags' terms rather than the generator's option names,
 * and why a model is needed when nobody chose one (the file is not JavaScript or TypeScript).
 */
function refuseModelless(config: RunConfig, file: string, flags: EvolveFlags): void {
  if (config.generator.id !== 'llm' || config.generator.options.models !== undefined) return;
  const why = flags.generator === undefined && flags.config === undefined ? ` (${basename(file)} is evolved by a model: the mutate generator parses only JavaScript and TypeScript)` : '';
  throw new UserError(`the llm generator needs a model: pass --model provider:model (e.g. --model openai:gpt-4.1-mini), or --cassette FILE to replay a recording${why}`);
}

/**
 * Resuming a run that finished on a budget it would still be over stops at once and succeeds
 * vacuously: name the budget to raise instead. (A time budget starts afresh on resume; a run that
 * was killed or cancelled still has work to finish.)
 */
function refuseSpentBudget(state: RunState, budget: Budget): void {
  if (state.ended === undefined || state.ended === 'cancelled' || state.ended === 'error' || state.pending().length > 0) return;
  const done = Math.max(0, state.nextIndex - 1);
  const spent =
    budget.maxCandidates !== undefined && budget.maxCandidates <= done
      ? `it has ${done} candidates, its budget is ${budget.maxCandidates}: pass --budget N with N above ${done}`
      : budget.maxCostUsd !== undefined && state.spendUsd >= budget.maxCostUsd
        ? `it spent ${formatUsd(state.spendUsd)} of its ${formatUsd(budget.maxCostUsd)} limit: pass a larger --max-cost`
        : budget.stagnation !== undefined && state.sinceImprovement >= budget.stagnation
          ? `its last ${state.sinceImprovement} candidates found no new best, its --stagnation is ${budget.stagnation}: pass a larger --stagnation`
          : undefined;
  if (spent) throw new UserError(`run ${state.runId} has nothing left to do: ${spent}`);
}

export function registerEvolveCommands(program: Command): void {
  addRunFlags(
    program
      .command('evolve')
      .description('evolve the EVOLVE-BLOCKs of a file (the whole file when it has none)')
      .argument('<file>', 'the policy, protocol or program to improve')
      .option('-e, --evaluator <name>', 'how candidates are scored: faas, protocol or command (inferred from the file)')
      .option('-c, --command <cmd>', 'score with a shell command; {file} is the candidate path (implies --evaluator command)')
      .option('--serve <cmd>', 'candidates are FaaS scheduler servers in any language (Eudoxia REST protocol), each started by this command in the OS sandbox; {file} is the candidate, {port} (and $PORT) the port (implies --evaluator faas)')
      .option('--eval-option <key=value>', 'evaluator option (repeatable; values are JSON or text)', collect)
      .option('-g, --generator <name>', 'where candidates come from: mutate (default, no API key), llm, openai, anthropic, replay')
      .option('--gen-option <key=value>', 'generator option (repeatable)', collect)
      .option('-m, --model <provider:model[@weight]>', 'LLM model (repeatable); implies --generator llm', collect)
      .option('--base-url <url>', 'OpenAI-compatible server for the models (Ollama, vLLM, llama.cpp, Azure...)')
      .option('--context-window <tokens>', "the models' context window, prompt and reply together (a local server's real window, e.g. Ollama's num_ctx)")
      .option('--price <model=in,out[,cached]>', 'USD per million input, output (and cached input) tokens for a model missing from the price table (repeatable)', collect)
      .option('--record <cassette>', 'record every prompt and response to a cassette file')
      .option('--cassette <file>', 'replay a recorded cassette (implies --generator replay)')
      .option('-j, --concurrency <n>', 'candidates in flight; 1 makes a run exactly reproducible (default 2)')
      .option('--gen-concurrency <n>', 'generator calls at the same time (default 2)')
      .option('--seed <n>', 'seed for every random choice (default 1)')
      .option('--islands <n>', 'population islands (default 4)')
      .option('--aggregate <rule>', 'per-workload score aggregation: mean, median, last, min, weighted')
      .option('--no-cascade', 'evaluate every candidate on the full search set')
      .option('--cascade-margin <fraction>', 'how close to the island best a cheap score must be to continue (default 0.1)')
      .option('--config <file.json>', 'run settings as JSON (flags win)')
      .option('--experiment <name>', 'with --broker: queue prefix shared with the workers (default "default")')
      .option('--remote-samplers', 'with --broker: generate candidates on remote samplers too (worker --samplers N)')
      .option('--max-attempts <n>', 'with --broker: deliveries of a task before it is dead-lettered and its candidate fails (default 3)'),
  ).action(async (file: string, flags: EvolveFlags & OutputFlags) => {
    const path = resolve(file);
    if (!existsSync(path)) throw new UserError(`file not found: ${file}`);
    if (!statSync(path).isFile()) throw new UserError(`${file} is not a file`);
    const code = readFileSync(path, 'utf8');
    try {
      checkStartingFile(code, file);
    } catch (err) {
      if (err instanceof BlockError) throw new UserError(`${file}:${err.line}: ${err.message}`);
      throw new UserError((err as Error).message);
    }
    const config = buildRunConfig(path, code, flags);
    refuseModelless(config, file, flags);
    await execute(flags, config, (handles, signal) => startRun({ runsDir: runsDirOf(flags.runsDir), code, config }, handles, signal));
  });

  addRunFlags(
    program
      .command('resume')
      .description('continue a run from its journal (after a crash, Ctrl-C or with a bigger budget)')
      .argument('<run>', 'run id, id prefix, folder, or "latest"'),
  ).action(async (run: string, flags: EvolveFlags & OutputFlags) => {
    const dir = findRunDir(run, flags.runsDir);
    const { state, store, warnings } = loadRun(dir);
    store.close();
    if (flags.broker !== undefined && !state.config.broker) throw new UserError(`run ${state.runId} did not use a broker, so it resumes locally: drop --broker`);
    const budget = buildBudget(flags, state.config.budget);
    refuseSpentBudget(state, budget);
    warnSkipped(warnings);
    const config = flags.unsandboxedCommands ? withoutCommandSandbox(state.config) : state.config;
    // The resumed budget (a new --max-cost) is what the generator must respect from its first call.
    await execute(flags, { ...config, budget }, (handles, signal) => resumeRun(dir, budget, handles, signal));
  });
}

async function execute(flags: OutputFlags, config: RunConfig, begin: (handles: Awaited<ReturnType<typeof compose>>['handles'], signal: AbortSignal) => Promise<ActiveRun>): Promise<void> {
  const mode = flags.json ? 'json' : flags.quiet ? 'quiet' : process.stderr.isTTY ? 'tty' : 'plain';
  const sink = createProgressSink(mode);
  // A broker URL given on the command line reaches the composition root like any other secret, never the journal.
  const secret = (name: string): string | undefined => (name === BROKER_URL_ENV && typeof flags.broker === 'string' ? flags.broker : process.env[name]);
  const composed = await compose(config, { onEvent: (e) => sink.onEvent(e), log: (message) => sink.onEvent({ kind: 'log', level: 'warn', message }), secret });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write('\nstopping: finishing the journal (Ctrl-C again to quit at once)\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let summary: RunSummary;
  let active: ActiveRun | undefined;
  try {
    active = await begin(composed.handles, controller.signal);
    if (mode !== 'json' && mode !== 'quiet') process.stderr.write(`run ${active.state.runId} (${active.store.dir})\n`);
    if (mode !== 'json' && commandsUnsandboxed(config)) process.stderr.write(UNSANDBOXED_WARNING);
    summary = await active.done;
  } catch (err) {
    if (err instanceof StartingProgramFailed) throw new UserError(err.message, ExitCode.evaluation);
    // A rejected key, an unknown model or URL, an exhausted account: every later call would fail the same way.
    if (err instanceof Error && (err as { fatal?: unknown }).fatal === true) throw new UserError(err.message, ExitCode.badInput);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    sink.finish();
    await composed.close();
  }
  printSummary(summary, active.store.dir, flags.json === true, composed.evaluator.info.relativeTo);
  if (summary.reason === 'cancelled') process.exitCode = ExitCode.interrupted;
}

/** `resume --unsandboxed-commands`: the opt-out for this session of a command run. */
function withoutCommandSandbox(config: RunConfig): RunConfig {
  if (!sandboxesCommands(config)) throw new UserError('--unsandboxed-commands only applies to command evaluations (--command) and scheduler servers (--serve)', ExitCode.usage);
  return { ...config, evaluator: { ...config.evaluator, options: { ...config.evaluator.options, unsandboxed: true } } };
}

const percent = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

export function printSummary(s: RunSummary, dir: string, json: boolean, relativeTo?: string): void {
  if (json) {
    process.stdout.write(JSON.stringify({ event: 'summary', ...s, dir, ...(relativeTo ? { relativeTo } : {}) }) + '\n');
    return;
  }
  const lines = [
    `run ${s.runId}: stopped (${s.reason})`,
    `  best       ${s.best.id}  score ${formatScore(s.best.score)}  ${formatDelta(s.best.score, s.initial.score)} vs the starting program (${formatScore(s.initial.score)})`,
  ];
  if (s.best.validation !== null || s.initial.validation !== null) lines.push(`  validation ${formatScore(s.best.validation)}  ${formatDelta(s.best.validation, s.initial.validation)} (start ${formatScore(s.initial.validation)})`);
  if (s.holdout) lines.push(`  holdout    ${formatScore(s.holdout.best)}  ${formatDelta(s.holdout.best, s.holdout.initial)} (start ${formatScore(s.holdout.initial)})`);
  lines.push(`  candidates ${s.candidates} (${s.failed} failed, ${s.duplicates} duplicates) in ${formatDuration(s.elapsedMs)}, spend ${formatUsd(s.spendUsd)}`);
  if (relativeTo) {
    // Scores are relative improvements over the baseline, so they read directly as percentages.
    const parts = [`search ${percent(s.best.score)}`];
    if (s.best.validation !== null) parts.push(`validation ${percent(s.best.validation)}`);
    if (s.holdout) parts.push(`holdout ${percent(s.holdout.best)}`);
    lines.push(`  best vs ${relativeTo}: ${parts.join(', ')} (the starting program: search ${percent(s.initial.score)}${s.holdout ? `, holdout ${percent(s.holdout.initial)}` : ''})`);
  }
  if (s.best.id !== 'c0') lines.push(`  next: policy-evolver diff ${s.runId} ${s.best.id}   |   policy-evolver apply ${s.runId} ${s.best.id}`);
  else lines.push('  no candidate beat the starting program on search and validation');
  if (s.reason === 'cancelled') lines.push(`  continue with: policy-evolver resume ${s.runId}`);
  process.stdout.write(lines.join('\n') + '\n');
}
