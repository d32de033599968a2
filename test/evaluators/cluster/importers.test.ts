// The Google task_events and Azure vmtable importers on small hand-made files in those formats.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { heuristic, ImportError, importAzureVmTable, importGoogleTaskEvents, simulate } from '../../../src/evaluators/cluster';
import { DEFAULT_VALIDATOR_CONFIG, DiversityTracker, LAYER_CHECKS } from '../../../src/evaluators/cluster/selfplay';

const checkBounds = LAYER_CHECKS.bounds;

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

test('Google task_events: arrival at SUBMIT, run time from the last SCHEDULE to FINISH, requests scaled to the machine', () => {
  const s = importGoogleTaskEvents(fixture('google-task-events.csv'), 'task_events.csv', { id: 'g', nodes: 2 });
  assert.equal(s.id, 'g');
  const view = s.tasks.map((t) => ({ arrival: t.arrival, cpu: t.cpu, memory: t.memory, duration: t.duration, kind: t.kind, priority: t.priority, tenant: t.tenant }));
  assert.deepEqual(view, [
    { arrival: 0, cpu: 2, memory: 6.4, duration: 60, kind: 'batch', priority: 2, tenant: 'user-0' },
    { arrival: 2, cpu: 8, memory: 16, duration: 3600, kind: 'service', priority: 10, tenant: 'user-1' },
    { arrival: 4, cpu: 1, memory: 3.2, duration: 30, kind: 'batch', priority: 2, tenant: 'user-0' },
  ]);
  assert.equal(s.origin?.['incompleteTasks'], 1, 'the task with no FINISH is left out and counted');
  assert.equal(s.nodes.length, 2);
  assert.ok(simulate(s, heuristic('first-fit')).ok);
});

test('Google task_events: a default cluster holds the peak demand; bad rows name file, line and column', () => {
  const s = importGoogleTaskEvents(fixture('google-task-events.csv'));
  assert.equal(s.nodes.length, 1, '11 cores at the peak fit one 16-core node');
  assert.throws(() => importGoogleTaskEvents('1000000,,1,0,,x,u,0,2,0.1,0.1,0,0\n', 'te.csv'), (err: unknown) => err instanceof ImportError && /te\.csv:1: column 6 \(event type\) must be a number, got 'x'/.test(err.message));
  assert.throws(() => importGoogleTaskEvents('1,2,3\n', 'te.csv'), /te\.csv:1: expected 13 columns/);
  assert.throws(() => importGoogleTaskEvents('1000000,,1,0,,0,u,0,2,0.1,0.1,0,0\n', 'te.csv'), /no complete task found/);
  assert.throws(() => importGoogleTaskEvents(fixture('google-task-events.csv'), 'x', { nodeType: 'edge-small' }), /does not fit a edge-small node/);
});

test('Azure vmtable: a VM is a task from creation to deletion, interactive VMs are services, buckets become sizes', () => {
  const s = importAzureVmTable(fixture('azure-vmtable.csv'), 'vmtable.csv', { deadlineFraction: 0.5, deadlineSlack: 2 });
  const view = s.tasks.map((t) => ({ arrival: t.arrival, cpu: t.cpu, memory: t.memory, duration: t.duration, kind: t.kind, priority: t.priority, tenant: t.tenant, deadline: t.deadline }));
  assert.deepEqual(view, [
    { arrival: 0, cpu: 2, memory: 4, duration: 3600, kind: 'service', priority: 9, tenant: 'sub-0', deadline: null },
    { arrival: 300, cpu: 4, memory: 8, duration: 600, kind: 'batch', priority: 2, tenant: 'sub-1', deadline: 1500 },
    { arrival: 1200, cpu: 30, memory: 80, duration: 3600, kind: 'batch', priority: 5, tenant: 'sub-2', deadline: null },
  ]);
  assert.equal(s.origin?.['zeroLengthVms'], 1);
  assert.equal(s.nodes[0]?.cpu, 32, 'VMs go on 32-core hosts by default');
  assert.throws(() => importAzureVmTable('v,s,d,0,10,1,1,1,Batchy,2,4\n', 'vm.csv'), /vm\.csv:1: category must be Delay-insensitive, Interactive or Unknown, got 'Batchy'/);
  assert.throws(() => importAzureVmTable('v,s,d,0,10,1,1,1,Interactive,two,4\n', 'vm.csv'), /vm\.csv:1: core count bucket must be a positive number or '>N', got 'two'/);
});

test('importers read gzipped traces by content, demand exact column counts, and cut long-lived VMs into services that pass validation', () => {
  const google = readFileSync(join(__dirname, 'fixtures', 'google-task-events.csv'));
  const plain = importGoogleTaskEvents(google, 'task_events.csv');
  // The public traces ship as .csv.gz; a gzipped file under any name is recognised by its magic bytes.
  assert.deepEqual(importGoogleTaskEvents(gzipSync(google), 'part-00000-of-00500.csv.gz').tasks, plain.tasks);
  assert.deepEqual(importAzureVmTable(gzipSync(fixture('azure-vmtable.csv')), 'vmtable.csv.gz').tasks, importAzureVmTable(fixture('azure-vmtable.csv')).tasks);
  assert.throws(() => importAzureVmTable(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'bad.gz'), /bad\.gz: looks gzipped but cannot be decompressed/);
  // 11 columns is not a task_events file (that has 13), and 12 is not a vmtable (that has 11).
  assert.throws(() => importGoogleTaskEvents('1000000,,1,0,,0,u,0,2,0.1,0.1\n', 'te.csv'), /te\.csv:1: expected 13 columns of a Google task_events file, got 11/);
  assert.throws(() => importAzureVmTable('v,s,d,0,10,1,1,1,Interactive,2,4,extra\n', 'vm.csv'), /vm\.csv:1: expected 11 columns of an Azure vmtable file, got 12/);
  // A VM that lived 30 days (as many in the Azure traces do) becomes a service cut at the 7-day task limit.
  const month = 30 * 86400;
  const s = importAzureVmTable(`vm-a,sub,dep,0,${month},50,20,40,Delay-insensitive,4,8\nvm-b,sub,dep,60,3660,50,20,40,Delay-insensitive,2,4\n`, 'vm.csv');
  assert.deepEqual(s.tasks.map((t) => [t.kind, t.duration]), [['service', 7 * 86400], ['batch', 3600]]);
  assert.equal(s.origin?.['longLivedVmsCut'], 1);
  assert.equal(checkBounds(s, { level: 'easy', diversity: new DiversityTracker(), config: DEFAULT_VALIDATOR_CONFIG }), undefined, 'the imported scenario is within the product\'s own bounds');
});
