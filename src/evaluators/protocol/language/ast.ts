// The rule language's syntax tree. A protocol is a set of message types and threshold-guarded
// rules; positions are kept so errors and diagnostics can point at the text.

export type FaultModel = 'none' | 'crash' | 'byzantine';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'var'; name: 'N' | 'f' }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { kind: 'call'; fn: 'floor' | 'ceil'; arg: Expr };

/** "from at least K" (`>=`, the default) or "from more than K" (`>`). */
export interface Threshold {
  op: '>=' | '>';
  expr: Expr;
}

export type Trigger =
  | { kind: 'broadcast' }
  | { kind: 'sender'; type: string }
  | { kind: 'quorum'; type: string; threshold: Threshold };

export type Action = { kind: 'send'; type: string } | { kind: 'deliver' } | { kind: 'stop' };

/** Comment lines and end-of-line comments kept so the formatter does not lose them. */
export interface Trivia {
  /** Full comment lines (with their `#`) directly above the item, blank lines kept as ''. */
  leading: string[];
  /** End-of-line comment (with its `#`), if any. */
  trailing?: string;
}

export interface MessageDecl {
  name: string;
  /** Sent at most once per value (true) or at most once in total (false). */
  perValue: boolean;
  pos: Position;
  trivia: Trivia;
}

export interface Rule {
  trigger: Trigger;
  actions: Action[];
  pos: Position;
  /** Position of each action, parallel to `actions`. */
  actionPos: Position[];
  /** Position of the message type the trigger reads (parsed rules only), for errors about it. */
  triggerPos?: Position;
  trivia: Trivia;
}

export interface Protocol {
  name: string;
  fault: FaultModel;
  /** k in the resilience condition N > k*f; f = floor((N-1)/k). Absent: the fault model's default. */
  resilience?: number;
  messages: MessageDecl[];
  rules: Rule[];
  /** Trivia of the header lines, in order: protocol, fault, resilience. */
  headerTrivia: { protocol: Trivia; fault: Trivia; resilience?: Trivia };
  /** Comment lines after the last item. */
  trailingComments: string[];
  /** Source order of the items, so formatting keeps comments (and EVOLVE-BLOCK markers) in place. Absent: canonical order. */
  order?: ProtocolItem[];
}

export type ProtocolItem = { kind: 'protocol' | 'fault' | 'resilience' } | { kind: 'message' | 'rule'; index: number };

export const DEFAULT_RESILIENCE: Record<FaultModel, number> = { none: 1, crash: 2, byzantine: 3 };

/** The k of N > k*f in force for a protocol. */
export function resilienceOf(p: Pick<Protocol, 'fault' | 'resilience'>): number {
  return p.resilience ?? DEFAULT_RESILIENCE[p.fault];
}

/** Largest f the protocol claims to tolerate at N processes (0 for fault model `none`). */
export function faultsTolerated(p: Pick<Protocol, 'fault' | 'resilience'>, n: number): number {
  if (p.fault === 'none') return 0;
  return Math.max(0, Math.floor((n - 1) / resilienceOf(p)));
}
