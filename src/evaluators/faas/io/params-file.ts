// Reads simulation parameters from Eudoxia's TOML (or the same keys in JSON), pointing every
// problem at its line: syntax errors, unknown keys, wrong types and impossible values.
import { readFileSync } from 'node:fs';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { ParamError, resolveParams, type SimParams } from '../model/params';
import { InputError } from './input-error';

// smol-toml ships CommonJS for require() but only ESM type declarations, hence the typed require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlError } = require('smol-toml') as typeof SmolToml;

export function readParamsFile(path: string): SimParams {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(path, undefined, `cannot read parameters: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return path.toLowerCase().endsWith('.json') ? parseParamsJson(text, path) : parseParamsToml(text, path);
}

export function parseParamsToml(text: string, file = '<params.toml>'): SimParams {
  let table: Record<string, unknown>;
  try {
    table = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = (err.message.split('\n')[0] ?? 'invalid TOML').replace(/^Invalid TOML document:\s*/, '');
      throw new InputError(file, err.line, `invalid TOML: ${reason}`, err.column);
    }
    throw err;
  }
  return resolveAt(table, file, (key) => tomlKeyLine(text, key));
}

export function parseParamsJson(text: string, file = '<params.json>'): SimParams {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const pos = at ? Number(at[1]) : undefined;
    const { line, column } = pos !== undefined ? lineColumn(text, pos) : { line: undefined, column: undefined };
    throw new InputError(file, line, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, column);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(file, 1, 'parameters must be a JSON object of Eudoxia keys');
  return resolveAt(value as Record<string, unknown>, file, (key) => jsonKeyLine(text, key));
}

/** Validates an in-memory parameter object (from options or a remote task). */
export function paramsFromObject(value: unknown, source = 'parameters'): SimParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(source, undefined, 'parameters must be an object of Eudoxia keys');
  try {
    return resolveParams(value as Record<string, unknown>);
  } catch (err) {
    if (err instanceof ParamError) throw new InputError(source, undefined, err.message);
    throw err;
  }
}

function resolveAt(table: Record<string, unknown>, file: string, lineOf: (key: string) => number | undefined): SimParams {
  try {
    return resolveParams(table);
  } catch (err) {
    if (err instanceof ParamError) throw new InputError(file, err.key !== undefined ? lineOf(err.key) : undefined, err.message);
    throw err;
  }
}

function tomlKeyLine(text: string, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const pattern = new RegExp(`^\\s*["']?${escapeRegExp(key)}["']?\\s*=`);
  const tablePattern = new RegExp(`^\\s*\\[\\s*["']?${escapeRegExp(key)}["']?\\s*\\]`);
  for (let i = 0; i < lines.length; i++) if (pattern.test(lines[i] as string) || tablePattern.test(lines[i] as string)) return i + 1;
  return undefined;
}

function jsonKeyLine(text: string, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const needle = JSON.stringify(key);
  for (let i = 0; i < lines.length; i++) {
    const at = (lines[i] as string).indexOf(needle);
    if (at >= 0 && /^\s*:/.test((lines[i] as string).slice(at + needle.length))) return i + 1;
  }
  return undefined;
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lastNewline = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNewline = i;
    }
  }
  return { line, column: pos - lastNewline };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
