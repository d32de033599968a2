// The curriculum: training starts at the easiest level and moves up one level once the defender
// succeeds on at least `threshold` (70% by default) of the current level's scenarios.
import { LEVELS, type Level } from '..';

export interface CurriculumStep {
  round: number;
  level: Level;
  successes: number;
  total: number;
  rate: number;
  advanced: boolean;
}

export class Curriculum {
  private index: number;
  private passedTop = false;
  readonly history: CurriculumStep[] = [];

  constructor(
    readonly levels: readonly Level[] = LEVELS,
    readonly threshold = 0.7,
    start: Level = levels[0] as Level,
  ) {
    if (!levels.length) throw new Error('the curriculum needs at least one level');
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`curriculum threshold must be in (0, 1], got ${threshold}`);
    this.index = levels.indexOf(start);
    if (this.index < 0) throw new Error(`start level ${start} is not one of ${levels.join(', ')}`);
  }

  get level(): Level {
    return this.levels[this.index] as Level;
  }

  get levelIndex(): number {
    return this.index;
  }

  /** The defender met the threshold on the last level. */
  get completed(): boolean {
    return this.passedTop;
  }

  /** Records one round's outcomes on the current level; moves up when the success rate is high enough. */
  record(round: number, outcomes: readonly boolean[]): CurriculumStep {
    const successes = outcomes.filter(Boolean).length;
    const total = outcomes.length;
    const rate = total ? successes / total : 0;
    const passed = total > 0 && rate >= this.threshold - 1e-12;
    const level = this.level;
    let advanced = false;
    if (passed) {
      if (this.index < this.levels.length - 1) {
        this.index++;
        advanced = true;
      } else this.passedTop = true;
    }
    const step: CurriculumStep = { round, level, successes, total, rate, advanced };
    this.history.push(step);
    return step;
  }

  save(): { level: Level; passedTop: boolean; history: CurriculumStep[] } {
    return { level: this.level, passedTop: this.passedTop, history: this.history.map((h) => ({ ...h })) };
  }

  load(state: { level: Level; passedTop: boolean; history: readonly CurriculumStep[] }): void {
    const index = this.levels.indexOf(state.level);
    if (index < 0) throw new Error(`saved curriculum level ${state.level} is not one of ${this.levels.join(', ')}`);
    this.index = index;
    this.passedTop = state.passedTop;
    this.history.splice(0, this.history.length, ...state.history.map((h) => ({ ...h })));
  }
}
