// TensorFlow.js for the learning baselines: the pure-JavaScript core (with its automatic
// differentiation, gradients registered) on the CPU backend. No native binary is involved.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';

let ready: Promise<typeof tf> | undefined;

/** The library with the CPU backend selected and production mode on (no debug checks, no banner). */
export function loadTf(): Promise<typeof tf> {
  ready ??= (async () => {
    // The named import keeps bundlers from dropping the backend module, whose import registers it.
    if (!version_cpu) throw new Error('the TensorFlow.js CPU backend did not load');
    tf.enableProdMode();
    if (!(await tf.setBackend('cpu'))) throw new Error('the TensorFlow.js CPU backend could not start');
    return tf;
  })();
  return ready;
}

export type Tf = typeof tf;
