// Text helpers shared by prompt assembly and reply parsing, so what we ask for and what we accept
// cannot drift apart.

import type { PatchMode } from '../types';

export const SEARCH_MARKER = '<<<<<<< SEARCH';
export const DIVIDER_MARKER = '=======';
export const REPLACE_MARKER = '>>>>>>> REPLACE';

/** Markdown info-string for a language id (empty when a tag would mislead the model). */
export function fenceTag(language: string): string {
  return language === 'plaintext' || language === 'protocol' ? '' : language;
}

/** Wraps code in a fence longer than any backtick run inside it. */
export function fence(code: string, language: string, label = ''): string {
  let longest = 0;
  for (const m of code.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  const info = [fenceTag(language), label].filter(Boolean).join(' ');
  return `${ticks}${info}\n${code.replace(/\n$/, '')}\n${ticks}`;
}

/** Stable, compact number text: integers as is, others to 6 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** `name = value` lines in key order, so the same metrics always render the same text. */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.keys(metrics)
    .sort()
    .map((k) => `- ${k}: ${formatNumber(metrics[k] as number)}`)
    .join('\n');
}

/** Cuts text to `max` characters at a line boundary when possible, saying how much was cut. */
export function capText(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const cut = t.lastIndexOf('\n', max);
  const end = cut > max * 0.6 ? cut : max;
  return `${t.slice(0, end).trimEnd()}\n[... ${t.length - end} more characters omitted]`;
}

/** The reply-format instructions for one step, filled into `{{task}}`. */
export function taskInstructions(mode: PatchMode, language: string, blockCount: number, markers: boolean): string {
  const tag = fenceTag(language);
  const explain =
    'Start with one short paragraph (at most five sentences, no heading) explaining why your change should raise the score.';
  if (mode === 'search-replace') {
    return [
      'Propose one focused improvement to the evolvable code.',
      '',
      explain,
      'Then give one or more SEARCH/REPLACE edits, each exactly in this form:',
      '',
      SEARCH_MARKER,
      '(lines copied exactly from the current program)',
      DIVIDER_MARKER,
      '(the lines that replace them)',
      REPLACE_MARKER,
      '',
      'Rules for edits:',
      '- A SEARCH section copies a contiguous run of lines from the current program, character for character, and must match exactly one place.',
      markers
        ? '- Edit only code between the EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers; never change, move or delete a marker line or anything outside the blocks.'
        : '- The whole file is evolvable.',
      '- Keep each SEARCH short but unique; use several edits for changes in several places. Edits apply in order.',
      '- Do not repeat the whole program; send only the edits.',
      `- Keep the code valid ${language} and keep the names and signatures that the rest of the file or the evaluator relies on.`,
    ].join('\n');
  }
  const lines =
    mode === 'crossover'
      ? [
          'Combine the current program with Inspiration 1 above into one program that scores better than both: keep what makes each of them score well, and resolve where they disagree.',
          '',
          explain,
        ]
      : ['Rewrite the evolvable code to improve the score.', '', explain];
  if (!markers) {
    lines.push(`Then give the complete new file in one fenced code block (\`\`\`${tag}).`);
  } else if (blockCount <= 1) {
    lines.push(
      `Then give the complete new content of the evolvable block in one fenced code block (\`\`\`${tag}), without the EVOLVE-BLOCK-START and EVOLVE-BLOCK-END marker lines.`,
    );
  } else {
    lines.push(
      `Then give the new content of each evolvable block you change in its own fenced code block, labelled with the block number after the language (\`\`\`${tag} block 1, \`\`\`${tag} block 2, ...), without the marker lines. Blocks you do not list stay as they are.`,
    );
  }
  lines.push(
    '',
    'Rules:',
    markers ? '- Code outside the evolvable blocks stays unchanged; do not include it.' : '- Keep the file self-contained.',
    `- Keep the code valid ${language} and keep the names and signatures that the rest of the file or the evaluator relies on.`,
  );
  return lines.join('\n');
}
