// A node:test reporter that prints, after the run, the test files whose tests took longest (the
// sum of their top-level tests' duration_ms): what scripts/test-tiers.mjs is decided from.
import { relative } from 'node:path';

const SHOWN = 15;

export default async function* slowestFiles(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const file = relative(process.cwd(), event.data.file);
      perFile.set(file, (perFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  const rows = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  if (!rows.length) return;
  yield `\nslowest test files (sum of their tests' duration_ms):\n`;
  for (const [file, ms] of rows) yield `${(ms / 1000).toFixed(1).padStart(8)} s  ${file}\n`;
}
