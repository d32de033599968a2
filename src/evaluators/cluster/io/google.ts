// Importer for the Google 2011 cluster trace's `task_events` CSV files (format v2, no header):
//  1 timestamp (microseconds), 2 missing info, 3 job ID, 4 task index, 5 machine ID,
//  6 event type, 7 user name, 8 scheduling class, 9 priority, 10 CPU request, 11 memory request,
//  12 disk request, 13 different-machine constraint.
// Event types: 0 SUBMIT, 1 SCHEDULE, 2 EVICT, 3 FAIL, 4 FINISH, 5 KILL, 6 LOST, 7/8 UPDATE.
// A task becomes one scenario task: it arrives at its first SUBMIT and runs for the time between
// its last SCHEDULE and its FINISH. Requests are normalised to the largest machine of the trace,
// so they are scaled by the cores and GB such a machine is taken to have.
import { decodeTraceBytes, ImportError, numberField, readCsvRows, shortName } from './csv';
import { buildScenario, roundCpu, type ImportOptions, type TaskDraft } from './import-common';

export interface GoogleImportOptions extends ImportOptions {
  /** Cores and GB of the trace's largest machine (requests are fractions of it). Default 32 and 128. */
  machineCpu?: number;
  machineMemory?: number;
}

const SUBMIT = 0;
const SCHEDULE = 1;
const FINISH = 4;
/** Timestamps of events before the trace window are 0, after it 2^63 - 1. */
const MAX_TIMESTAMP = 2 ** 62;

interface Partial {
  submit?: number;
  schedule?: number;
  finish?: number;
  user: string;
  priority: number;
  cpu?: number;
  memory?: number;
}

export function importGoogleTaskEvents(file: string | Uint8Array, source = 'task_events.csv', options: GoogleImportOptions = {}): ReturnType<typeof buildScenario> {
  const machineCpu = options.machineCpu ?? 32;
  const machineMemory = options.machineMemory ?? 128;
  const tasks = new Map<string, Partial>();
  const users = new Map<string, string>();
  let rows = 0;
  const csv = typeof file === 'string' ? file : decodeTraceBytes(file, source);
  for (const row of readCsvRows(csv)) {
    if (row.fields.length !== 13) throw new ImportError(`${source}:${row.line}: expected 13 columns of a Google task_events file, got ${row.fields.length}`);
    rows++;
    const time = numberField(row, 0, 'timestamp', source) as number;
    const job = row.fields[2] as string;
    const index = row.fields[3] as string;
    if (!job || !index) throw new ImportError(`${source}:${row.line}: job ID and task index are required`);
    const type = numberField(row, 5, 'event type', source) as number;
    if (!Number.isInteger(type) || type < 0 || type > 8) throw new ImportError(`${source}:${row.line}: event type must be 0-8, got ${type}`);
    const priority = numberField(row, 8, 'priority', source) as number;
    if (!Number.isInteger(priority) || priority < 0 || priority > 11) throw new ImportError(`${source}:${row.line}: priority must be 0-11, got ${priority}`);
    const key = `${job}/${index}`;
    let task = tasks.get(key);
    if (!task) tasks.set(key, (task = { user: row.fields[6] || 'unknown', priority }));
    task.priority = priority;
    const cpu = numberField(row, 9, 'CPU request', source, { optional: true });
    const memory = numberField(row, 10, 'memory request', source, { optional: true });
    if (cpu !== undefined && cpu > 0) task.cpu = cpu;
    if (memory !== undefined && memory > 0) task.memory = memory;
    if (time <= 0 || time >= MAX_TIMESTAMP) continue;
    const seconds = time / 1e6;
    if (type === SUBMIT && task.submit === undefined) task.submit = seconds;
    if (type === SCHEDULE) task.schedule = seconds;
    if (type === FINISH) task.finish = seconds;
  }
  if (!rows) throw new ImportError(`${source}: the file has no rows`);
  const drafts: TaskDraft[] = [];
  let incomplete = 0;
  for (const [key, t] of [...tasks].sort(([a], [b]) => a.localeCompare(b))) {
    if (t.submit === undefined || t.schedule === undefined || t.finish === undefined || t.finish <= t.schedule || t.cpu === undefined || t.memory === undefined) {
      incomplete++;
      continue;
    }
    drafts.push({
      key,
      tenant: shortName('user-', t.user, users),
      kind: t.priority >= 9 ? 'service' : 'batch',
      cpu: roundCpu(t.cpu * machineCpu),
      memory: Math.max(0.01, Number((t.memory * machineMemory).toFixed(3))),
      duration: Math.max(1, Math.round(t.finish - t.schedule)),
      arrival: t.submit,
      priority: t.priority,
    });
  }
  return buildScenario(drafts, options, { format: 'google-task-events', machineCpu, machineMemory, incompleteTasks: incomplete }, source);
}
