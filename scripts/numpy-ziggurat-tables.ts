// Writes src/evaluators/faas/model/numpy-ziggurat-tables.ts from the derivation in
// src/evaluators/faas/model/ziggurat-derivation.ts. Run: node --import tsx scripts/numpy-ziggurat-tables.ts
// (test/evaluators/faas/numpy-random.test.ts re-derives the tables and fails if the file is stale).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveNormalZiggurat, renderZigguratTables } from '../src/evaluators/faas/model/ziggurat-derivation';

const target = join(__dirname, '..', 'src', 'evaluators', 'faas', 'model', 'numpy-ziggurat-tables.ts');
writeFileSync(target, renderZigguratTables(deriveNormalZiggurat()));
process.stdout.write(`wrote ${target}\n`);
