// Scenario files as people read them: one node or task per line, everything else indented.
import { scenarioToJson, type Scenario } from './scenario';

export function formatScenario(scenario: Scenario, schemaRef?: string): string {
  const json = scenarioToJson(scenario);
  const head: Record<string, unknown> = schemaRef ? { $schema: schemaRef } : {};
  const lines: string[] = ['{'];
  const entries = Object.entries({ ...head, ...json });
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if ((key === 'nodes' || key === 'tasks') && Array.isArray(value)) {
      lines.push(`  ${JSON.stringify(key)}: [`);
      value.forEach((item, k) => lines.push(`    ${JSON.stringify(item)}${k < value.length - 1 ? ',' : ''}`));
      lines.push(`  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}`);
    }
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
