// Importer for the Azure public dataset's `vmtable` CSV (2017 and 2019 releases, no header):
//  1 VM id, 2 subscription id, 3 deployment id, 4 created (s), 5 deleted (s), 6 max CPU %,
//  7 avg CPU %, 8 P95 of max CPU %, 9 category (Delay-insensitive, Interactive, Unknown),
//  10 core count bucket (e.g. 2, 4, 8, 24, >24), 11 memory bucket in GB (e.g. 2, 4, 8, 32, 64, >64).
// A VM becomes one task that arrives when the VM was created and runs until it was deleted;
// interactive VMs are services, and so is any VM that lives longer than a task may run (up to 30
// days in the traces): it is a long-lived service whose run is cut at that limit. A header line,
// if present, is skipped.
import { decodeTraceBytes, ImportError, numberField, readCsvRows, shortName } from './csv';
import { buildScenario, type ImportOptions, type TaskDraft } from './import-common';

/** Longest run a scenario task may have (the validators' bound); longer-lived VMs are cut here. */
export const LONGEST_TASK_SECONDS = 7 * 86400;

/** A ">N" bucket is read as this multiple of N. */
const OPEN_BUCKET_FACTOR = 1.25;

function bucket(text: string | undefined, name: string, source: string, line: number, max: number): number {
  const t = (text ?? '').trim();
  const open = t.startsWith('>');
  const value = Number(open ? t.slice(1) : t);
  if (!t || !Number.isFinite(value) || value <= 0) throw new ImportError(`${source}:${line}: ${name} bucket must be a positive number or '>N', got '${t}'`);
  return Math.min(max, open ? value * OPEN_BUCKET_FACTOR : value);
}

export function importAzureVmTable(file: string | Uint8Array, source = 'vmtable.csv', options: ImportOptions = {}): ReturnType<typeof buildScenario> {
  const subscriptions = new Map<string, string>();
  const drafts: TaskDraft[] = [];
  let skipped = 0;
  let longLived = 0;
  let rows = 0;
  const csv = typeof file === 'string' ? file : decodeTraceBytes(file, source);
  for (const row of readCsvRows(csv)) {
    if (rows === 0 && /vm_?id/i.test(row.fields[0] ?? '')) continue;
    rows++;
    if (row.fields.length !== 11) throw new ImportError(`${source}:${row.line}: expected 11 columns of an Azure vmtable file, got ${row.fields.length}`);
    const created = numberField(row, 3, 'created', source) as number;
    const deleted = numberField(row, 4, 'deleted', source) as number;
    if (deleted <= created) {
      skipped++;
      continue;
    }
    const category = (row.fields[8] ?? '').toLowerCase();
    if (!['delay-insensitive', 'interactive', 'unknown'].includes(category)) {
      throw new ImportError(`${source}:${row.line}: category must be Delay-insensitive, Interactive or Unknown, got '${row.fields[8]}'`);
    }
    const lifetime = Math.round(deleted - created);
    const long = lifetime > LONGEST_TASK_SECONDS;
    if (long) longLived++;
    const cpu = bucket(row.fields[9], 'core count', source, row.line, 32);
    const memory = bucket(row.fields[10], 'memory', source, row.line, 128);
    drafts.push({
      key: row.fields[0] as string,
      tenant: shortName('sub-', row.fields[1] ?? 'unknown', subscriptions),
      kind: category === 'interactive' || long ? 'service' : 'batch',
      cpu,
      memory,
      duration: Math.max(1, Math.min(lifetime, LONGEST_TASK_SECONDS)),
      arrival: created,
      priority: category === 'interactive' ? 9 : category === 'delay-insensitive' ? 2 : 5,
    });
  }
  if (!rows) throw new ImportError(`${source}: the file has no rows`);
  return buildScenario(drafts, { nodeType: 'cloud-xlarge', ...options }, { format: 'azure-vmtable', zeroLengthVms: skipped, longLivedVmsCut: longLived }, source);
}
