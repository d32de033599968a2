// The ELO leaderboard and curriculum of a cluster policy's latest self-play (`policy-evolver
// cluster selfplay`), read from the report the CLI leaves next to the policy, for the review panel.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CurriculumStepView, RunSnapshot } from '../messages/lsp';

type Leaderboard = NonNullable<RunSnapshot['leaderboard']>;

function parseLeaderboard(value: unknown): Leaderboard | undefined {
  if (!Array.isArray(value)) return undefined;
  const rows: Leaderboard = [];
  for (const row of value as Record<string, unknown>[]) {
    if (typeof row?.id !== 'string' || typeof row.rating !== 'number') continue;
    rows.push({
      id: row.id,
      rating: row.rating,
      round: typeof row.round === 'number' ? row.round : 0,
      level: typeof row.level === 'string' ? row.level : '',
      reward: typeof row.reward === 'number' ? row.reward : null,
    });
  }
  return rows;
}

function parseCurriculum(value: unknown): CurriculumStepView[] {
  if (!Array.isArray(value)) return [];
  return (value as Record<string, unknown>[]).flatMap((s) =>
    typeof s?.round === 'number' && typeof s.level === 'string'
      ? [{ round: s.round, level: s.level, successes: Number(s.successes) || 0, total: Number(s.total) || 0, rate: Number(s.rate) || 0, advanced: s.advanced === true }]
      : [],
  );
}

export interface SelfPlaySummary {
  leaderboard: Leaderboard;
  curriculum: CurriculumStepView[];
  levelReached?: string;
  /** The report file. */
  path: string;
}

/** The newest self-play report about `policyFile`, if any. */
export function latestSelfPlay(policyFile: string): SelfPlaySummary | undefined {
  const dir = join(dirname(policyFile), '.policy-evolver', 'cluster');
  if (!existsSync(dir)) return undefined;
  // Report folders are named selfplay-<timestamp>, so the newest sorts last.
  const folders = readdirSync(dir).filter((d) => d.startsWith('selfplay-')).sort().reverse();
  for (const folder of folders) {
    const path = join(dir, folder, 'selfplay.json');
    if (!existsSync(path)) continue;
    try {
      const report = JSON.parse(readFileSync(path, 'utf8')) as { policy?: unknown; leaderboard?: unknown; curriculum?: unknown; levelReached?: unknown };
      if (report.policy !== policyFile) continue;
      return { leaderboard: parseLeaderboard(report.leaderboard) ?? [], curriculum: parseCurriculum(report.curriculum), ...(typeof report.levelReached === 'string' ? { levelReached: report.levelReached } : {}), path };
    } catch {
      // A report being written or damaged: try an older one.
    }
  }
  return undefined;
}

