// Minimal CSV reading for the trace importers: comma-separated, optional double quotes, blank
// lines skipped, every row tagged with its line number for error messages. Trace files are read
// as bytes and gunzipped when their content says so (the public traces ship as .csv.gz, and a
// renamed file should work as well as a well-named one).
import { gunzipSync } from 'node:zlib';

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** The text of a trace file, gunzipped when it starts with the gzip magic bytes. */
export function decodeTraceBytes(bytes: Uint8Array, source: string): string {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes).toString('utf8');
    } catch (error) {
      throw new ImportError(`${source}: looks gzipped but cannot be decompressed (${(error as Error).message})`);
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export interface CsvRow {
  line: number;
  fields: string[];
}

export function readCsvRows(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    rows.push({ line: i + 1, fields: splitLine(raw) });
  });
  return rows;
}

function splitLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field.trim());
      field = '';
    } else field += c;
  }
  out.push(field.trim());
  return out;
}

/** A number field, or an ImportError naming the file, line and column. */
export function numberField(row: CsvRow, index: number, name: string, source: string, options: { optional?: boolean } = {}): number | undefined {
  const text = row.fields[index];
  if (text === undefined || text === '') {
    if (options.optional) return undefined;
    throw new ImportError(`${source}:${row.line}: column ${index + 1} (${name}) is empty`);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ImportError(`${source}:${row.line}: column ${index + 1} (${name}) must be a number, got '${text}'`);
  return value;
}

/** Short, stable identifier for a long hashed name (user names, subscription ids). */
export function shortName(prefix: string, name: string, known: Map<string, string>): string {
  let id = known.get(name);
  if (!id) {
    id = `${prefix}${known.size}`;
    known.set(name, id);
  }
  return id;
}
