// A small multilayer perceptron as TensorFlow.js variables, initialised from a seeded stream so
// training runs are reproducible.
import { Rng } from '../../../core/rng';
import type { Tf } from './tf';
import type { Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';

export class Mlp {
  readonly variables: Variable[];

  constructor(
    private readonly tf: Tf,
    readonly sizes: readonly number[],
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.variables = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const fanIn = sizes[i] as number;
      const fanOut = sizes[i + 1] as number;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = Float32Array.from({ length: fanIn * fanOut }, () => (rng.next() * 2 - 1) * limit);
      // A variable keeps its own reference to the data: the initial tensors can go.
      for (const init of [tf.tensor2d(w, [fanIn, fanOut]), tf.zeros([fanOut])]) {
        this.variables.push(tf.variable(init, true));
        init.dispose();
      }
    }
  }

  /** One output per row of `x` ([rows, sizes[0]] -> [rows]). */
  forward(x: Tensor2D): Tensor1D {
    const tf = this.tf;
    let h: Tensor2D = x;
    const layers = this.variables.length / 2;
    for (let l = 0; l < layers; l++) {
      const z = tf.add(tf.matMul(h, this.variables[2 * l] as Variable), this.variables[2 * l + 1] as Variable) as Tensor2D;
      h = l + 1 < layers ? tf.relu(z) : z;
    }
    return tf.reshape(h, [-1]) as Tensor1D;
  }

  /** Scores of plain rows (no gradient), as numbers. */
  score(rows: number[][]): Float32Array {
    return this.tf.tidy(() => this.forward(this.tf.tensor2d(rows, [rows.length, this.sizes[0] as number])).dataSync() as Float32Array);
  }

  copyFrom(other: Mlp): void {
    this.variables.forEach((v, i) => v.assign(other.variables[i] as Variable));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
