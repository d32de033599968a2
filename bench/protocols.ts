// `npm run bench:protocols`: the protocol domain's headline figures.
//  1. Spin verification time per setting for the example protocols, next to the times the spec
//     measured with a plainer encoding (../shared/spec/reliable-broadcast.md).
//  2. The seed paper's three experiments with the Q-learning synthesizer (no faults, crash,
//     Byzantine), and the Byzantine one again with the catalogue that can express Imbs-Raynal
//     (N > 5f, per-value WITNESS): time to the first verified algorithm, the final algorithm, its failure-free
//     worst-case message count against the known algorithm's, Spin runs and cache hits. Goal:
//     each ends with a Spin-verified algorithm at least as cheap as the known one within 10 min.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseProtocolOrThrow } from '../src/evaluators/protocol/language/parser';
import type { FaultModel, Protocol } from '../src/evaluators/protocol/language/ast';
import { parseSettingId } from '../src/evaluators/protocol/model/settings';
import { detectToolchain } from '../src/evaluators/protocol/spin/build';
import { ProtocolVerifier } from '../src/evaluators/protocol/verify';
import { synthesize } from '../src/evaluators/protocol/synth';

const EXAMPLES = join(__dirname, '..', 'examples', 'protocols');
const TEN_MINUTES = 10 * 60_000;

function load(name: string): Protocol {
  return parseProtocolOrThrow(readFileSync(join(EXAMPLES, name), 'utf8'));
}

const BEST_EFFORT = parseProtocolOrThrow('protocol BestEffortBroadcast\nfault none\nmessage DATA\non broadcast: send DATA\non DATA from sender: deliver\n');

/** What the spec measured (states, seconds) with per-process encodings and no symmetry reduction. */
const SPEC: Record<string, string> = {
  'Bracha none:3': '<= 0.2 s',
  'Bracha none:4': '87,804 states, 0.1 s',
  'Bracha byz-nonsender:4': '1.07 M states, 1.5 s, 144 MB',
  'Bracha crash:4': '5.5 M states, 8-17 s',
  'Bracha byz-sender:4': '9.5 M states, 19-42 s, 1.1 GB',
  'EagerReliableBroadcast none:3': '<= 0.2 s',
  'EagerReliableBroadcast none:4': '<= 0.2 s',
  'EagerReliableBroadcast crash:3': '<= 0.02 s',
  'EagerReliableBroadcast crash:4': '<= 20 s',
  'EagerReliableBroadcast crash:5': '815,528 states (agreement)',
  'ImbsRaynal byz-nonsender:6': '14.5 M states, 92 s, 2.4 GB',
  'ImbsRaynal byz-sender:6': 'unfinished after 600 s, even with bitstate; eager receipts: 17.2 M states, 151 s, 2.5 GB',
};

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function verificationTimes(verifier: ProtocolVerifier): Promise<void> {
  console.log('== Spin verification per setting (compiled model, symmetry reduction; failure-free: exact receipts; fault settings: lazy receipts) ==');
  const runs: { p: Protocol; settings: string[]; limits: { timeMs: number; memoryMb: number } }[] = [
    { p: load('eager-reliable-broadcast.rbp'), settings: ['none:3', 'none:4', 'crash:3', 'crash:4', 'crash:5'], limits: { timeMs: 120_000, memoryMb: 4096 } },
    { p: load('bracha.rbp'), settings: ['none:3', 'none:4', 'byz-nonsender:4', 'crash:4', 'byz-sender:4', 'byz-nonsender:5', 'byz-sender:5', 'byz-nonsender:7', 'byz-sender:7'], limits: { timeMs: 300_000, memoryMb: 6144 } },
    { p: load('imbs-raynal.rbp'), settings: ['none:4', 'byz-nonsender:6', 'byz-sender:6', 'byz-nonsender:7', 'byz-sender:7', 'byz-nonsender:11', 'byz-sender:11'], limits: { timeMs: 600_000, memoryMb: 8192 } },
    { p: load('figure3.rbp'), settings: ['none:4', 'byz-nonsender:4', 'byz-sender:4', 'byz-nonsender:5', 'byz-sender:5', 'byz-sender:7'], limits: { timeMs: 120_000, memoryMb: 4096 } },
  ];
  console.log(`${pad('protocol / setting', 38)}${pad('verdict', 10)}${pad('states', 13)}${pad('search', 9)}${pad('wall', 9)}${pad('memory', 10)}spec`);
  for (const r of runs) {
    const report = await verifier.verify(r.p, { settings: r.settings.map(parseSettingId), engine: 'compiled', exactReceipts: true, limits: r.limits, stopAtFirstFailure: false, chart: false });
    for (const c of report.settings) {
      const key = `${r.p.name} ${c.setting}`;
      const note = c.verdict === 'VIOLATED' ? `${c.property}; ` : c.verdict === 'UNKNOWN' ? `${c.reason}; ` : '';
      console.log(
        `${pad(key, 38)}${pad(c.verdict, 10)}${pad(c.stats ? c.stats.states.toLocaleString('en-US') : '-', 13)}${pad(c.stats ? `${c.stats.seconds.toFixed(2)}s` : '-', 9)}${pad(`${(c.wallMs / 1000).toFixed(2)}s`, 9)}${pad(c.stats ? `${Math.round(c.stats.memoryMb)} MB` : '-', 10)}${note}${SPEC[key] ?? ''}`,
      );
    }
  }
  console.log('(search = pan\'s own time; wall includes building the model the first time; the spec column is the plainer encoding\'s cost)');
}

async function knownCost(verifier: ProtocolVerifier, p: Protocol, n = 4): Promise<number | undefined> {
  const r = await verifier.verify(p, { settings: [parseSettingId(`none:${n}`)], engine: 'compiled', limits: { timeMs: 60_000, memoryMb: 2048 } });
  return r.settings[0]?.metrics?.messagesWorst;
}

interface ExperimentRow {
  experiment: string;
  wallS: number;
  episodes: number;
  result: string;
  messages: string;
  largestVerified: string;
  goal: boolean;
}

/** The verified setting with the most processes (then the most faults), e.g. "byz-sender:7 (N = 7, f = 2)". */
function largestVerified(settings: { setting: string; verdict: string; n?: number; f?: number }[]): string {
  const ok = settings.filter((c) => c.verdict === 'VERIFIED' && c.n !== undefined).sort((a, b) => (b.n as number) - (a.n as number) || (b.f ?? 0) - (a.f ?? 0));
  const top = ok[0];
  return top ? `${top.setting} (N = ${top.n}, f = ${top.f ?? 0})` : '-';
}

interface Experiment {
  label: string;
  fault: FaultModel;
  known: { name: string; messages: number | undefined; n: number };
  /** The Imbs-Raynal catalogue: N > 5f, INIT and a per-value WITNESS. */
  imbsRaynal?: boolean;
}

async function experiment(x: Experiment): Promise<ExperimentRow> {
  const { fault, known } = x;
  const started = Date.now();
  // The budget is in episodes and states; ten minutes is only a safety net, reported if it cuts.
  const r = await synthesize({
    fault,
    seed: 1,
    budget: { episodes: 4000, timeMs: TEN_MINUTES },
    ...(x.imbsRaynal ? { resilience: 5, catalogue: { types: ['INIT', 'WITNESS'], perValueTypes: ['WITNESS'] } } : {}),
  });
  const wall = Date.now() - started;
  const best = r.best;
  const verified = best?.extended?.verified ?? false;
  const msgs = best?.outcome.messagesWorst;
  const goal = verified && msgs !== undefined && known.messages !== undefined && msgs <= known.messages && wall <= TEN_MINUTES;
  console.log(`\n== Experiment: ${x.label} (seed 1) ==`);
  console.log(`episodes ${r.episodes} (stopped by ${r.stopReason}); learning ${(r.learningMs / 1000).toFixed(1)} s; total ${(wall / 1000).toFixed(1)} s (re-verification included)`);
  console.log(`time to first verified algorithm: ${r.firstVerified ? `${(r.firstVerified.elapsedMs / 1000).toFixed(1)} s (episode ${r.firstVerified.episode})` : 'none found'}`);
  console.log(`spin runs ${r.spinRuns}, verdict cache hits ${r.cacheHits}, lock-step pre-screen rejections ${r.prescreened}, distinct tables ${r.distinctCandidates}, verified tables ${r.verifiedCount}, rejected by re-verification ${r.rejected.length}`);
  for (const cut of r.timeCuts) console.log(`wall-clock cut: ${cut}`);
  if (best) {
    console.log(`final algorithm: ${msgs} messages (failure-free N = ${known.n}, worst case over all schedules), ${best.outcome.steps} step(s); known ${known.name}: ${known.messages} messages -> ${msgs !== undefined && known.messages !== undefined ? (msgs < known.messages ? 'beats it' : msgs === known.messages ? 'equals it' : 'costlier') : '?'}`);
    console.log(`re-verification: ${best.coverage}`);
    console.log(`certification (compiled model): ${best.certified ? best.certified.settings.map((s) => `${s.setting} ${s.verdict}`).join(', ') : 'not run'}`);
    console.log(best.text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n'));
  } else console.log('no algorithm survived re-verification; nothing would be written');
  console.log(`goal (Spin-verified, <= ${known.messages} messages, <= 10 min): ${goal ? 'met' : 'NOT met'}`);
  return {
    experiment: x.label,
    wallS: wall / 1000,
    episodes: r.episodes,
    result: best ? best.coverage : 'nothing verified',
    messages: msgs !== undefined ? String(msgs) : '-',
    largestVerified: best?.extended ? largestVerified(best.extended.settings) : '-',
    goal,
  };
}

export async function run(): Promise<void> {
  const tools = detectToolchain();
  console.log(`${tools.spinVersion}; gcc; ${cpus().length} cores`);
  const verifier = new ProtocolVerifier();
  await verificationTimes(verifier);
  const experiments: Experiment[] = [
    { label: 'none', fault: 'none', known: { name: 'best-effort broadcast', messages: await knownCost(verifier, BEST_EFFORT), n: 4 } },
    { label: 'crash', fault: 'crash', known: { name: 'eager reliable broadcast', messages: await knownCost(verifier, load('eager-reliable-broadcast.rbp')), n: 4 } },
    { label: 'byzantine', fault: 'byzantine', known: { name: 'Bracha', messages: await knownCost(verifier, load('bracha.rbp')), n: 4 } },
    // The paper's Byzantine experiment first found Imbs-Raynal; its catalogue learns at N = 6.
    { label: 'byz N>5f', fault: 'byzantine', imbsRaynal: true, known: { name: 'Imbs-Raynal', messages: await knownCost(verifier, load('imbs-raynal.rbp'), 6), n: 6 } },
  ];
  const rows: ExperimentRow[] = [];
  for (const x of experiments) rows.push(await experiment(x));
  console.log('\n== Experiments ==');
  console.log(`${pad('experiment', 12)}${pad('wall', 10)}${pad('episodes', 10)}${pad('messages', 10)}${pad('largest verified setting', 33)}result`);
  for (const r of rows) console.log(`${pad(r.experiment, 12)}${pad(`${r.wallS.toFixed(1)}s`, 10)}${pad(String(r.episodes), 10)}${pad(r.messages, 10)}${pad(r.largestVerified, 33)}${r.result}`);
  console.log(`experiments meeting the goal: ${rows.filter((r) => r.goal).length}/${rows.length}`);
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
