// What the editor knows about problem domains: nothing of its own. The build writes the domain
// descriptors' editor view to dist/domains.json, which answers the questions asked before the
// language server runs (is this file worth starting it for, which documents does it see, which
// menus apply); once the server runs, its `policyEvolver/domains` answer replaces it.
import { readFileSync } from 'node:fs';
import type { DomainInfo, GeneratorInfo } from '../messages/lsp';

const extensionOf = (fileName: string): string => {
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  const dot = fileName.lastIndexOf('.');
  return dot > slash ? fileName.slice(dot + 1).toLowerCase() : '';
};

function isDomainInfo(value: unknown): value is DomainInfo {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Partial<DomainInfo>;
  return typeof d.id === 'string' && typeof d.label === 'string' && Array.isArray(d.extensions) && Array.isArray(d.languageIds) && Array.isArray(d.generators);
}

/** Reads the build's copy of the descriptors; a missing or damaged file is reported, not hidden. */
export function readBuiltDomains(path: string): { domains: DomainInfo[]; error?: string } {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!Array.isArray(parsed) || !parsed.every(isDomainInfo)) return { domains: [], error: `${path} does not hold a list of domains (rebuild the extension)` };
    return { domains: parsed };
  } catch (err) {
    return { domains: [], error: `cannot read the domain list ${path}: ${(err as Error).message}` };
  }
}

export class DomainCatalog {
  private list: DomainInfo[];
  private readonly listeners: (() => void)[] = [];

  constructor(domains: DomainInfo[]) {
    this.list = domains;
  }

  /** The server's answer replaces the build's copy. */
  update(domains: DomainInfo[]): void {
    this.list = domains;
    for (const listener of this.listeners) listener();
  }

  onDidChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  all(): readonly DomainInfo[] {
    return this.list;
  }

  /** `.ext` of every file some domain can score, for `resourceExtname in ...` menu clauses. */
  dottedExtensions(): string[] {
    return [...new Set(this.list.flatMap((d) => d.extensions.map((e) => `.${e}`)))];
  }

  languageIds(): string[] {
    return [...new Set(this.list.flatMap((d) => d.languageIds))];
  }

  hasEvolvableExtension(fileName: string): boolean {
    const ext = extensionOf(fileName);
    return ext !== '' && this.list.some((d) => d.extensions.includes(ext));
  }

  /** Cheap check on the host side: a file worth starting the server for. */
  looksEvolvable(fileName: string, text: string): boolean {
    const ext = extensionOf(fileName);
    return this.list.some((d) => d.extensions.includes(ext) && (d.contentPattern === undefined || text.includes('EVOLVE-BLOCK-START') || new RegExp(d.contentPattern).test(text)));
  }

  /** Domains that can score this file (the evaluator picker's choices). */
  domainsFor(fileName: string): DomainInfo[] {
    const ext = extensionOf(fileName);
    return this.list.filter((d) => d.extensions.includes(ext));
  }

  /** Generators that can work on this file when it is scored by `domainId` (any domain when unknown). */
  generatorsFor(fileName: string, domainId?: string): GeneratorInfo[] {
    const ext = extensionOf(fileName);
    const domains = domainId ? this.list.filter((d) => d.id === domainId) : this.domainsFor(fileName);
    const seen = new Map<string, GeneratorInfo>();
    for (const d of domains) for (const g of d.generators) if (g.extensions.length === 0 || g.extensions.includes(ext)) seen.set(g.id, g);
    return [...seen.values()];
  }
}
