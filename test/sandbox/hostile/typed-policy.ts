// A well-typed TypeScript candidate: interfaces, generics, enums and type-only imports must
// compile away.
import type { JsonValue } from '../../../src/core/types';

interface Task {
  id: number;
  cost: number;
  priority: Priority;
}

enum Priority {
  Low = 0,
  High = 1,
}

export function schedule<T extends Task>(tasks: readonly T[]): number[] {
  return [...tasks]
    .sort((a, b) => b.priority - a.priority || a.cost - b.cost)
    .map((task) => task.id);
}

export function describe(value: JsonValue): string {
  return typeof value;
}

export function fail(reason: string): never {
  const detail: { reason: string } = { reason };
  throw new RangeError(`policy failed: ${detail.reason}`);
}

export const priorities = { low: Priority.Low, high: Priority.High };
