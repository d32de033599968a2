import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTraceCsv, parseTraceCsv, readTraceFile } from '../../../src/evaluators/faas/io/trace-csv';
import { InputError } from '../../../src/evaluators/faas/io/input-error';

const HEADER = 'pipeline_id,arrival_seconds,priority,operator_id,parents,baseline_cpu_seconds,cpu_scaling,memory_gb,storage_read_gb';

function csvError(body: string): InputError {
  try {
    parseTraceCsv(`${HEADER}\n${body}`, 'w.csv');
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err;
  }
  assert.fail('expected the trace to be rejected');
}

test("reads Eudoxia's golden traces", () => {
  const trace = readTraceFile(join(__dirname, '..', '..', 'fixtures', 'eudoxia', 'priority_defaults_10m', 'trace.csv'));
  assert.equal(trace.pipelines.length, 244);
  const first = trace.pipelines[0];
  assert.ok(first);
  assert.equal(first.id, 'p1');
  assert.equal(first.priority, 'BATCH_PIPELINE');
  assert.equal(first.arrivalSeconds, 0);
  assert.deepEqual(first.operators[1], { id: 'op2', parents: ['op1'], baselineCpuSeconds: 1, cpuScaling: 'const', memoryGb: null, storageReadGb: 55 });
});

test('writing then reading a trace gives it back, in the same format Eudoxia writes', () => {
  const file = join(__dirname, '..', '..', 'fixtures', 'eudoxia', 'naive_defaults_10m', 'trace.csv');
  const original = readFileSync(file, 'utf8');
  const trace = parseTraceCsv(original, 'naive.csv');
  assert.equal(formatTraceCsv(trace), original.replace(/\r\n/g, '\n'));
  const dag = parseTraceCsv(`${HEADER}\np1,1.5,QUERY,a,,2.5,sqrt,4,10\np1,,,b,a,1,log,,3\np1,,,c,a;b,0.5,exp,1.25,0\n`);
  assert.deepEqual(parseTraceCsv(formatTraceCsv(dag)), dag);
});

test('quoted fields are understood', () => {
  const t = parseTraceCsv(`${HEADER}\n"p,1",0.0,QUERY,"op ""1""",,1,const,,1\n`);
  assert.equal(t.pipelines[0]?.id, 'p,1');
  assert.equal(t.pipelines[0]?.operators[0]?.id, 'op "1"');
  assert.deepEqual(parseTraceCsv(formatTraceCsv(t)), t);
});

test('malformed traces are reported with file:line', () => {
  const cases: [string, number, RegExp][] = [
    ['p1,0.0,QUERY,op1,,1,const,,55\np1,,,op2,op9,1,const,,55\n', 3, /parent 'op9' of operator 'op2' is not an earlier operator/],
    ['p1,0.0,QUERY,op1,,1,const,,55\np1,,,op1,,1,const,,55\n', 3, /operator 'op1' already defined in pipeline 'p1' at line 2/],
    ['p1,0.0,URGENT,op1,,1,const,,55\n', 2, /unknown priority 'URGENT'/],
    ['p1,,QUERY,op1,,1,const,,55\n', 2, /must set arrival_seconds/],
    ['p1,0.0,,op1,,1,const,,55\n', 2, /must set priority/],
    ['p1,0.0,QUERY,op1,,1,const,,55\np1,,QUERY,op2,op1,1,const,,55\n', 3, /only the first row of pipeline 'p1' \(line 2\) may set priority/],
    ['p1,0.0,QUERY,op1,,1,cubic,,55\n', 2, /unknown cpu_scaling 'cubic'/],
    ['p1,0.0,QUERY,op1,,abc,const,,55\n', 2, /baseline_cpu_seconds must be a finite number, got 'abc'/],
    ['p1,0.0,QUERY,op1,,1,const,,-3\n', 2, /storage_read_gb must be 0 or more/],
    ['p1,0.0,QUERY,op1,,1,const,55\n', 2, /expected 9 fields, found 8/],
    ['p1,-1,QUERY,op1,,1,const,,55\n', 2, /arrival_seconds must be 0 or more/],
    ['p1,0.0,QUERY,op1,,1,const,,55\np2,1.0,QUERY,op1,,1,const,,55\np1,2.0,QUERY,op1,,1,const,,55\n', 4, /pipeline 'p1' already appeared at line 2/],
    ['p1,0.0,QUERY,op1,,1,const,,"55\n', 2, /unterminated quoted field/],
    ['a/b,0.0,QUERY,op1,,1,const,,55\n', 2, /must not contain '\/'/],
    ['p1,0.0,QUERY,op1,op1,1,const,,55\n', 2, /lists itself as a parent/],
  ];
  for (const [body, line, pattern] of cases) {
    const err = csvError(body);
    assert.equal(err.line, line, `${pattern}: ${err.message}`);
    assert.match(err.message, pattern);
    assert.ok(err.message.startsWith(`w.csv:${line}: `), err.message);
  }
});

test('header problems are reported on the header line', () => {
  assert.throws(() => parseTraceCsv('pipeline_id,arrival_seconds\np1,0\n', 'h.csv'), /^InputError: h\.csv:1: header lacks columns priority, operator_id/);
  const misspelt = HEADER.replace('memory_gb', 'memroy_gb');
  assert.throws(() => parseTraceCsv(`${misspelt}\np1,0,QUERY,op1,,1,const,5,5\n`, 'h.csv'), /h\.csv:1: unknown column 'memroy_gb' \(did you mean 'memory_gb'\?\)/);
  assert.throws(() => parseTraceCsv('', 'h.csv'), /h\.csv:1: empty trace/);
});

test("traces Eudoxia reads: extra columns ignored, no memory_gb or parents column", () => {
  const extra = parseTraceCsv(`${HEADER},colour,owner\np1,0,QUERY,op1,,1,const,7,5,red,ann\n`);
  assert.equal(extra.pipelines[0]?.operators[0]?.memoryGb, 7);
  const lean = parseTraceCsv('pipeline_id,arrival_seconds,priority,operator_id,baseline_cpu_seconds,cpu_scaling,storage_read_gb\np1,0,QUERY,op1,1,const,5\np1,,,op2,2,log,3\n');
  const ops = lean.pipelines[0]?.operators ?? [];
  assert.deepEqual(ops.map((o) => [o.id, o.parents.length, o.memoryGb, o.storageReadGb]), [
    ['op1', 0, null, 5],
    ['op2', 0, null, 3],
  ]);
});

test('blank lines and CRLF line ends are accepted; later rows may repeat the arrival', () => {
  const t = parseTraceCsv(`${HEADER}\r\np1,0.5,INTERACTIVE,op1,,1,const,,5\r\n\r\np1,0.5,,op2,op1,1,const,,5\r\n`);
  assert.equal(t.pipelines[0]?.operators.length, 2);
  const err = csvError('p1,0.5,QUERY,op1,,1,const,,5\np1,0.7,,op2,op1,1,const,,5\n');
  assert.match(err.message, /differs from the pipeline's first row/);
});
