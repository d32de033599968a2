// `policyEvolver/domains`: the editor learns file types, generators and capabilities from the
// domain descriptors instead of hard-coding them.
import { domains as registered, type DomainRegistry } from '../app/domains';
import type { DomainInfo } from '../messages/lsp';

export function describeDomains(registry: DomainRegistry = registered): DomainInfo[] {
  return registry.describe();
}
