// Live progress for a run: a single rewritten line on a terminal, occasional plain lines in logs,
// or one JSON object per event with --json.
import type { EngineEvent, RunProgress } from '../messages/progress';
import { formatDelta, formatDuration, formatScore, formatUsd } from './format';
import { scrubSecrets } from '../core/secrets';

export interface ProgressSink {
  onEvent(event: EngineEvent): void;
  finish(): void;
}

export function progressLine(p: RunProgress): string {
  const count = p.target !== undefined ? `${p.done}/${p.target}` : `${p.done}`;
  const parts = [
    `${count} candidates`,
    `${p.rate.toFixed(1)}/s`,
    `best ${formatScore(p.bestScore)} ${formatDelta(p.bestScore, p.initialScore)}`.trim(),
    formatUsd(p.spendUsd),
  ];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.workers) parts.push(`${p.workers.evaluators} remote evaluator(s)${p.workers.samplers ? `, ${p.workers.samplers} sampler(s)` : ''}`);
  if (p.etaMs !== undefined) parts.push(`ETA ${formatDuration(p.etaMs)}`);
  return parts.join(' · ');
}

export function createProgressSink(mode: 'tty' | 'plain' | 'json' | 'quiet', out: NodeJS.WriteStream = process.stderr): ProgressSink {
  let last = 0;
  let lastLine = '';
  let latest: RunProgress | undefined;
  const write = (text: string): void => {
    out.write(scrubSecrets(text));
  };
  return {
    onEvent(event) {
      if (mode === 'quiet') return;
      if (mode === 'json') {
        process.stdout.write(scrubSecrets(JSON.stringify({ event: event.kind, ...(event.kind === 'progress' ? event.progress : event.kind === 'candidate' ? event.outcome : event) })) + '\n');
        return;
      }
      if (event.kind === 'progress') {
        latest = event.progress;
        const now = Date.now();
        if (mode === 'tty' && now - last > 100) {
          last = now;
          const line = progressLine(event.progress);
          const width = out.columns ? out.columns - 1 : 120;
          write(`\r${line.slice(0, width).padEnd(Math.min(width, lastLine.length))}`);
          lastLine = line;
        } else if (mode === 'plain' && now - last > 5000) {
          last = now;
          write(progressLine(event.progress) + '\n');
        }
      } else if (event.kind === 'new-best') {
        const text = `new best ${event.id}: ${formatScore(event.score)}${event.previous !== null ? ` (was ${formatScore(event.previous)})` : ''}`;
        write(mode === 'tty' ? `\r${text.padEnd(lastLine.length)}\n` : text + '\n');
        lastLine = '';
      } else if (event.kind === 'log') {
        write(mode === 'tty' ? `\r${event.message.padEnd(lastLine.length)}\n` : event.message + '\n');
        lastLine = '';
      }
    },
    finish() {
      if (mode === 'tty' && latest) write(`\r${progressLine(latest).padEnd(lastLine.length)}\n`);
    },
  };
}
