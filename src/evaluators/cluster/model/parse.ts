// Reading scenario JSON: schema checks, then the rules a schema cannot say (unique ids, a
// deadline after the arrival, peak power at least idle power), then defaults. Every problem is
// reported with a JSON Pointer to the field, all of them at once.
import { readFileSync } from 'node:fs';
import { jsonErrorOffset } from './json-position';
import { checkSchema, pointerOf, type FieldError } from './schema-check';
import { SCENARIO_SCHEMA } from './schema';
import { isLevel, SCENARIO_VERSION, type Constraints, type NodeSpec, type Scenario, type TaskSpec } from './scenario';

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly errors: FieldError[],
  ) {
    super(`${source}: invalid scenario:\n${errors.map((e) => `  ${e.pointer || '/'}: ${e.message}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

type Json = Record<string, unknown>;

/** Parses scenario text; a JSON syntax error names the line and column. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(source, [{ pointer: '', message: `not valid JSON: ${syntaxPosition(text, (err as Error).message)}` }]);
  }
  return parseScenario(value, source);
}

export function readScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(path, [{ pointer: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  return parseScenarioText(text, path);
}

/** Checks a parsed JSON value and returns the scenario with defaults filled in. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const errors = checkSchema(value, SCENARIO_SCHEMA);
  if (errors.length) throw new ScenarioError(source, errors);
  const doc = value as Json;
  const rawNodes = doc['nodes'] as Json[];
  const rawTasks = doc['tasks'] as Json[];
  const semantic: FieldError[] = [];
  const seenNodes = new Map<string, number>();
  const nodes: NodeSpec[] = rawNodes.map((n, i) => {
    const id = n['id'] as string;
    const previous = seenNodes.get(id);
    if (previous !== undefined) semantic.push({ pointer: pointerOf(['nodes', i, 'id']), message: `duplicate node id '${id}' (also /nodes/${previous})` });
    seenNodes.set(id, i);
    const idle = (n['idleWatts'] as number | undefined) ?? 0;
    const peak = (n['peakWatts'] as number | undefined) ?? idle;
    if (peak < idle) semantic.push({ pointer: pointerOf(['nodes', i, 'peakWatts']), message: `must be at least idleWatts (${idle}), got ${peak}` });
    return {
      id,
      kind: (n['kind'] as NodeSpec['kind'] | undefined) ?? 'cloud',
      cpu: n['cpu'] as number,
      memory: n['memory'] as number,
      costPerHour: (n['costPerHour'] as number | undefined) ?? 0,
      idleWatts: idle,
      peakWatts: peak,
      speed: (n['speed'] as number | undefined) ?? 1,
    };
  });
  const seenTasks = new Map<string, number>();
  const tasks: TaskSpec[] = rawTasks.map((t, i) => {
    const id = t['id'] as string;
    const previous = seenTasks.get(id);
    if (previous !== undefined) semantic.push({ pointer: pointerOf(['tasks', i, 'id']), message: `duplicate task id '${id}' (also /tasks/${previous})` });
    seenTasks.set(id, i);
    const arrival = t['arrival'] as number;
    const deadline = (t['deadline'] as number | null | undefined) ?? null;
    if (deadline !== null && deadline <= arrival) semantic.push({ pointer: pointerOf(['tasks', i, 'deadline']), message: `must be after the arrival (${arrival}), got ${deadline}` });
    const duration = t['duration'] as number;
    return {
      id,
      tenant: (t['tenant'] as string | undefined) ?? 'default',
      kind: (t['kind'] as TaskSpec['kind'] | undefined) ?? 'batch',
      cpu: t['cpu'] as number,
      memory: t['memory'] as number,
      duration,
      durationEstimate: (t['durationEstimate'] as number | undefined) ?? duration,
      arrival,
      priority: (t['priority'] as number | undefined) ?? 0,
      deadline,
    };
  });
  const c = (doc['constraints'] as Json | undefined) ?? {};
  const lastArrival = tasks.reduce((m, t) => Math.max(m, t.arrival), 0);
  let horizon = c['horizonSeconds'] as number | undefined;
  if (horizon !== undefined && horizon <= lastArrival) {
    semantic.push({ pointer: '/constraints/horizonSeconds', message: `must be after the last arrival (${lastArrival}), got ${horizon}` });
  }
  if (horizon === undefined) horizon = defaultHorizon(tasks, nodes, lastArrival);
  if (semantic.length) throw new ScenarioError(source, semantic);
  const constraints: Constraints = {
    preemption: (c['preemption'] as boolean | undefined) ?? false,
    maxWaitSeconds: (c['maxWaitSeconds'] as number | null | undefined) ?? null,
    horizonSeconds: horizon,
  };
  // Stable sort: equal arrivals keep file order, so the simulator's order is the author's.
  const ordered = tasks.map((t, i) => ({ t, i })).sort((a, b) => a.t.arrival - b.t.arrival || a.i - b.i).map((x) => x.t);
  return {
    version: SCENARIO_VERSION,
    id: doc['id'] as string,
    level: isLevel(doc['level']) ? doc['level'] : null,
    description: (doc['description'] as string | undefined) ?? '',
    origin: (doc['origin'] as Json | undefined) ?? null,
    nodes,
    tasks: ordered,
    constraints,
  };
}

/** Long enough that only a policy that stops placing tasks runs into it. */
function defaultHorizon(tasks: TaskSpec[], nodes: NodeSpec[], lastArrival: number): number {
  const capacity = nodes.reduce((s, n) => s + n.cpu * n.speed, 0);
  const work = tasks.reduce((s, t) => s + t.cpu * t.duration, 0);
  const slowest = Math.min(...nodes.map((n) => n.speed));
  const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0) / slowest;
  return Math.ceil(Math.max(lastArrival + 10 * (work / capacity + longest), lastArrival + 86400));
}

function syntaxPosition(text: string, message: string): string {
  const pos = jsonErrorOffset(text);
  // Node quotes a snippet of the text after a comma; the position below says more.
  const first = /^Unexpected token '[^']*'/.exec(message)?.[0] ?? message.replace(/ in JSON at position \d+[^]*$/, '');
  if (pos === undefined) return first;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${first} at line ${line}, column ${col}`;
}
