// A few hundred malformed inputs, generated from a fixed seed: CLI flags, run config fields,
// simulation parameters, traces, protocol files, cluster scenarios and runs folders. Each is
// mutated from a valid input, so most reach deep into the code that reads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FuzzCase {
  kind: string;
  args: string[];
  files: Record<string, string>;
}

const ROOT = join(__dirname, '..', '..', '..');

class Rng {
  constructor(private s: number) {}
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
}

const TEXT_VALUES = ['', ' ', '-1', '0', '1e8', '1e400', 'NaN', 'Infinity', '-Infinity', '1.5', '99999999999999999999', 'three', '0x10', '600h', '-5m', '1e9h', '5 m', '../../x', '/proc/self/x', '/dev/null', 'a=b=c', '=1', '{', '[]', '{"a":1}', 'null', 'true', 'ünïcödé', 'x'.repeat(5000)];
const JSON_VALUES: unknown[] = [null, true, false, -1, 0, 1.5, -1e300, 1e300, 1e8, '', 'three', 'yes', [], [1, 2], {}, { a: 1 }, { enabled: 'yes' }, 'mean', 'avg', Number.MAX_SAFE_INTEGER];
const TOML_VALUES = ['-1', '0', '1e8', '1e308', '1.5', 'nan', 'inf', '-inf', '"text"', 'true', '[1, 2]', '{ a = 1 }', '""', '1e-300', '99999999999999999999', '2024-01-01', '0x10'];

const EVOLVE_FLAGS = ['--budget', '--time', '--max-cost', '--stagnation', '--concurrency', '--gen-concurrency', '--seed', '--islands', '--aggregate', '--cascade-margin', '--eval-option', '--gen-option', '--model', '--runs-dir', '--max-attempts', '--experiment', '--generator', '--evaluator', '--config', '--base-url', '--cassette', '--record'];
const CONFIG_FIELDS = ['evaluator', 'generator', 'seed', 'islands', 'concurrency', 'generationConcurrency', 'budget', 'cascade', 'aggregation', 'searchReplaceRatio', 'migrationInterval', 'eliteSize', 'exploitation', 'inspirations'];
const BUDGET_FIELDS = ['maxCandidates', 'maxWallSeconds', 'maxCostUsd', 'stagnation'];
const CASCADE_FIELDS = ['enabled', 'cheapCount', 'margin'];
const PARAM_KEYS = ['duration', 'ticks_per_second', 'waiting_seconds_mean', 'num_pipelines', 'num_operators', 'num_segs', 'interactive_prob', 'query_prob', 'batch_prob', 'dag_linear_prob', 'cpu_io_ratio', 'num_pools', 'cpus_per_pool', 'ram_gb_per_pool', 'multi_operator_containers', 'allow_memory_overcommit', 'random_seed', 'max_job_seconds', 'estimator_algo', 'estimator_noise_sigma', 'physics', 'scheduler_algo'];

const program = '// EVOLVE-BLOCK-START\nx = 1;\n// EVOLVE-BLOCK-END\n';
const params = 'duration = 5\nticks_per_second = 100\nnum_pipelines = 2\nwaiting_seconds_mean = 1.0\nnum_pools = 2\n';

function deepNest(rng: Rng): string {
  const d = 30 + rng.int(5000);
  return rng.next() < 0.5 ? `${'('.repeat(d)}f${')'.repeat(d)}` : `${'-'.repeat(d)}f`;
}

function mutateLines(text: string, rng: Rng, tokens: readonly string[]): string {
  const lines = text.split('\n');
  const n = 1 + rng.int(3);
  for (let k = 0; k < n; k++) {
    const i = rng.int(lines.length);
    const line = lines[i] ?? '';
    switch (rng.int(6)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        const words = line.split(/(\s+|,)/);
        words[rng.int(words.length)] = rng.pick(tokens);
        lines[i] = words.join('');
        break;
      }
      case 3:
        lines[i] = line.slice(0, rng.int(line.length + 1));
        break;
      case 4:
        lines[i] = `${line}${rng.pick(tokens)}`;
        break;
      default:
        lines.splice(i, 0, rng.pick(tokens));
    }
  }
  return lines.join('\n');
}

export function fuzzCases(seed = 12): FuzzCase[] {
  const rng = new Rng(seed);
  const cases: FuzzCase[] = [];
  const trace = readFileSync(join(ROOT, 'examples', 'faas', 'sample-trace.csv'), 'utf8').split('\n').slice(0, 24).join('\n') + '\n';
  const rbp = readFileSync(join(ROOT, 'examples', 'protocols', 'bracha.rbp'), 'utf8');
  const scenario = readFileSync(join(ROOT, 'examples', 'cluster', 'scenarios', 'easy-01.json'), 'utf8');
  const evolve = (extra: string[], files: Record<string, string> = {}): FuzzCase => ({ kind: 'evolve', args: ['evolve', 'p.js', '--command', 'true', '--runs-dir', 'runs', '--quiet', ...extra], files: { 'p.js': program, ...files } });

  // CLI flags: one or two bad values.
  for (let i = 0; i < 70; i++) {
    const extra: string[] = [];
    for (let k = 0; k < 1 + rng.int(2); k++) extra.push(rng.pick(EVOLVE_FLAGS), rng.pick(TEXT_VALUES));
    cases.push(evolve(extra));
  }
  // Run config fields: a bad value at the top level or inside budget / cascade, or an unknown key.
  for (let i = 0; i < 70; i++) {
    const config: Record<string, unknown> = { evaluator: { id: 'command', options: { command: 'true' } } };
    const r = rng.int(4);
    if (r === 0) config.budget = { [rng.pick(BUDGET_FIELDS)]: rng.pick(JSON_VALUES) };
    else if (r === 1) config.cascade = { [rng.pick(CASCADE_FIELDS)]: rng.pick(JSON_VALUES) };
    else if (r === 2) config[rng.pick(CONFIG_FIELDS)] = rng.pick(JSON_VALUES);
    else config[`${rng.pick(CONFIG_FIELDS)}${rng.pick(['s', 'x', '_', ''])}`.slice(0, -1 - rng.int(2))] = rng.pick(JSON_VALUES);
    const text = rng.next() < 0.1 ? JSON.stringify(config).slice(0, -1 - rng.int(5)) : JSON.stringify(config);
    cases.push({ kind: 'config', args: ['evolve', 'p.js', '--config', 'c.json', '--runs-dir', 'runs', '--quiet'], files: { 'p.js': program, 'c.json': rng.next() < 0.05 ? `\uFEFF${text}` : text } });
  }
  // Simulation parameters.
  for (let i = 0; i < 60; i++) {
    let text = params;
    const r = rng.int(4);
    if (r <= 1) text += `${rng.pick(PARAM_KEYS)} = ${rng.pick(TOML_VALUES)}\n`;
    else if (r === 2) text = mutateLines(text, rng, ['=', '[table]', 'duration', '"', 'num_pools = 1e8', 'num_pipelines = 1e8', 'waiting_seconds_mean = 1e-9', 'x.y = 1']);
    else text += `${rng.pick(PARAM_KEYS)}x = 1\n`;
    cases.push({ kind: 'params', args: ['faas', 'run', 'naive', '--params', 'params.toml'], files: { 'params.toml': text } });
  }
  // Traces.
  for (let i = 0; i < 45; i++) {
    const text = rng.next() < 0.1 ? rng.pick(['', 'pipeline_id\n', trace.split('\n')[0] as string, '\uFEFF' + trace]) : mutateLines(trace, rng, ['p1', 'op1', 'op9', '-5', '1e308', 'NaN', 'INTERACTIVE', 'URGENT', 'squared', 'cubic', ',', ',,,,,,,,,', 'op2;op1', 'p1,0,QUERY,op1,op1,1,linear3,,1']);
    cases.push({ kind: 'trace', args: ['faas', 'run', 'naive', '--trace', 't.csv', '--params', 'params.toml'], files: { 't.csv': text, 'params.toml': params } });
  }
  // Protocol files.
  for (let i = 0; i < 45; i++) {
    const r = rng.int(3);
    const text = r === 0 ? rbp.replace('from f+1:', `from ${deepNest(rng)}:`) : mutateLines(rbp, rng, ['on', 'from', ':', 'send', 'deliver', 'stop', '(', ')', 'N', 'f', '1e400', '99999999999999999999', '>', '>=', 'message', 'protocol', 'fault byzantine', 'resilience N > 0f', 'ûñí', '#']);
    cases.push({ kind: 'rbp', args: ['protocol', rng.pick(['format', 'export-ta']), 'x.rbp'], files: { 'x.rbp': text } });
  }
  // Cluster scenarios.
  for (let i = 0; i < 30; i++) {
    let text: string;
    if (rng.next() < 0.3) text = mutateLines(scenario, rng, ['{', '}', ']', '"cpu":-1,', '"tasks":[],', 'null', '"memory":1e308,']);
    else {
      const s = JSON.parse(scenario) as Record<string, unknown> & { nodes: Record<string, unknown>[]; tasks: Record<string, unknown>[]; constraints: Record<string, unknown> };
      const target = rng.pick(['node', 'task', 'constraints', 'top'] as const);
      const obj = target === 'node' ? (s.nodes[0] as Record<string, unknown>) : target === 'task' ? (s.tasks[0] as Record<string, unknown>) : target === 'constraints' ? s.constraints : s;
      const keys = Object.keys(obj);
      obj[rng.pick(keys)] = rng.pick(JSON_VALUES);
      text = JSON.stringify(s);
    }
    cases.push({ kind: 'scenario', args: rng.next() < 0.5 ? ['cluster', 'validate', 's.json'] : ['cluster', 'run', 'first-fit', 's.json'], files: { 's.json': text } });
  }
  // Cluster scenario generator parameters.
  const GEN_KEYS = ['tasks', 'nodes', 'load', 'profile', 'level', 'seed', 'burstiness', 'tenants', 'sizeScale', 'sizeSpread', 'heterogeneity', 'deadlineFraction', 'deadlineSlack', 'estimateError', 'preemption', 'maxWaitFactor', 'diurnalAmplitude', 'bogus'];
  for (let i = 0; i < 25; i++) cases.push({ kind: 'generate', args: ['cluster', 'generate', 'out.json', '--param', `${rng.pick(GEN_KEYS)}=${rng.pick(TEXT_VALUES)}`], files: {} });
  // Runs folders and run references.
  const refs: string[][] = [['runs'], ['show', 'latest'], ['apply', 'latest', 'best'], ['diff', 'x', 'c1'], ['resume', 'latest']];
  const dirs = ['afile', '/proc/self/x', '/proc/self/x/y', '/dev/null', 'x'.repeat(5000), 'a/../../..', '', ' ', 'runs-bad'];
  for (const ref of refs) for (const dir of dirs) cases.push({ kind: 'runs-dir', args: [...ref, '--runs-dir', dir], files: { afile: 'x', 'runs-bad/r1/journal.jsonl': rng.pick(['', '\uFEFF', 'garbage\n', '{"type":"run-started"}\n']) } });
  return cases;
}
