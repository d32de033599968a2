// Loads trusted harness modules in the worker, once per path. Harnesses run outside any
// Compartment with the worker's full (locked-down) realm.
import { createRequire } from 'node:module';
import type { Harness } from './types';
import { requireShippedBundle } from './worker-code-cache';

const loaded = new Map<string, Harness>();
// createRequire keeps esbuild from trying to bundle the dynamic path into the worker bundle.
const requireHarness = createRequire(__filename);

export function loadHarness(name: string, path: string): Harness {
  const cached = loaded.get(path);
  if (cached) return cached;
  const mod: unknown = requireShippedBundle(path) ?? requireHarness(path);
  const harness = pickDefault(mod);
  if (!harness) throw new Error(`harness '${name}' (${path}) has no default export function`);
  loaded.set(path, harness);
  return harness;
}

function pickDefault(mod: unknown): Harness | undefined {
  if (typeof mod === 'function') return mod as Harness;
  if (typeof mod === 'object' && mod !== null && 'default' in mod) {
    const inner: unknown = mod.default;
    if (typeof inner === 'function') return inner as Harness;
    // A TypeScript `export default` seen through a second CommonJS interop layer.
    if (typeof inner === 'object' && inner !== null && 'default' in inner && typeof inner.default === 'function') {
      return inner.default as Harness;
    }
  }
  return undefined;
}
