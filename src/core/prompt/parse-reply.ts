// Turning a model's reply into a patch. Models wrap edits in fences or not, add prose before and
// after, label blocks loosely, think aloud in <think> tags, and get cut off by token limits; the
// parser accepts every reasonable shape and rejects the rest with a message a person can act on.

import type { Patch, ProgramView, SearchReplaceEdit } from '../types';
import { parseBlocks, spliceBlocks } from '../evolve-blocks';
import { diffToEdits, jsonObjectOf, looksLikeUnifiedDiff, mapUnmarkedFile, repeatsFixedCode, ShapeError, unwrapJson } from './reply-shapes';

export class ReplyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyParseError';
  }
}

export interface ParsedReply {
  patch: Patch;
  /** The model's paragraph on why, when it gave one. */
  explanation?: string;
}

export interface ReplyContext {
  parent: ProgramView;
  language: string;
}

const SEARCH_LINE = /^\s*<{5,}\s*SEARCH\s*$/i;
const DIVIDER_LINE = /^\s*={5,}\s*$/;
const REPLACE_LINE = /^\s*>{5,}\s*REPLACE\s*$/i;
const FENCE_OPEN = /^\s*(`{3,}|~{3,})\s*([^`]*?)\s*$/;
const FENCE_LINE = /^\s*(`{3,}|~{3,})[^`]*$/;
const EXPLANATION_CHARS = 1500;

interface Fence {
  info: string;
  code: string;
  start: number;
  end: number;
}

function fail(message: string, reply: string): never {
  const excerpt = reply.trim().replace(/\s+/g, ' ').slice(0, 120);
  throw new ReplyParseError(`unusable reply: ${message}${excerpt ? ` (reply began: "${excerpt}${reply.trim().length > 120 ? '...' : ''}")` : ' (the reply was empty)'}`);
}

/** Removes reasoning that some local models emit inline before the answer. */
function stripThinking(text: string): string {
  return text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '');
}

function stripSectionFences(lines: string[], leading: boolean, trailing: boolean): string[] {
  let out = lines;
  if (leading && out.length && FENCE_LINE.test(out[0] as string)) out = out.slice(1);
  if (trailing && out.length && /^\s*(`{3,}|~{3,})\s*$/.test(out[out.length - 1] as string)) out = out.slice(0, -1);
  return out;
}

function parseEdits(lines: string[], reply: string): { edits: SearchReplaceEdit[]; first: number; last: number } {
  const edits: SearchReplaceEdit[] = [];
  let first = -1;
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (REPLACE_LINE.test(line)) fail(`the '>>>>>>> REPLACE' line at reply line ${i + 1} has no matching '<<<<<<< SEARCH' before it`, reply);
    if (!SEARCH_LINE.test(line)) continue;
    const n = edits.length + 1;
    let divider = -1;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j] as string;
      if (DIVIDER_LINE.test(l)) {
        divider = j;
        break;
      }
      if (SEARCH_LINE.test(l) || REPLACE_LINE.test(l)) {
        fail(`edit ${n} (SEARCH at reply line ${i + 1}) has no '=======' line between its SEARCH and REPLACE parts`, reply);
      }
    }
    if (divider < 0) fail(`edit ${n} (SEARCH at reply line ${i + 1}) has no '=======' line; the reply may have been cut off`, reply);
    let end = -1;
    for (let j = divider + 1; j < lines.length; j++) {
      const l = lines[j] as string;
      if (REPLACE_LINE.test(l)) {
        end = j;
        break;
      }
      if (SEARCH_LINE.test(l)) fail(`edit ${n} (SEARCH at reply line ${i + 1}) is not closed with '>>>>>>> REPLACE' before the next SEARCH`, reply);
    }
    if (end < 0) fail(`edit ${n} (SEARCH at reply line ${i + 1}) is not closed with '>>>>>>> REPLACE'; the reply may have been cut off`, reply);
    const search = stripSectionFences(lines.slice(i + 1, divider), true, true).join('\n');
    const replace = stripSectionFences(lines.slice(divider + 1, end), true, true).join('\n');
    if (!search.trim()) fail(`edit ${n} (reply line ${i + 1}) has an empty SEARCH part; SEARCH must copy lines of the current program`, reply);
    edits.push({ search, replace });
    if (first < 0) first = i;
    last = end;
    i = end;
  }
  return { edits, first, last };
}

function parseFences(lines: string[], reply: string): Fence[] {
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE_OPEN.exec(lines[i] as string);
    if (!m) continue;
    const marker = m[1] as string;
    const close = new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    let end = -1;
    for (let j = i + 1; j < lines.length; j++) {
      if (close.test(lines[j] as string)) {
        end = j;
        break;
      }
    }
    if (end < 0) fail(`the code block opened at reply line ${i + 1} is never closed; the reply may have been cut off by the token limit`, reply);
    fences.push({ info: (m[2] as string).trim(), code: lines.slice(i + 1, end).join('\n'), start: i, end });
    i = end;
  }
  return fences;
}

const CODE_START = /^\s*(def|class|function|const|let|var|return|if|elif|else|for|while|import|export|from|async|await|switch|case|try|catch|finally|public|private|static|int|void|proctype|active|do|od|fi|#include|#define|@)\b/;

function looksLikeCodeLine(line: string): boolean {
  const t = line.trim();
  if (!t) return false;
  if (CODE_START.test(line)) return true;
  if (/[;{}]\s*$/.test(t) || /^[}\])]/.test(t)) return true;
  if (/^\s{2,}\S/.test(line) && !/^\s*[-*+]\s/.test(line)) return true;
  if (/^(\/\/|#|--|\/\*|\*)/.test(t) && !/^#+\s+[A-Z]/.test(t)) return true;
  return /^[\w.$[\]]+\s*(=|\+=|-=|\*=|:=|\()/.test(t) && !/[.!?]$/.test(t);
}

/** For replies without fences: the paragraphs that look like code, and the prose before them. */
function unfencedCode(text: string): { code: string; before: string } | undefined {
  const paragraphs = text.split(/\n\s*\n/);
  const isCode = paragraphs.map((p) => {
    const ls = p.split('\n').filter((l) => l.trim());
    return ls.length > 0 && ls.filter(looksLikeCodeLine).length / ls.length >= 0.6;
  });
  const first = isCode.indexOf(true);
  if (first < 0) return undefined;
  const last = isCode.lastIndexOf(true);
  return { code: paragraphs.slice(first, last + 1).join('\n\n'), before: paragraphs.slice(0, first).join('\n\n') };
}

function cleanExplanation(prose: string): string | undefined {
  const paragraphs = prose
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .filter((l) => !FENCE_LINE.test(l) && !/^\s*#{1,6}\s/.test(l))
        .join('\n')
        .trim(),
    )
    .filter(Boolean);
  // "Here is my change:" introduces the edit; the reasoning is the paragraph that does not end in a colon.
  const first = paragraphs.find((p) => !p.endsWith(':'));
  if (!first) return undefined;
  const text = first.replace(/^(\*\*|__)?(explanation|why|rationale|reasoning)(\*\*|__)?\s*[:\-\u2014]\s*(\*\*|__)?\s*/i, '').trim();
  if (!text) return undefined;
  return text.length > EXPLANATION_CHARS ? `${text.slice(0, EXPLANATION_CHARS).trimEnd()}...` : text;
}

/** New block text shaped like the old one: same leading and trailing line breaks and indentation. */
function fitBlock(original: string | undefined, code: string): string {
  const body = code.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '');
  if (original === undefined) return `${body}\n`;
  const lead = /^\s*\n/.exec(original)?.[0] ?? '';
  const trail = /\n[ \t]*$/.exec(original)?.[0] ?? (original.endsWith('\n') ? '\n' : '');
  return `${lead}${body}${trail}`;
}

function withFinalNewline(code: string, like: string): string {
  return like.endsWith('\n') && !code.endsWith('\n') ? `${code}\n` : code;
}

/** Removes EVOLVE-BLOCK marker lines the model echoed at the edges of a block's content. */
function stripEdgeMarkers(code: string): string {
  const lines = code.split('\n');
  while (lines.length && !(lines[0] as string).trim()) lines.shift();
  while (lines.length && !(lines[lines.length - 1] as string).trim()) lines.pop();
  if (lines.length && /EVOLVE-BLOCK-START/.test(lines[0] as string)) lines.shift();
  if (lines.length && /EVOLVE-BLOCK-END/.test(lines[lines.length - 1] as string)) lines.pop();
  return lines.join('\n');
}

/** Whether code is a whole file (markers inside, other code around them) rather than one block. */
function isWholeFile(code: string, parent: ProgramView): boolean {
  const starts = (code.match(/EVOLVE-BLOCK-START/g) ?? []).length;
  const expected = (parent.code.match(/EVOLVE-BLOCK-START/g) ?? []).length;
  if (starts === 0 || starts < expected) return false;
  const stripped = stripEdgeMarkers(code);
  return /EVOLVE-BLOCK/.test(stripped);
}

const NON_CODE_INFO = /^(bash|sh|shell|console|text|output|plaintext|log)$/i;

function blockLabel(info: string): number | undefined {
  const m = /\bblock\s*[=#:-]?\s*(\d+)\b/i.exec(info);
  return m ? Number(m[1]) : undefined;
}

function rewritePatch(codes: { info: string; code: string }[], ctx: ReplyContext, reply: string): Patch {
  const { parent } = ctx;
  const diffs = codes.filter((c) => /^(diff|patch|udiff)$/i.test(c.info.split(/\s+/)[0] ?? ''));
  let usable = codes.filter((c) => !diffs.includes(c) && c.code.trim());
  if (usable.length > 1) {
    const code = usable.filter((c) => !NON_CODE_INFO.test(c.info.split(/\s+/)[0] ?? ''));
    if (code.length) usable = code;
  }
  if (!usable.length) {
    if (diffs.length) return diffPatch(diffs.map((d) => d.code).join('\n'), reply);
    fail('it contains no SEARCH/REPLACE edit and no code', reply);
  }
  if (usable.length === 1 && /^json$/i.test(usable[0]?.info.split(/\s+/)[0] ?? '')) {
    const obj = jsonObjectOf((usable[0] as { code: string }).code);
    if (obj) return jsonPatch(obj, ctx, reply);
  }
  const whole = usable.find((c) => isWholeFile(c.code, parent));
  if (whole) return { kind: 'full', code: withFinalNewline(whole.code, parent.code) };

  const longest = usable.reduce((a, b) => (b.code.length > a.code.length ? b : a));
  const layout = parseBlocks(parent.code);
  if (!layout.marked) return { kind: 'full', code: withFinalNewline(stripEdgeMarkers(longest.code), parent.code) };
  // A whole file without its markers is mapped onto the blocks only when the fixed code is intact;
  // pasted into a block it would duplicate everything around it.
  if (usable.length === 1 && repeatsFixedCode(longest.code, parent.code)) {
    let contents: string[];
    try {
      contents = mapUnmarkedFile(longest.code, parent.code);
    } catch (err) {
      if (err instanceof ShapeError) fail(err.message, reply);
      throw err;
    }
    const originals = layout.blocks.map((b) => parent.code.slice(b.start, b.end));
    const fitted = contents.map((c, i) => fitBlock(originals[i], c));
    if (fitted.length === 1) return { kind: 'block', index: 0, code: fitted[0] as string };
    return { kind: 'full', code: spliceBlocks(parent.code, layout, fitted) };
  }

  const regions = layout.blocks.map((b) => ({ from: b.start, to: b.end }));
  const blockCount = regions.length;
  const originals = regions.map((r) => parent.code.slice(r.from, r.to));
  if (blockCount <= 1) return { kind: 'block', index: 0, code: fitBlock(originals[0], stripEdgeMarkers(longest.code)) };

  const replacements = new Map<number, string>();
  const labelled = usable.filter((c) => blockLabel(c.info) !== undefined);
  if (labelled.length) {
    for (const c of labelled) {
      const n = blockLabel(c.info) as number;
      if (n < 1 || n > blockCount) fail(`a code block is labelled block ${n}, but the program has blocks 1 to ${blockCount}`, reply);
      if (replacements.has(n - 1)) fail(`two code blocks are labelled block ${n}`, reply);
      replacements.set(n - 1, stripEdgeMarkers(c.code));
    }
  } else if (usable.length === blockCount) {
    usable.forEach((c, i) => replacements.set(i, stripEdgeMarkers(c.code)));
  } else {
    fail(
      `the program has ${blockCount} evolvable blocks but the reply gives ${usable.length} unlabelled code block${usable.length === 1 ? '' : 's'}; label each one (\`\`\`${ctx.language} block 2)`,
      reply,
    );
  }
  if (replacements.size === 1) {
    const [index, code] = [...replacements][0] as [number, string];
    return { kind: 'block', index, code: fitBlock(originals[index], code) };
  }
  let out = '';
  let pos = 0;
  regions.forEach((r, i) => {
    out += parent.code.slice(pos, r.from);
    const code = replacements.get(i);
    out += code === undefined ? parent.code.slice(r.from, r.to) : fitBlock(originals[i], code);
    pos = r.to;
  });
  return { kind: 'full', code: out + parent.code.slice(pos) };
}

function diffPatch(diff: string, reply: string): Patch {
  try {
    return { kind: 'search-replace', edits: diffToEdits(diff) };
  } catch (err) {
    if (err instanceof ShapeError) fail(err.message, reply);
    throw err;
  }
}

function jsonPatch(obj: Record<string, unknown>, ctx: ReplyContext, reply: string): Patch {
  return jsonReply(obj, ctx, reply).patch;
}

function jsonReply(obj: Record<string, unknown>, ctx: ReplyContext, reply: string): ParsedReply {
  let unwrapped;
  try {
    unwrapped = unwrapJson(obj);
  } catch (err) {
    if (err instanceof ShapeError) fail(err.message, reply);
    throw err;
  }
  const explanation = unwrapped.explanation ? { explanation: cleanExplanation(unwrapped.explanation) ?? unwrapped.explanation } : {};
  if (unwrapped.edits) return { patch: { kind: 'search-replace', edits: unwrapped.edits }, ...explanation };
  return { patch: rewritePatch([{ info: '', code: unwrapped.code as string }], ctx, reply), ...explanation };
}

/**
 * Parses a reply into SEARCH/REPLACE edits when it has any, otherwise into a rewrite of the
 * evolvable block(s) or of the whole file. Throws `ReplyParseError` when nothing usable is there.
 */
export function parseReply(reply: string, ctx: ReplyContext): ParsedReply {
  const text = stripThinking(reply.replace(/\r\n?/g, '\n'));
  const lines = text.split('\n');
  const { edits, first, last } = parseEdits(lines, reply);
  if (edits.length) {
    if (edits.every((e) => e.search === e.replace)) fail('every edit replaces its SEARCH text with the same text, so nothing would change', reply);
    const explanation = cleanExplanation(lines.slice(0, first).join('\n')) ?? cleanExplanation(lines.slice(last + 1).join('\n'));
    return { patch: { kind: 'search-replace', edits }, ...(explanation ? { explanation } : {}) };
  }
  const json = jsonObjectOf(text);
  if (json) return jsonReply(json, ctx, reply);
  const fences = parseFences(lines, reply);
  if (fences.length) {
    const patch = rewritePatch(fences, ctx, reply);
    const firstFence = fences[0] as Fence;
    const lastFence = fences[fences.length - 1] as Fence;
    const explanation =
      cleanExplanation(lines.slice(0, firstFence.start).join('\n')) ?? cleanExplanation(lines.slice(lastFence.end + 1).join('\n'));
    return { patch, ...(explanation ? { explanation } : {}) };
  }
  if (looksLikeUnifiedDiff(text)) {
    const at = lines.findIndex((l) => /^(---|\+\+\+|@@|diff --git) /.test(l));
    const explanation = cleanExplanation(lines.slice(0, Math.max(0, at)).join('\n'));
    return { patch: diffPatch(text, reply), ...(explanation ? { explanation } : {}) };
  }
  const bare = unfencedCode(text);
  if (!bare) fail('it contains no SEARCH/REPLACE edit and no code', reply);
  const patch = rewritePatch([{ info: '', code: bare.code }], ctx, reply);
  const explanation = cleanExplanation(bare.before);
  return { patch, ...(explanation ? { explanation } : {}) };
}
