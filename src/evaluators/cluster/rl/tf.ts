// TensorFlow.js for the learning baselines: the pure-JavaScript core (with its automatic
// differentiation, gradients registered) on the CPU backend. No native binary is involved.
// Required on first use, not imported: the library ships as its own file (scripts/build.mjs) that
// only a process training an agent should parse.
import type * as tf from '@tensorflow/tfjs-core';

let ready: Promise<typeof tf> | undefined;

/** The library with the CPU backend selected and production mode on (no debug checks, no banner). */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
    // Loading the backend registers it; its version proves the module really ran.
    const { version_cpu } = require('@tensorflow/tfjs-backend-cpu') as { version_cpu?: string };
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (!version_cpu) throw new Error('the TensorFlow.js CPU backend did not load');
    tf.enableProdMode();
    if (!(await tf.setBackend('cpu'))) throw new Error('the TensorFlow.js CPU backend could not start');
    return tf;
  })();
  return ready;
}

export type Tf = typeof tf;
