// Self-play of a cluster policy started from the editor. The bundled CLI's `cluster selfplay` runs
// as a child process (it owns the attacker, curriculum and defender wiring, and its report lands
// where `policy-evolver cluster selfplay` puts it), its progress lines stream to the editor, and
// when it ends the report's curriculum and ELO leaderboard go to the review panel.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { SelfPlayView } from '../messages/lsp';
import { latestSelfPlay } from './selfplay-reports';

const KEPT_LINES = 40;

export class SelfPlayRunner {
  private readonly live = new Map<string, { child: ChildProcess; view: SelfPlayView }>();

  constructor(
    private readonly cliPath: string,
    /** Environment of the child: the server's plus the keys the editor stored. */
    private readonly env: () => NodeJS.ProcessEnv,
    private readonly publish: (view: SelfPlayView) => void,
    private readonly log: (message: string) => void,
  ) {}

  isRunning(file: string): boolean {
    return this.live.has(file);
  }

  /** The latest report of a file, as the panel shows it when nothing is running. */
  viewOf(file: string): SelfPlayView | undefined {
    const running = this.live.get(file);
    if (running) return running.view;
    const summary = latestSelfPlay(file);
    if (!summary) return undefined;
    return { file, fileName: basename(file), running: false, lines: [], ...this.summaryFields(file) };
  }

  private summaryFields(file: string): Pick<SelfPlayView, 'curriculum' | 'leaderboard' | 'levelReached'> {
    const summary = latestSelfPlay(file);
    if (!summary) return {};
    return { curriculum: summary.curriculum, leaderboard: summary.leaderboard, ...(summary.levelReached ? { levelReached: summary.levelReached } : {}) };
  }

  start(file: string, rounds: number): SelfPlayView {
    if (this.live.has(file)) throw new Error(`self-play of ${basename(file)} is already running`);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error(`rounds must be a whole number from 1 to 100 (got ${rounds})`);
    if (!existsSync(this.cliPath)) throw new Error(`the Policy Evolver CLI is missing (${this.cliPath}): reinstall the extension`);
    const view: SelfPlayView = { file, fileName: basename(file), running: true, lines: [] };
    const child = spawn(process.execPath, [this.cliPath, 'cluster', 'selfplay', file, '--rounds', String(rounds)], { cwd: dirname(file), env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.live.set(file, { child, view });
    let stderrTail = '';
    const take = (chunk: Buffer, isErr: boolean): void => {
      const text = chunk.toString('utf8');
      if (isErr) stderrTail = (stderrTail + text).slice(-2000);
      const lines = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
      if (!lines.length) return;
      for (const line of lines) this.log(`[self-play ${view.fileName}] ${line}`);
      view.lines = [...view.lines, ...lines].slice(-KEPT_LINES);
      this.publish({ ...view });
    };
    child.stdout?.on('data', (c: Buffer) => take(c, false));
    child.stderr?.on('data', (c: Buffer) => take(c, true));
    let settled = false;
    const finish = (ok: boolean, message: string): void => {
      if (settled) return;
      settled = true;
      this.live.delete(file);
      const ended: SelfPlayView = { ...view, running: false, result: { ok, message }, ...(ok ? this.summaryFields(file) : {}) };
      this.publish(ended);
    };
    child.on('error', (err) => finish(false, `self-play could not start: ${err.message}`));
    child.on('close', (code, signal) => {
      if (code === 0) {
        const summary = latestSelfPlay(file);
        finish(true, summary?.levelReached ? `self-play finished: reached level ${summary.levelReached}` : 'self-play finished');
      } else {
        const last = stderrTail.split('\n').map((l) => l.trim()).filter(Boolean).pop();
        finish(false, signal === 'SIGINT' || signal === 'SIGTERM' ? 'self-play stopped' : `self-play failed: ${last ?? `exit code ${code}`}`);
      }
    });
    this.publish({ ...view });
    return { ...view };
  }

  stop(file: string): boolean {
    const live = this.live.get(file);
    if (!live) return false;
    // The CLI stops at the next safe point on SIGINT, as with Ctrl-C in a terminal.
    live.child.kill('SIGINT');
    return true;
  }

  stopAll(): void {
    for (const { child } of this.live.values()) child.kill('SIGINT');
  }
}
