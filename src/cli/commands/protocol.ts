// `policy-evolver protocol ...`: verify a rule-table protocol with Spin, synthesize one with the
// Q-learning agent, export one as a threshold automaton, or format one.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/store-fs';
import { basename } from 'node:path';
import { describeCheck } from '../../evaluators/protocol/feedback';
import type { FaultModel, Protocol } from '../../evaluators/protocol/language/ast';
import { formatProtocol } from '../../evaluators/protocol/language/format';
import { parseProtocol } from '../../evaluators/protocol/language/parser';
import { defaultSettings, extendedSettings, parseSettingId, settingCost, settingsBeyondModel, type SettingSpec } from '../../evaluators/protocol/model/settings';
import { ModelBuilder, ToolMissingError, detectToolchain } from '../../evaluators/protocol/spin/build';
import { checkPromela, type PmlResult } from '../../evaluators/protocol/pml';
import { exportThresholdAutomaton, TaExportError } from '../../evaluators/protocol/ta-export';
import type { CheckLimits, EngineKind, SettingCheck } from '../../evaluators/protocol/verdict';
import { ProtocolVerifier, type ProtocolReport } from '../../evaluators/protocol/verify';
import { synthesize, type SynthesisProgress, type SynthesisResult } from '../../evaluators/protocol/synth';
import { parseDuration } from '../duration';
import { ExitCode, UserError } from '../errors';
import { formatDuration, table } from '../format';

function readProtocol(file: string): Protocol {
  if (!existsSync(file)) throw new UserError(`no such file: ${file}`);
  const r = parseProtocol(readFileSync(file, 'utf8'));
  if (!r.ok) {
    const i = r.issues[0] as { line: number; column: number; message: string };
    throw new UserError(`${file}:${i.line}:${i.column}: ${i.message}${r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : ''}`);
  }
  return r.protocol;
}

function requireSpin(): void {
  try {
    detectToolchain();
  } catch (err) {
    if (err instanceof ToolMissingError) throw new UserError(err.message, ExitCode.evaluation);
    throw err;
  }
}

function parseSettings(text: string | undefined, p: Protocol, extended: boolean): SettingSpec[] {
  let specs: SettingSpec[];
  if (!text) specs = defaultSettings(p);
  else {
    try {
      specs = text
        .split(',')
        .filter((s) => s.trim())
        .map(parseSettingId);
    } catch (err) {
      throw new UserError((err as Error).message, ExitCode.usage);
    }
  }
  if (extended) specs = [...specs, ...extendedSettings(p)];
  const seen = new Set<string>();
  return specs.filter((s) => {
    const k = `${s.kind}:${s.n}:${s.f ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function checkJson(c: SettingCheck): Record<string, unknown> {
  return {
    setting: c.setting,
    ...(c.n !== undefined ? { n: c.n } : {}),
    ...(c.f !== undefined ? { f: c.f } : {}),
    ...(c.bestEffort ? { bestEffort: true } : {}),
    verdict: c.verdict,
    engine: c.engine,
    ...(c.limitHit ? { limitHit: c.limitHit } : {}),
    ...(c.property ? { property: c.property, detail: c.detail } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.skipped ? { skipped: true } : {}),
    ...(c.stats ? { stats: c.stats } : {}),
    ...(c.metrics ? { metrics: c.metrics } : {}),
    ...(c.chart ? { chart: c.chart } : {}),
    wallMs: c.wallMs,
  };
}

export function reportJson(file: string, report: ProtocolReport): Record<string, unknown> {
  return {
    file,
    protocol: report.protocol,
    verdict: report.coverage.verdict,
    coverage: report.coverage.summary,
    verified: report.verified,
    settings: report.settings.map(checkJson),
    lockstep: report.lockstep.map((l) => ({ n: l.n, messages: l.messages, steps: l.steps ?? null, allDelivered: l.allDelivered, receipts: l.receipts.map((r) => r ?? null) })),
    spinRuns: report.spinRuns,
  };
}

export function reportText(file: string, report: ProtocolReport): string {
  const p = report.protocol;
  const lines = [`${p.name} (fault ${p.fault}${p.fault !== 'none' ? `, N > ${p.resilience}f` : ''}) — ${file}`, '', report.coverage.summary, ''];
  lines.push(
    table(
      ['SETTING', 'VERDICT', 'STATES', 'TIME', 'MESSAGES', 'RECEIPTS', 'NOTE'],
      report.settings.map((c) => [
        `${c.setting}${c.bestEffort ? ' (best effort)' : ''}`,
        c.skipped ? 'UNKNOWN (not run)' : c.verdict,
        c.stats ? c.stats.states.toLocaleString('en-US') : '',
        c.stats ? `${c.stats.seconds.toFixed(2)}s` : '',
        c.metrics?.messagesWorst !== undefined ? `${c.metrics.messagesBest}..${c.metrics.messagesWorst}` : '',
        c.metrics?.receiptsWorst !== undefined ? `${c.metrics.receiptsBest}..${c.metrics.receiptsWorst}` : '',
        c.verdict === 'VIOLATED' ? (c.property ?? '') : (c.reason ?? ''),
      ]),
    ),
  );
  for (const l of report.lockstep) {
    const rcp = l.receipts.filter((r): r is number => r !== undefined);
    lines.push(l.allDelivered ? `Failure-free lock-step at N = ${l.n}: ${l.messages} messages, ${l.steps} step(s), a process delivers after counting ${Math.max(...rcp)} messages.` : `Failure-free lock-step at N = ${l.n}: some process never delivers.`);
  }
  for (const c of report.settings) {
    if (c.verdict === 'VIOLATED') {
      lines.push('', `Counterexample in ${describeCheck(c)}`);
      if (c.chart) lines.push(c.chart.text);
    }
  }
  lines.push('', 'MESSAGES and RECEIPTS are best..worst over every schedule Spin explored; only VERIFIED counts as correct; a best-effort setting that does not complete is named, not counted.');
  return lines.join('\n');
}

function progressWriter(json: boolean): { onProgress: (p: SynthesisProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY && !json;
  let last = '';
  return {
    onProgress: (p) => {
      if (json) {
        process.stderr.write(`${JSON.stringify({ event: 'progress', ...p })}\n`);
        return;
      }
      const best = p.best ? `best ${p.best.messagesWorst ?? '?'} msgs/${p.best.steps ?? '?'} steps` : 'no verified table yet';
      const line = `${p.phase} · episode ${p.episode} · ${formatDuration(p.elapsedMs)} · ${best} · ${p.spinRuns} spin runs, ${p.cacheHits} cache hits${p.message ? ` · ${p.message}` : ''}`;
      if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      else if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    },
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

export function synthesisSummary(r: SynthesisResult): string {
  const lines = [
    `Synthesis (${r.fault}, seed ${r.seed}): ${r.episodes} episodes in ${formatDuration(r.elapsedMs)} (learning ${formatDuration(r.learningMs)}), stopped by ${r.stopReason}.`,
    `Spin runs ${r.spinRuns}, verdict cache hits ${r.cacheHits}, rejected by the lock-step pre-screen ${r.prescreened}, distinct tables ${r.distinctCandidates}, verified tables ${r.verifiedCount}.`,
    r.firstVerified ? `First verified table after ${formatDuration(r.firstVerified.elapsedMs)} (episode ${r.firstVerified.episode}).` : 'No verified table found.',
  ];
  if (r.best) {
    lines.push(`Best: ${r.best.outcome.messagesWorst ?? '?'} messages (failure-free worst case), ${r.best.outcome.steps ?? '?'} step(s); ${r.best.coverage}.`);
    for (const rep of [r.best.extended, r.best.certified]) if (rep) for (const c of rep.settings) lines.push(`  ${describeCheck(c)}`);
  }
  if (r.rejected.length) {
    lines.push(`Rejected by re-verification (${r.rejected.length}):`);
    for (const x of r.rejected.slice(0, 5)) lines.push(`  ${x.coverage}`);
  }
  if (!r.best && r.verifiedCount > 0) lines.push('No table verified in the learning settings survived re-verification; nothing is written.');
  for (const cut of r.timeCuts) lines.push(`warning: ${cut}`);
  if (r.timeCuts.length) lines.push('warning: a wall-clock limit cut the search, so this result depends on the machine; use an episode budget and state limits for a reproducible one.');
  return lines.join('\n');
}

interface VerifyFlags {
  settings?: string;
  extended?: boolean;
  engine: string;
  timeLimit: string;
  memoryLimit: string;
  maxStates?: string;
  all?: boolean;
  chart: boolean;
  json?: boolean;
}

/** Line and column of a "file:line:column: message" error, for JSON consumers. */
function errorPosition(message: string): { line?: number; column?: number } {
  const m = /:(\d+):(\d+): /.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : {};
}

function limitsOf(flags: VerifyFlags): CheckLimits {
  const memoryMb = Number(flags.memoryLimit);
  if (!(memoryMb >= 64)) throw new UserError(`--memory-limit must be a number of MB >= 64, not '${flags.memoryLimit}'`, ExitCode.usage);
  const maxStates = flags.maxStates !== undefined ? Number(flags.maxStates) : undefined;
  if (maxStates !== undefined && !(Number.isInteger(maxStates) && maxStates > 0)) throw new UserError(`--max-states must be a positive whole number, not '${flags.maxStates}'`, ExitCode.usage);
  return { timeMs: parseDuration(flags.timeLimit, '--time-limit'), memoryMb, ...(maxStates !== undefined ? { maxStates } : {}) };
}

async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; interrupted: boolean }> {
  const ac = new AbortController();
  const onSig = (): void => ac.abort();
  process.once('SIGINT', onSig);
  try {
    const value = await body(ac.signal);
    return { value, interrupted: ac.signal.aborted };
  } finally {
    process.removeListener('SIGINT', onSig);
  }
}

async function verifyCommand(file: string, flags: VerifyFlags): Promise<void> {
  if (file.endsWith('.pml')) return verifyPromelaCommand(file, flags);
  const p = readProtocol(file);
  if (flags.engine !== 'compiled' && flags.engine !== 'interpreter') throw new UserError(`--engine must be compiled or interpreter, not '${flags.engine}'`, ExitCode.usage);
  const limits = limitsOf(flags);
  const settings = parseSettings(flags.settings, p, !!flags.extended).sort((a, b) => settingCost(a) - settingCost(b));
  requireSpin();
  const verifier = new ProtocolVerifier();
  const { value: report, interrupted } = await withInterrupt((signal) =>
    verifier.verify(p, {
      settings,
      engine: flags.engine as EngineKind,
      exactReceipts: flags.engine === 'compiled',
      limits,
      stopAtFirstFailure: !flags.all,
      chart: flags.chart,
      shortest: true,
      signal,
      beyondModel: flags.settings ? [] : settingsBeyondModel(p),
      ...(flags.json ? {} : { onResult: (c: SettingCheck) => process.stderr.write(`${describeCheck(c)}\n`) }),
    }),
  );
  process.stdout.write(flags.json ? `${JSON.stringify(reportJson(file, report), null, 2)}\n` : `${reportText(file, report)}\n`);
  if (interrupted) process.exitCode = ExitCode.interrupted;
  else if (!report.verified) process.exitCode = ExitCode.evaluation;
}

/** A raw PROMELA model: its own assertions, invalid end states and ltl claims, with Spin's trail for a violation. */
async function verifyPromelaCommand(file: string, flags: VerifyFlags): Promise<void> {
  if (!existsSync(file)) throw new UserError(`no such file: ${file}`);
  if (flags.settings || flags.extended) throw new UserError('--settings and --extended apply to .rbp protocols; a .pml model carries its own processes and properties', ExitCode.usage);
  const limits = limitsOf(flags);
  requireSpin();
  const code = readFileSync(file, 'utf8');
  const { value: r, interrupted } = await withInterrupt((signal) => checkPromela(code, new ModelBuilder(), { limits, objective: 'minimize', fairness: false, signal }));
  if (r.verdict === 'INVALID') {
    const what = r.errorKind === 'gcc' ? 'gcc could not compile the verifier Spin generated (C code in the model?)' : 'Spin rejected the model';
    throw new UserError(`${file}: ${what}: ${r.error ?? ''}`.trim());
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ file, verdict: r.verdict, verified: r.verdict === 'VERIFIED', runs: r.runs }, null, 2)}\n`);
  else process.stdout.write(`${promelaText(file, r)}\n`);
  if (interrupted) process.exitCode = ExitCode.interrupted;
  else if (r.verdict !== 'VERIFIED') process.exitCode = ExitCode.evaluation;
}

export function promelaText(file: string, r: PmlResult): string {
  const lines = [`${file}: ${r.verdict}`, ''];
  for (const x of r.runs) lines.push(`- ${x.name}: ${x.verdict}${x.property ? ` (${x.property})` : ''}${x.reason ? ` — ${x.reason}` : ''}${x.stats ? ` (${x.stats.states.toLocaleString('en-US')} states)` : ''}`);
  for (const x of r.runs) if (x.trail) lines.push('', `Spin's trail for ${x.name}:`, x.trail);
  return lines.join('\n');
}

export function registerProtocolCommands(program: Command): void {
  const protocol = program.command('protocol').description('threshold-rule broadcast protocols: verify with Spin, synthesize, export');

  protocol
    .command('verify')
    .description('check a .rbp protocol with Spin in each setting, cheapest first (VERIFIED, VIOLATED with a message-sequence chart, UNKNOWN or INVALID per setting, and the settings the verdict covers); a .pml PROMELA model is checked against its own assertions and ltl claims')
    .argument('<file>', 'protocol file (.rbp) or PROMELA model (.pml)')
    .option('--settings <list>', 'comma-separated settings, e.g. none:4,crash:4,byz-sender:4 or crash:5:f=2 (default: the fault model\'s: N = kf+1, kf+2 with f = 1, and N = 2k+1 with f = 2 best-effort)')
    .option('--extended', 'also check, best-effort, one more N with f = 1 and with f = 2')
    .option('--engine <kind>', 'compiled (certification model) or interpreter (the screening model)', 'compiled')
    .option('--time-limit <duration>', 'wall-clock limit of each Spin run', '120s')
    .option('--memory-limit <mb>', 'memory limit of each Spin run in MB', '4096')
    .option('--max-states <n>', 'stop each search after this many stored states (UNKNOWN); unlike the time limit, the same on every machine')
    .option('--all', 'keep checking after a violation')
    .option('--no-chart', 'do not replay violations into charts')
    .option('--json', 'print one JSON object (an {"error": ...} object for bad input)')
    .action(async (file: string, flags: VerifyFlags) => {
      try {
        await verifyCommand(file, flags);
      } catch (err) {
        if (flags.json && err instanceof UserError) process.stdout.write(`${JSON.stringify({ file, error: { message: err.message, exitCode: err.exitCode, ...errorPosition(err.message) } }, null, 2)}\n`);
        throw err;
      }
    });

  protocol
    .command('synth')
    .description("synthesize a protocol with the seed paper's Q-learning agent; writes the cheapest Spin-verified table")
    .requiredOption('--fault <model>', 'none, crash or byzantine')
    .option('--seed <n>', 'random seed (same seed and episode budget, same result)', '1')
    .option('--budget <budget>', 'episodes (e.g. 4000); a time (e.g. 10m, or 4000,10m) is a machine-dependent safety net, reported when it cuts the search', '4000')
    .option('--patience <episodes>', 'stop learning after this many episodes without a cheaper verified table')
    .option('--extended', 'also re-verify the winner, best-effort, past the default settings')
    .option('--resilience <k>', 'the protocol is for N > kf (default: 2 crash, 3 byzantine), e.g. 5 for Imbs-Raynal')
    .option('--types <list>', 'message types the agent may use, the sender\'s first (default: INIT,ECHO,READY byzantine; DATA,RELAY otherwise)')
    .option('--per-value <list>', 'types sent once per value rather than once in total (Imbs-Raynal\'s WITNESS)')
    .option('--max-rules <n>', 'most rules in a table (default: 3 none, 4 crash, 5 byzantine)')
    .option('--out <file>', 'write the protocol here (default: standard output)')
    .option('--name <name>', 'protocol name in the written file')
    .option('--json', 'print a JSON summary (progress as JSON lines on stderr)')
    .action(async (flags: SynthFlags) => {
      try {
        await synthCommand(flags);
      } catch (err) {
        if (flags.json && err instanceof UserError) process.stdout.write(`${JSON.stringify({ error: { message: err.message, exitCode: err.exitCode } }, null, 2)}\n`);
        throw err;
      }
    });

  protocol
    .command('export-ta')
    .description("write the protocol as a threshold automaton in ByMC's .ta format, to seek a proof for all N")
    .argument('<file>', 'protocol file (.rbp)')
    .option('--out <file>', 'output file (default: standard output)')
    .action((file: string, flags: { out?: string }) => {
      const p = readProtocol(file);
      let ta: string;
      try {
        ta = exportThresholdAutomaton(p);
      } catch (err) {
        if (err instanceof TaExportError) throw new UserError(`${basename(file)}: ${err.message}`);
        throw err;
      }
      if (flags.out) writeFileAtomic(flags.out, ta);
      else process.stdout.write(ta);
    });

  protocol
    .command('format')
    .description('print a protocol in canonical form (comments kept)')
    .argument('<file>', 'protocol file (.rbp)')
    .option('--write', 'rewrite the file in place')
    .action((file: string, flags: { write?: boolean }) => {
      const text = formatProtocol(readProtocol(file));
      if (flags.write) writeFileAtomic(file, text);
      else process.stdout.write(text);
    });
}

interface SynthFlags {
  fault: string;
  seed: string;
  budget: string;
  patience?: string;
  extended?: boolean;
  resilience?: string;
  types?: string;
  perValue?: string;
  maxRules?: string;
  out?: string;
  name?: string;
  json?: boolean;
}

async function synthCommand(flags: SynthFlags): Promise<void> {
  if (flags.fault !== 'none' && flags.fault !== 'crash' && flags.fault !== 'byzantine') throw new UserError(`--fault must be none, crash or byzantine, not '${flags.fault}'`, ExitCode.usage);
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer, not '${flags.seed}'`, ExitCode.usage);
  let episodes: number | undefined;
  let timeMs: number | undefined;
  for (const part of flags.budget.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (/^\d+$/.test(part)) episodes = Number(part);
    else timeMs = parseDuration(part, '--budget');
  }
  const whole = (v: string | undefined, flag: string, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} must be a whole number >= ${min}, not '${v}'`, ExitCode.usage);
    return n;
  };
  const list = (v: string | undefined): string[] | undefined => v?.split(',').map((x) => x.trim()).filter(Boolean);
  const resilience = whole(flags.resilience, '--resilience', 1);
  const maxRules = whole(flags.maxRules, '--max-rules', 1);
  const types = list(flags.types);
  const perValue = list(flags.perValue);
  for (const t of [...(types ?? []), ...(perValue ?? [])]) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) throw new UserError(`'${t}' is not a message type name`, ExitCode.usage);
  const unknownPerValue = perValue?.find((t) => !(types ?? []).includes(t) && types !== undefined);
  if (unknownPerValue) throw new UserError(`--per-value ${unknownPerValue} is not one of --types ${types?.join(',')}`, ExitCode.usage);
  const patience = flags.patience !== undefined ? Number(flags.patience) : undefined;
  if (patience !== undefined && !(patience > 0)) throw new UserError('--patience must be a positive number of episodes', ExitCode.usage);
  requireSpin();
  const ac = new AbortController();
  const onSig = (): void => ac.abort();
  process.once('SIGINT', onSig);
  const progress = progressWriter(!!flags.json);
  try {
    const r = await synthesize({
      fault: flags.fault as FaultModel,
      seed,
      budget: { ...(episodes !== undefined ? { episodes } : {}), ...(timeMs !== undefined ? { timeMs } : {}), ...(patience !== undefined ? { patience } : {}) },
      extended: !!flags.extended,
      ...(resilience !== undefined ? { resilience } : {}),
      ...(types || perValue || maxRules ? { catalogue: { ...(types ? { types } : {}), ...(perValue ? { perValueTypes: perValue } : {}), ...(maxRules ? { maxRules } : {}) } } : {}),
      ...(flags.name ? { name: flags.name } : {}),
      onProgress: progress.onProgress,
      signal: ac.signal,
    });
    progress.done();
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          {
            ...r,
            best: r.best ? { text: r.best.text, outcome: r.best.outcome, certified: r.best.certified ? reportJson(flags.out ?? '-', r.best.certified) : null, extended: r.best.extended ? reportJson(flags.out ?? '-', r.best.extended) : null } : null,
          },
          null,
          2,
        )}\n`,
      );
    } else process.stderr.write(`${synthesisSummary(r)}\n`);
    if (!r.best) {
      process.exitCode = ac.signal.aborted ? ExitCode.interrupted : ExitCode.evaluation;
      return;
    }
    if (flags.out) {
      writeFileAtomic(flags.out, r.best.text);
      if (!flags.json) process.stderr.write(`wrote ${flags.out}\n`);
    } else if (!flags.json) process.stdout.write(r.best.text);
    if (ac.signal.aborted) process.exitCode = ExitCode.interrupted;
  } finally {
    process.removeListener('SIGINT', onSig);
  }
}
