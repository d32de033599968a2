// Prompt assembly: a pure function of the generation request, the templates and a token budget.
// The same inputs always give the same text, because record/replay keys on the prompt's hash.

import { structuredPatch } from 'diff';
import type { AttemptRecord, FailureRecord, GenerationRequest, ProgramView } from '../types';
import { estimatePromptTokens } from './budget';
import { parseBlocks } from '../evolve-blocks';
import { isJsLike } from '../language';
import { capText, fence, formatMetrics, formatNumber, taskInstructions } from './format';
import { renderTemplate } from './template';
import type { PromptTemplates } from './templates';

export interface AssembledPrompt {
  system: string;
  user: string;
  /** Estimated prompt tokens (see `estimatePromptTokens`). */
  estimatedTokens: number;
  /** What was left out to fit the budget, in words, for a log line; empty when nothing was. */
  trimmed: string[];
  /** True when even the smallest prompt (parent and task only) exceeds the budget. */
  overBudget: boolean;
}

/** How much context one rendering includes; trimming walks from the richest shape down. */
interface Shape {
  history: number;
  inspirations: number;
  failures: number;
  failureDiffs: boolean;
  feedbackChars: number;
  notes: number;
}

const MAX_NOTES = 20;
const NOTE_CHARS = 1000;
const FEEDBACK_CHARS = 6000;
const FEEDBACK_CHARS_TRIMMED = 1500;
/** The last resort for small windows: the feedback's first lines, and no notes beyond the first. */
export const FEEDBACK_CHARS_MINIMAL = 400;
const INSPIRATION_CHARS = 12000;
const FAILURE_ERROR_CHARS = 600;
const FAILURE_DIFF_LINES = 40;
const HISTORY_DETAIL_CHARS = 300;

function blocksOf(program: ProgramView): string[] {
  return program.blocks.length ? program.blocks : [program.code];
}

/** Block layout of the parent; a parent with broken markers is shown as one evolvable file. */
function layoutOf(code: string): { marked: boolean; count: number } {
  try {
    const layout = parseBlocks(code);
    return { marked: layout.marked, count: layout.blocks.length };
  } catch {
    return { marked: false, count: 1 };
  }
}

function renderProgramBlocks(program: ProgramView, language: string): string {
  const blocks = blocksOf(program);
  if (blocks.length === 1) return fence(capText(blocks[0] as string, INSPIRATION_CHARS), language);
  const per = Math.floor(INSPIRATION_CHARS / blocks.length);
  return blocks.map((b, i) => `Block ${i + 1}:\n${fence(capText(b, per), language)}`).join('\n\n');
}

function renderInspirations(list: ProgramView[], language: string): string {
  return list
    .map((p, i) => {
      const metrics = formatMetrics(p.metrics);
      return [`### Inspiration ${i + 1} (score ${formatNumber(p.score)})`, metrics, renderProgramBlocks(p, language)]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n\n');
}

/** A short unified diff from the parent, so the model sees what was tried without a whole file. */
function failureDiff(parentCode: string, failedCode: string): string {
  if (parentCode === failedCode) return '';
  const patch = structuredPatch('parent', 'failed', parentCode, failedCode, undefined, undefined, { context: 2, maxEditLength: 4000 });
  if (!patch || patch.hunks.length === 0) return '';
  const lines: string[] = [];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  }
  const kept = lines.slice(0, FAILURE_DIFF_LINES);
  if (lines.length > kept.length) kept.push(`[... ${lines.length - kept.length} more diff lines omitted]`);
  return fence(kept.join('\n'), 'diff');
}

const FAILURE_STAGE: Record<NonNullable<FailureRecord['stage']>, string> = {
  generate: 'the reply could not be used',
  patch: 'the reply did not apply to its parent',
  precheck: 'the program was rejected before evaluation',
  evaluate: 'the program failed its evaluation',
};

function renderFailures(request: GenerationRequest, count: number, withDiffs: boolean): string {
  return request.recentFailures
    .slice(0, count)
    .map((f, i) => {
      const parts = [`### Failed attempt ${i + 1}${f.stage ? ` (${FAILURE_STAGE[f.stage]})` : ''}`, `Error: ${capText(f.error, FAILURE_ERROR_CHARS)}`];
      // Against the failed candidate's own parent: the diff shows exactly what was tried, nothing else.
      if (withDiffs && f.code !== undefined && f.parentCode !== undefined) {
        const d = failureDiff(f.parentCode, f.code);
        if (d) parts.push(d);
      }
      return parts.join('\n');
    })
    .join('\n\n');
}

const OUTCOME_WORDS: Record<AttemptRecord['outcome'], string> = {
  improved: 'improved on its parent',
  regressed: 'scored worse than its parent',
  unchanged: 'did not beat its parent',
  duplicate: 'was a duplicate',
  failed: 'failed',
};

function renderHistory(history: AttemptRecord[], count: number): string {
  return history
    .slice(0, count)
    .map((a) => {
      const delta = a.scoreDelta !== undefined ? ` (${a.scoreDelta >= 0 ? '+' : ''}${formatNumber(a.scoreDelta)})` : '';
      const from = a.parentId ? ` from ${a.parentId}` : '';
      const detail = a.detail ? `: ${capText(a.detail, HISTORY_DETAIL_CHARS).replace(/\s*\n\s*/g, ' ')}` : '';
      return `- ${a.id}${from} ${OUTCOME_WORDS[a.outcome]}${delta}${detail}`;
    })
    .join('\n');
}

/** Metrics of the parent, per cascade stage when it went through several (each stage covers different workloads). */
function renderParentMetrics(parent: ProgramView): string {
  if (!parent.stages?.length) return formatMetrics(parent.metrics);
  return parent.stages
    .map((st, i) => [`Stage ${i + 1}, ${st.label} (${st.workloads.join(', ')}): score ${st.score === null ? 'none' : formatNumber(st.score)}`, formatMetrics(st.metrics)].filter(Boolean).join('\n'))
    .join('\n');
}

function renderNotes(notes: string[], count: number): string {
  return notes
    .slice(0, count)
    .map((n) => `- ${capText(n, NOTE_CHARS).replace(/\n/g, '\n  ')}`)
    .join('\n');
}

function render(request: GenerationRequest, templates: PromptTemplates, shape: Shape): { system: string; user: string } {
  const { parent, language } = request;
  const { marked: markers, count: blockCount } = layoutOf(parent.code);
  const inspirations = request.inspirations.filter((p) => p.id !== parent.id).slice(0, shape.inspirations);
  const common = { fileName: request.fileName, language, domain: request.domain };
  const system = renderTemplate(templates.system, { ...common, jsFile: isJsLike(language) ? 'yes' : '', otherLanguageFile: isJsLike(language) ? '' : 'yes' });
  const user = renderTemplate(templates.user, {
    ...common,
    evolvable: markers
      ? `The evolvable code is between the EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers (${blockCount} block${blockCount === 1 ? '' : 's'}); everything else in the file is fixed.`
      : 'The whole file is evolvable.',
    parentCode: fence(parent.code, language),
    parentScore: formatNumber(parent.score),
    parentMetrics: renderParentMetrics(parent),
    parentFeedback: capText(parent.feedback, shape.feedbackChars),
    inspirations: renderInspirations(inspirations, language),
    recentFailures: renderFailures(request, shape.failures, shape.failureDiffs),
    history: renderHistory(request.history ?? [], shape.history),
    humanNotes: renderNotes(request.humanNotes, shape.notes),
    // A crossover needs its second parent in the prompt; trimmed away, the step is a plain rewrite.
    task: taskInstructions(request.patchMode === 'crossover' && inspirations.length === 0 ? 'full' : request.patchMode, language, blockCount, markers),
  });
  return { system, user };
}

/** Richest shape first, then ever smaller ones; the first that fits is used. */
function* shapes(request: GenerationRequest): Generator<{ shape: Shape; trimmed: string[] }> {
  const inspirations = request.inspirations.length;
  const failures = request.recentFailures.length;
  const notes = Math.min(MAX_NOTES, request.humanNotes.length);
  const history = request.history?.length ?? 0;
  const shape: Shape = { history, inspirations, failures, failureDiffs: true, feedbackChars: FEEDBACK_CHARS, notes };
  const trimmed: string[] = [];
  yield { shape: { ...shape }, trimmed: [...trimmed] };
  // The history goes first, from its oldest entries: it is the least specific context.
  for (let n = history - 1; n >= 0; n -= Math.max(1, Math.ceil(history / 4))) {
    shape.history = n;
    yield { shape: { ...shape }, trimmed: [...trimmed, `${history - n} of ${history} history entries`] };
  }
  if (history > 0) {
    shape.history = 0;
    trimmed.push(`${history} of ${history} history entries`);
  }
  if (failures > 0) {
    shape.failureDiffs = false;
    trimmed.push('diffs of failed attempts');
    yield { shape: { ...shape }, trimmed: [...trimmed] };
  }
  for (let n = inspirations - 1; n >= 0; n--) {
    shape.inspirations = n;
    yield { shape: { ...shape }, trimmed: [...trimmed, `${inspirations - n} of ${inspirations} inspirations`] };
  }
  if (inspirations > 0) trimmed.push(`${inspirations} of ${inspirations} inspirations`);
  for (let n = failures - 1; n >= 0; n--) {
    shape.failures = n;
    yield { shape: { ...shape }, trimmed: [...trimmed, `${failures - n} of ${failures} failed attempts`] };
  }
  if (failures > 0) trimmed.push(`${failures} of ${failures} failed attempts`);
  shape.feedbackChars = FEEDBACK_CHARS_TRIMMED;
  shape.notes = Math.min(5, notes);
  trimmed.push('the end of the parent feedback', ...(notes > 5 ? [`${notes - 5} reviewer notes`] : []));
  yield { shape: { ...shape }, trimmed: [...trimmed] };
  shape.feedbackChars = FEEDBACK_CHARS_MINIMAL;
  shape.notes = Math.min(1, notes);
  trimmed.push(`all but ${FEEDBACK_CHARS_MINIMAL} characters of the parent feedback`, ...(notes > 1 ? ['all reviewer notes but the first'] : []));
  yield { shape: { ...shape }, trimmed: [...trimmed] };
}

/**
 * Builds the system and user prompts for a request within `budgetTokens` (estimated). Context
 * is dropped in this order until it fits: the evolution history (oldest first), diffs of failed attempts, inspirations from the last
 * to the first, failed attempts from the last to the first, then long feedback and surplus
 * notes. The parent program and the task are never dropped; when they alone exceed the budget
 * the prompt is returned with `overBudget` set.
 */
export function assemblePrompt(request: GenerationRequest, templates: PromptTemplates, budgetTokens: number): AssembledPrompt {
  let last: AssembledPrompt | undefined;
  for (const { shape, trimmed } of shapes(request)) {
    const { system, user } = render(request, templates, shape);
    const estimatedTokens = estimatePromptTokens(system, user);
    last = { system, user, estimatedTokens, trimmed, overBudget: estimatedTokens > budgetTokens };
    if (!last.overBudget) return last;
  }
  return last as AssembledPrompt;
}
