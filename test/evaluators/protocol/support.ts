// Shared helpers for the protocol tests: example and fixture files, and a clear failure when the
// Spin toolchain is missing (CI installs it with apt-get install -y spin).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProtocolOrThrow } from '../../../src/evaluators/protocol/language/parser';
import type { Protocol } from '../../../src/evaluators/protocol/language/ast';
import { detectToolchain } from '../../../src/evaluators/protocol/spin/build';
import { parseSettingId, type SettingSpec } from '../../../src/evaluators/protocol/model/settings';

export const EXAMPLES_DIR = join(__dirname, '..', '..', '..', 'examples', 'protocols');
export const FIXTURES_DIR = join(__dirname, 'fixtures');

export function exampleText(name: string): string {
  return readFileSync(join(EXAMPLES_DIR, name), 'utf8');
}

export function example(name: string): Protocol {
  return parseProtocolOrThrow(exampleText(name));
}

export function fixture(name: string): Protocol {
  return parseProtocolOrThrow(readFileSync(join(FIXTURES_DIR, name), 'utf8'));
}

export function settings(...ids: string[]): SettingSpec[] {
  return ids.map(parseSettingId);
}

/** Throws a readable error when spin or gcc is missing, instead of failing deep inside a run. */
export function requireSpin(): void {
  try {
    detectToolchain();
  } catch (err) {
    throw new Error(`these tests need the Spin model checker and gcc: ${(err as Error).message}`);
  }
}

/** Small limits so the whole protocol suite stays within minutes on two cores. */
export const TEST_LIMITS = { timeMs: 60_000, memoryMb: 2048 };
