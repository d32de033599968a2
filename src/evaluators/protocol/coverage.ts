// What a verdict covers, in one line a person can trust: "VERIFIED for N = 4, 5 with f = 1 and
// failure-free N = 3, 4; N = 7 with f = 2 not completed (time limit)". A verdict over several
// settings is only as strong as its weakest required setting; best-effort settings that did not
// complete are named, never silently dropped.
import type { SettingCheck, Verdict } from './verdict';

export interface Coverage {
  verdict: Verdict;
  /** One line naming the settings the verdict covers and those it does not. */
  summary: string;
  /** Setting ids verified. */
  verified: string[];
  /** Setting ids whose search did not complete (or was not run). */
  incomplete: string[];
}

interface Group {
  n: number;
  f: number;
  faults: boolean;
  checks: SettingCheck[];
}

function groups(checks: SettingCheck[]): Group[] {
  const out = new Map<string, Group>();
  for (const c of checks) {
    const faults = !c.setting.startsWith('none:');
    const n = c.n ?? Number(c.setting.split(':')[1]);
    const f = faults ? (c.f ?? 0) : 0;
    const key = `${faults ? 'F' : 'N'}:${f}:${n}`;
    const g = out.get(key) ?? { n, f, faults, checks: [] };
    g.checks.push(c);
    out.set(key, g);
  }
  return [...out.values()].sort((a, b) => Number(a.faults) - Number(b.faults) || a.f - b.f || a.n - b.n);
}

/** "N = 4, 5 with f = 1; N = 7 with f = 2 and failure-free N = 3, 4" for the groups given. */
function sizes(gs: Group[]): string {
  const parts: string[] = [];
  const byF = new Map<number, number[]>();
  for (const g of gs.filter((x) => x.faults)) byF.set(g.f, [...(byF.get(g.f) ?? []), g.n]);
  for (const [f, ns] of byF) parts.push(`N = ${ns.join(', ')} with f = ${f}`);
  const ff = gs.filter((x) => !x.faults).map((x) => x.n);
  const faultText = parts.join('; ');
  if (!ff.length) return faultText;
  return faultText ? `${faultText} and failure-free N = ${ff.join(', ')}` : `failure-free N = ${ff.join(', ')}`;
}

function why(c: SettingCheck): string {
  if (c.skipped) return 'not run';
  switch (c.limitHit) {
    case 'time':
      return 'time limit';
    case 'memory':
      return 'memory limit';
    case 'states':
      return 'state budget';
    case 'depth':
      return 'depth limit';
    case 'lossy':
      return 'lossy search';
    default:
      return c.reason ?? 'inconclusive';
  }
}

function describe(g: Group): string {
  return g.faults ? `N = ${g.n} with f = ${g.f}` : `failure-free N = ${g.n}`;
}

export function coverageOf(checks: SettingCheck[], beyondModel: string[] = []): Coverage {
  const verified = checks.filter((c) => c.verdict === 'VERIFIED').map((c) => c.setting);
  const incomplete = checks.filter((c) => c.verdict === 'UNKNOWN').map((c) => c.setting);
  const gs = groups(checks);
  const fullyVerified = gs.filter((g) => g.checks.every((c) => c.verdict === 'VERIFIED'));
  const openGroups = gs.filter((g) => g.checks.some((c) => c.verdict === 'UNKNOWN') && !g.checks.some((c) => c.verdict === 'VIOLATED' || c.verdict === 'INVALID'));
  const openText = openGroups
    .map((g) => {
      const reasons = [...new Set(g.checks.filter((c) => c.verdict === 'UNKNOWN').map(why))];
      return `${describe(g)} not completed (${reasons.join(', ')})`;
    })
    .join('; ');
  const beyond = beyondModel.length ? `${beyondModel.join('; ')} beyond the sizes the harness models` : '';
  const tail = (...xs: string[]): string => xs.filter(Boolean).map((x) => `; ${x}`).join('');
  const verifiedText = fullyVerified.length ? `verified for ${sizes(fullyVerified)}` : '';

  const invalid = checks.find((c) => c.verdict === 'INVALID');
  if (invalid) return { verdict: 'INVALID', summary: `INVALID at ${invalid.setting}: ${invalid.reason ?? 'tool error'}`, verified, incomplete };
  const violated = checks.find((c) => c.verdict === 'VIOLATED');
  if (violated) {
    const g = gs.find((x) => x.checks.includes(violated)) as Group;
    return { verdict: 'VIOLATED', summary: `VIOLATED ${violated.property ?? 'a property'} at ${describe(g)} (${violated.setting})${tail(verifiedText)}`, verified, incomplete };
  }
  const requiredOpen = checks.some((c) => c.verdict !== 'VERIFIED' && !c.bestEffort);
  if (requiredOpen || !verified.length) {
    return { verdict: 'UNKNOWN', summary: `UNKNOWN: ${openText || 'nothing was checked'}${tail(verifiedText, beyond)}`, verified, incomplete };
  }
  return { verdict: 'VERIFIED', summary: `VERIFIED for ${sizes(fullyVerified)}${tail(openText, beyond)}`, verified, incomplete };
}
