// Eudoxia's trace CSV: one row per operator; a pipeline's rows are consecutive, and only its first
// row carries arrival_seconds and priority. Every problem is reported with its file and line.
import { readFileSync } from 'node:fs';
import { isPriority, isScaling, SCALINGS, type OperatorSpec, type PipelineSpec, type Trace } from '../model/types';
import { editDistance } from '../model/params';
import { InputError } from './input-error';

export const TRACE_COLUMNS = [
  'pipeline_id',
  'arrival_seconds',
  'priority',
  'operator_id',
  'parents',
  'baseline_cpu_seconds',
  'cpu_scaling',
  'memory_gb',
  'storage_read_gb',
] as const;

type Column = (typeof TRACE_COLUMNS)[number];

/** Columns Eudoxia's reader does without: no parents means a root, no memory_gb means memory grows with reads. */
const OPTIONAL_COLUMNS: readonly Column[] = ['parents', 'memory_gb'];

export function readTraceFile(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(path, undefined, `cannot read trace: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseTraceCsv(text, path);
}

export function parseTraceCsv(text: string, file = '<trace>'): Trace {
  const lines = text.split(/\r?\n/);
  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).trim() !== '') {
      headerLine = i;
      break;
    }
  }
  if (headerLine < 0) throw new InputError(file, 1, `empty trace: expected a header row with columns ${TRACE_COLUMNS.join(',')}`);
  const header = splitCsvLine(stripBom(lines[headerLine] as string), file, headerLine + 1).map((h) => h.trim());
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (index.has(name)) throw new InputError(file, headerLine + 1, `column '${name}' appears twice in the header`);
    index.set(name, i);
  });
  const absent = TRACE_COLUMNS.filter((c) => !index.has(c));
  // Eudoxia ignores columns it does not know; one that looks like a misspelt absent column is
  // almost certainly a mistake, so it is reported instead of silently dropping the data.
  for (const name of header) {
    if ((TRACE_COLUMNS as readonly string[]).includes(name)) continue;
    const meant = absent.find((c) => editDistance(name, c) <= Math.max(2, c.length / 4));
    if (meant) throw new InputError(file, headerLine + 1, `unknown column '${name}' (did you mean '${meant}'?)`);
  }
  const missing = absent.filter((c) => !OPTIONAL_COLUMNS.includes(c));
  if (missing.length) throw new InputError(file, headerLine + 1, `header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${TRACE_COLUMNS.join(',')})`);

  const pipelines: PipelineSpec[] = [];
  const seenPipelines = new Map<string, number>();
  let current: { spec: PipelineSpec; line: number; names: Map<string, number> } | undefined;

  for (let i = headerLine + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const cells = splitCsvLine(raw, file, lineNo);
    if (cells.length !== header.length) throw new InputError(file, lineNo, `expected ${header.length} fields, found ${cells.length}`);
    const get = (c: Column): string => {
      const at = index.get(c);
      return at === undefined ? '' : (cells[at] as string).trim();
    };
    const pipelineId = get('pipeline_id');
    if (pipelineId === '') throw new InputError(file, lineNo, 'pipeline_id is empty');
    if (pipelineId.includes('/')) throw new InputError(file, lineNo, `pipeline_id '${pipelineId}' must not contain '/'`);

    if (!current || current.spec.id !== pipelineId) {
      const earlier = seenPipelines.get(pipelineId);
      if (earlier !== undefined) throw new InputError(file, lineNo, `pipeline '${pipelineId}' already appeared at line ${earlier}; a pipeline's rows must be consecutive`);
      const arrivalText = get('arrival_seconds');
      if (arrivalText === '') throw new InputError(file, lineNo, `first row of pipeline '${pipelineId}' must set arrival_seconds`);
      const arrival = parseNumber(arrivalText, 'arrival_seconds', file, lineNo);
      if (arrival < 0) throw new InputError(file, lineNo, `arrival_seconds must be 0 or more, got ${arrivalText}`);
      const priority = get('priority');
      if (priority === '') throw new InputError(file, lineNo, `first row of pipeline '${pipelineId}' must set priority (QUERY, INTERACTIVE or BATCH_PIPELINE)`);
      if (!isPriority(priority)) throw new InputError(file, lineNo, `unknown priority '${priority}' (use QUERY, INTERACTIVE or BATCH_PIPELINE)`);
      current = { spec: { id: pipelineId, arrivalSeconds: arrival, priority, operators: [] }, line: lineNo, names: new Map() };
      pipelines.push(current.spec);
      seenPipelines.set(pipelineId, lineNo);
    } else {
      const priority = get('priority');
      if (priority !== '') throw new InputError(file, lineNo, `only the first row of pipeline '${pipelineId}' (line ${current.line}) may set priority, found '${priority}'`);
      const arrivalText = get('arrival_seconds');
      if (arrivalText !== '' && parseNumber(arrivalText, 'arrival_seconds', file, lineNo) !== current.spec.arrivalSeconds) {
        throw new InputError(file, lineNo, `arrival_seconds ${arrivalText} differs from the pipeline's first row (line ${current.line}); leave it empty after the first row`);
      }
    }

    const opId = get('operator_id');
    if (opId === '') throw new InputError(file, lineNo, 'operator_id is empty');
    const dup = current.names.get(opId);
    if (dup !== undefined) throw new InputError(file, lineNo, `operator '${opId}' already defined in pipeline '${pipelineId}' at line ${dup}`);
    const parentsText = get('parents');
    const parents = parentsText === '' ? [] : parentsText.split(';').map((p) => p.trim()).filter((p) => p !== '');
    const seenParents = new Set<string>();
    for (const parent of parents) {
      if (parent === opId) throw new InputError(file, lineNo, `operator '${opId}' lists itself as a parent`);
      if (seenParents.has(parent)) throw new InputError(file, lineNo, `parent '${parent}' is listed twice`);
      seenParents.add(parent);
      if (!current.names.has(parent)) {
        throw new InputError(file, lineNo, `parent '${parent}' of operator '${opId}' is not an earlier operator of pipeline '${pipelineId}' (list parents before their children)`);
      }
    }
    const baseline = parseNumber(get('baseline_cpu_seconds'), 'baseline_cpu_seconds', file, lineNo);
    if (baseline < 0) throw new InputError(file, lineNo, `baseline_cpu_seconds must be 0 or more, got ${baseline}`);
    const scaling = get('cpu_scaling');
    if (!isScaling(scaling)) throw new InputError(file, lineNo, `unknown cpu_scaling '${scaling}' (use ${SCALINGS.join(', ')})`);
    const memoryText = get('memory_gb');
    const memory = memoryText === '' ? null : parseNumber(memoryText, 'memory_gb', file, lineNo);
    if (memory !== null && memory < 0) throw new InputError(file, lineNo, `memory_gb must be 0 or more, got ${memoryText}`);
    const storage = parseNumber(get('storage_read_gb'), 'storage_read_gb', file, lineNo);
    if (storage < 0) throw new InputError(file, lineNo, `storage_read_gb must be 0 or more, got ${storage}`);
    const op: OperatorSpec = { id: opId, parents, baselineCpuSeconds: baseline, cpuScaling: scaling, memoryGb: memory, storageReadGb: storage };
    current.spec.operators.push(op);
    current.names.set(opId, lineNo);
  }
  return { pipelines };
}

function parseNumber(text: string, column: string, file: string, line: number): number {
  if (text === '') throw new InputError(file, line, `${column} is empty`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InputError(file, line, `${column} must be a finite number, got '${text}'`);
  return value;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** Splits one CSV record (RFC 4180 quoting, no embedded newlines). */
function splitCsvLine(line: string, file: string, lineNo: number): string[] {
  // Nearly every row has no quotes, and a short command parses its trace once, in code not yet
  // compiled: the native split is several times cheaper there than the loop below, with the same fields.
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new InputError(file, lineNo, 'unterminated quoted field');
        const ch = line[i] as string;
        if (ch === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      out.push(value);
      if (i < line.length && line[i] !== ',') throw new InputError(file, lineNo, `unexpected '${line[i]}' after a quoted field`);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) throw new InputError(file, lineNo, 'stray quote inside an unquoted field');
      out.push(value);
      i = end;
    }
    if (i >= line.length) return out;
    i++; // skip the comma
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

/** Writes a trace in Eudoxia's CSV format (arrival and priority on each pipeline's first row only). */
export function formatTraceCsv(trace: Trace): string {
  const rows: string[] = [TRACE_COLUMNS.join(',')];
  for (const p of trace.pipelines) {
    p.operators.forEach((op, i) => {
      rows.push(
        [
          csvField(p.id),
          i === 0 ? pyFloat(p.arrivalSeconds) : '',
          i === 0 ? p.priority : '',
          csvField(op.id),
          csvField(op.parents.join(';')),
          String(op.baselineCpuSeconds),
          op.cpuScaling,
          op.memoryGb === null ? '' : String(op.memoryGb),
          String(op.storageReadGb),
        ].join(','),
      );
    });
  }
  return rows.join('\n') + '\n';
}

/** Formats like Python's float repr for the common cases (`0.0`, `12.5`), as Eudoxia writes arrivals. */
function pyFloat(value: number): string {
  const s = String(value);
  return Number.isInteger(value) && !s.includes('e') ? `${s}.0` : s;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
