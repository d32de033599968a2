// The one list of problem domains. Adding a domain means writing its folder under evaluators/
// (with a descriptor.ts) and adding one `register` line below; everything else that needs to know
// the domains (evaluator lookup and inference, generators per file, sandbox harnesses and the
// build, the editor's file types and pickers, comment syntax) asks this registry.
import { basename } from 'node:path';
import { registerFileType } from '../core/language';
import { UserError } from '../core/user-error';
import { clusterDomain } from '../evaluators/cluster/descriptor';
import { commandDomain } from '../evaluators/command/descriptor';
import { extensionOf, type DomainDescriptor, type DomainGenerator } from '../evaluators/descriptor';
import { faasDomain } from '../evaluators/faas/descriptor';
import { protocolDomain } from '../evaluators/protocol/descriptor';
import type { EvaluatorFactory } from '../evaluators/types';
import { GENERIC_GENERATORS, type GeneratorEntry } from '../generators/registry';
import type { GeneratorFactory } from '../generators/types';
import type { DomainInfo, GeneratorInfo } from '../messages/lsp';
import type { SandboxHarness } from '../sandbox/types';

export class DomainRegistry {
  private readonly list: DomainDescriptor[] = [];

  register(domain: DomainDescriptor): void {
    if (this.list.some((d) => d.id === domain.id)) throw new Error(`domain '${domain.id}' is registered twice`);
    const generic = new Set(GENERIC_GENERATORS.map((g) => g.id));
    const owned = new Map(this.list.flatMap((d) => (d.generators ?? []).map((g) => [g.id, d.id] as const)));
    for (const g of domain.generators ?? []) {
      if (generic.has(g.id) || owned.has(g.id)) throw new Error(`domain '${domain.id}' brings generator '${g.id}', which already exists`);
    }
    const harnesses = new Set(this.harnesses().map((h) => h.name));
    for (const h of domain.harnesses) if (harnesses.has(h.name)) throw new Error(`domain '${domain.id}' brings sandbox harness '${h.name}', which already exists`);
    for (const t of domain.fileTypes ?? []) registerFileType(t.extension, t.language, t.comments);
    this.list.push(domain);
  }

  all(): readonly DomainDescriptor[] {
    return this.list;
  }

  ids(): string[] {
    return this.list.map((d) => d.id);
  }

  get(id: string): DomainDescriptor | undefined {
    return this.list.find((d) => d.id === id);
  }

  /** The domain of an evaluator name; unknown names are the user's mistake. */
  require(id: string): DomainDescriptor {
    const domain = this.get(id);
    if (!domain) throw new UserError(`unknown evaluator '${id}' (available: ${this.ids().join(', ')})`);
    return domain;
  }

  evaluatorFactory(id: string): EvaluatorFactory {
    return this.require(id).createEvaluator;
  }

  /** The domain that claims a file by its name and content, when exactly one does. */
  infer(file: string, code: string): DomainDescriptor {
    const claimants = this.list.filter((d) => d.claims?.(file, code) === true);
    if (claimants.length === 1) return claimants[0] as DomainDescriptor;
    const name = basename(file);
    if (claimants.length > 1) throw new UserError(`${name} could be scored by ${claimants.map((d) => d.id).join(' or ')}: pass --evaluator NAME`);
    throw new UserError(`cannot tell how to score ${name}: pass --evaluator NAME (${this.ids().join(', ')}) or --command "CMD {file}"`);
  }

  /**
   * The other domains that claim a file the domain `id` does not (a cluster policy exporting decide
   * handed to the FaaS simulator): empty when the file may be `id`'s.
   */
  ownersInstead(id: string, file: string, code: string): string[] {
    const domain = this.require(id);
    if (!domain.claims || domain.claims(file, code)) return [];
    return this.list.filter((d) => d.id !== id && d.claims?.(file, code) === true).map((d) => d.id);
  }

  /** Generic generators and every domain's own, by name. */
  generatorFactory(id: string): GeneratorFactory {
    const entry = this.generators().find((g) => g.id === id);
    if (!entry) throw new UserError(`unknown generator '${id}' (available: ${this.generators().map((g) => g.id).join(', ')})`);
    return entry.factory;
  }

  generators(): (GeneratorEntry | DomainGenerator)[] {
    return [...GENERIC_GENERATORS, ...this.list.flatMap((d) => d.generators ?? [])];
  }

  /** Generators that can work on `file` when it is scored by `domainId`. */
  generatorsFor(domainId: string, file: string): string[] {
    const ext = extensionOf(file);
    const works = (extensions: string[]): boolean => extensions.length === 0 || extensions.includes(ext);
    const own = (this.get(domainId)?.generators ?? []).filter((g) => works(g.extensions));
    return [...GENERIC_GENERATORS.filter((g) => works(g.extensions)), ...own].map((g) => g.id);
  }

  /** Harness modules of every domain: the sandbox build bundles each of them. */
  harnesses(): SandboxHarness[] {
    return this.list.flatMap((d) => d.harnesses);
  }

  /** What the editor needs to know, as plain data. */
  describe(): DomainInfo[] {
    const info = (g: GeneratorEntry | DomainGenerator): GeneratorInfo => ({ id: g.id, label: g.label, description: g.description, extensions: [...g.extensions] });
    return this.list.map((d) => {
      const generators = [...GENERIC_GENERATORS, ...(d.generators ?? [])].filter((g) => g.extensions.length === 0 || g.extensions.some((e) => d.extensions.includes(e)));
      const defaults: { [extension: string]: string } = {};
      for (const ext of d.extensions) defaults[ext] = d.defaultGenerator(`file.${ext}`);
      return {
        id: d.id,
        label: d.label,
        description: d.description,
        extensions: [...d.extensions],
        languageIds: [...d.editor.languageIds],
        ...(d.editor.contentPattern ? { contentPattern: d.editor.contentPattern.source } : {}),
        generators: generators.map(info),
        defaultGenerators: defaults,
        needsCommand: d.editor.needsCommand === true,
        selfPlay: d.editor.selfPlay === true,
      };
    });
  }
}

export const domains = new DomainRegistry();
domains.register(faasDomain);
domains.register(protocolDomain);
domains.register(clusterDomain);
domains.register(commandDomain);
