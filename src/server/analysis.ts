// Document analysis: where the evolvable regions of a file are (EVOLVE-BLOCK markers, else the
// policy functions tree-sitter finds) and which syntax errors it has. Results are cached per
// content hash, so CodeLens requests on an unchanged document cost a map lookup.
import { createHash } from 'node:crypto';
import type Parser from 'web-tree-sitter';
import { parseBlocks, BlockError } from '../core/evolve-blocks';
import { GrammarSet, grammarFor } from './grammars';

export interface LineRange {
  /** 0-based lines and columns, as LSP wants them. */
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export interface Region {
  kind: 'block' | 'function' | 'file';
  name: string;
  range: LineRange;
}

export interface SyntaxProblem {
  message: string;
  range: LineRange;
}

export interface Analysis {
  hash: string;
  regions: Region[];
  syntax: SyntaxProblem[];
  /** EVOLVE-BLOCK markers are unbalanced: the file cannot be evolved until fixed. */
  blockError?: { message: string; line: number };
  parsed: boolean;
}

export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

const FUNCTION_TYPES = new Set(['function_declaration', 'generator_function_declaration', 'function_definition']);

function rangeOf(node: Parser.SyntaxNode): LineRange {
  return { startLine: node.startPosition.row, startCol: node.startPosition.column, endLine: node.endPosition.row, endCol: node.endPosition.column };
}

/** Top-level function declarations, exported ones first-class: in a policy file they are the policy. */
function policyFunctions(root: Parser.SyntaxNode): Region[] {
  const all: { region: Region; exported: boolean }[] = [];
  for (const child of root.namedChildren) {
    const exported = child.type === 'export_statement';
    const inner = exported ? (child.namedChildren.find((n) => n.type !== 'comment') ?? child) : child.type === 'decorated_definition' ? (child.lastNamedChild ?? child) : child;
    if (FUNCTION_TYPES.has(inner.type)) {
      all.push({ region: { kind: 'function', name: inner.childForFieldName('name')?.text ?? 'function', range: rangeOf(child) }, exported });
    } else if (inner.type === 'lexical_declaration' || inner.type === 'variable_declaration') {
      for (const decl of inner.namedChildren) {
        const value = decl.childForFieldName('value');
        if (value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')) {
          all.push({ region: { kind: 'function', name: decl.childForFieldName('name')?.text ?? 'function', range: rangeOf(child) }, exported });
        }
      }
    }
  }
  const exported = all.filter((f) => f.exported);
  return (exported.length ? exported : all).map((f) => f.region);
}

function syntaxProblems(root: Parser.SyntaxNode, limit = 20): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  if (!root.hasError) return out;
  const walk = (node: Parser.SyntaxNode): void => {
    if (out.length >= limit) return;
    if (node.isMissing) {
      out.push({ message: `syntax error: missing ${node.type}`, range: rangeOf(node) });
      return;
    }
    if (node.type === 'ERROR') {
      const snippet = node.text.split('\n')[0]?.slice(0, 40) ?? '';
      out.push({ message: `syntax error near '${snippet}'`, range: rangeOf(node) });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) walk(child);
  };
  walk(root);
  return out;
}

function markerRegions(text: string): { regions: Region[]; blockError?: { message: string; line: number } } {
  try {
    const layout = parseBlocks(text);
    if (!layout.marked) return { regions: [] };
    return {
      regions: layout.blocks.map((b) => ({
        kind: 'block' as const,
        name: `block ${b.index + 1}`,
        range: { startLine: b.startLine - 1, startCol: 0, endLine: b.endLine - 1, endCol: 0 },
      })),
    };
  } catch (err) {
    const line = err instanceof BlockError ? err.line : 1;
    return { regions: [], blockError: { message: (err as Error).message, line } };
  }
}

export class DocumentAnalyzer {
  private readonly cache = new Map<string, Analysis>();

  constructor(private readonly grammars: GrammarSet) {}

  async analyze(fileName: string, text: string): Promise<Analysis> {
    const hash = contentHash(text);
    const key = `${grammarFor(fileName) ?? 'plain'}:${hash}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const markers = markerRegions(text);
    const grammar = grammarFor(fileName);
    let regions = markers.regions;
    let syntax: SyntaxProblem[] = [];
    let parsed = false;
    if (grammar) {
      const parser = await this.grammars.parser(grammar);
      const tree = parser.parse(text);
      try {
        syntax = syntaxProblems(tree.rootNode);
        if (regions.length === 0) regions = policyFunctions(tree.rootNode);
        parsed = true;
      } finally {
        tree.delete();
      }
    }
    if (regions.length === 0 && !markers.blockError) regions = [{ kind: 'file', name: fileName, range: { startLine: 0, startCol: 0, endLine: 0, endCol: 0 } }];
    const analysis: Analysis = { hash, regions, syntax, parsed, ...(markers.blockError ? { blockError: markers.blockError } : {}) };
    if (this.cache.size > 256) this.cache.clear();
    this.cache.set(key, analysis);
    return analysis;
  }
}
