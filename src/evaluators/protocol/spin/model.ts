// Generates the Spin model for one setting. The harness owns everything but the rule table:
// processes, the counter network, crash and Byzantine adversaries, the properties and the
// quiescence checks. A step (take one message, update, fire every enabled rule, send) is one
// d_step whose body is C. With lazy receipts (the default in fault settings; see LAZY_RUNTIME_C)
// a step takes every message needed to reach the process's next threshold at once. The C is
// shared by both flavours:
//  - `interpreter`: the table is read from the PE_TABLE environment variable at start-up, so one
//    compiled pan binary screens every candidate of a setting;
//  - `compiled`: the table is baked in as constants (the certification model a person can read).
// Events are printed only when PE_TRACE is set, which the trail replay does.
import type { ResolvedSetting } from '../model/settings';
import type { RuleTable } from '../model/table';

export type ModelFlavour = 'interpreter' | 'compiled';

export interface ModelOptions {
  setting: ResolvedSetting;
  flavour: ModelFlavour;
  /** Number of message types the model has slots for. */
  typeCount: number;
  /** Required for `compiled`. */
  table?: RuleTable;
  /** Sort the records of interchangeable correct non-senders after every step. */
  symmetry: boolean;
  /** Keep counts of messages that can no longer matter, so receipts before delivering are exact (more states). */
  exactReceipts: boolean;
  /**
   * Take correct messages only when they make the receiver reach its next threshold (see
   * LAZY_RUNTIME_C): the same verdicts with far fewer states. Receipt counts are then the fewest
   * needed, so it cannot be combined with exactReceipts.
   */
  lazyReceipts?: boolean;
}

export const MAX_TABLE_RULES = 32;

/** Property ids shared by the model (`viol`) and the output parser. */
export const PROPERTY_NAMES: Record<number, string> = { 1: 'RB-Validity', 2: 'RB-Agreement', 3: 'RB-Integrity', 4: 'Consistency' };

/** Encodes a table for the interpreter's PE_TABLE variable. */
export function encodeTable(table: RuleTable): string {
  const nums: number[] = [table.rules.length, table.types.length];
  for (const t of table.types) nums.push(t.perValue ? 1 : 0);
  for (const t of table.types) nums.push(t.senderOnly ? 1 : 0);
  for (const r of table.rules) nums.push(r.type, r.k, r.sends.reduce((m, t) => m | (1 << t), 0), r.deliver ? 1 : 0, r.stop ? 1 : 0);
  return nums.join(' ');
}

function cArray(values: number[], size: number): string {
  const padded = [...values, ...new Array(Math.max(0, size - values.length)).fill(0)];
  return `{${padded.join(',')}}`;
}

function tableDecls(o: ModelOptions): string {
  const NT = o.typeCount;
  if (o.flavour === 'interpreter') {
    return `static int R_n;
static int R_type[MAXR], R_k[MAXR], R_send[MAXR], R_dlv[MAXR], R_stop[MAXR];
static int T_pv[NT], T_so[NT];
static void pe_load_table(void) {
  const char *s = getenv("PE_TABLE");
  char *e;
  long v[8 + NT * 2 + MAXR * 5];
  int n = 0, i, nt;
  if (!s) { printf("@@ERR PE_TABLE is not set\\n"); exit(3); }
  while (*s && n < (int)(sizeof(v) / sizeof(v[0]))) {
    long x = strtol(s, &e, 10);
    if (e == s) break;
    v[n++] = x;
    s = e;
  }
  if (n < 2) { printf("@@ERR bad PE_TABLE\\n"); exit(3); }
  R_n = (int) v[0];
  nt = (int) v[1];
  if (nt != NT || R_n > MAXR || n != 2 + 2 * NT + 5 * R_n) { printf("@@ERR PE_TABLE does not fit this model (types %d, rules %d)\\n", nt, R_n); exit(3); }
  for (i = 0; i < NT; i++) { T_pv[i] = (int) v[2 + i]; T_so[i] = (int) v[2 + NT + i]; }
  for (i = 0; i < R_n; i++) {
    long *r = &v[2 + 2 * NT + 5 * i];
    R_type[i] = (int) r[0]; R_k[i] = (int) r[1]; R_send[i] = (int) r[2]; R_dlv[i] = (int) r[3]; R_stop[i] = (int) r[4];
  }
}`;
  }
  const t = o.table as RuleTable;
  const rules = t.rules;
  const describe = rules.map((r, i) => `   * ${i}: ${r.type < 0 ? 'broadcast' : `${t.types[r.type]?.name} from ${t.types[r.type]?.senderOnly ? 'sender' : r.k}`} -> ${[...r.sends.map((s) => `send ${t.types[s]?.name}`), ...(r.deliver ? ['deliver'] : []), ...(r.stop ? ['stop'] : [])].join(', ')}`);
  return `/* The rule table, thresholds evaluated at N = ${o.setting.n}, f = ${o.setting.f}:
${describe.join('\n')}
   * types: ${t.types.map((ty, i) => `${i} ${ty.name}${ty.perValue ? ' (per value)' : ''}${ty.senderOnly ? ' (from sender)' : ''}`).join(', ')}
   */
static const int R_n = ${rules.length};
static const int R_type[MAXR] = ${cArray(rules.map((r) => r.type), MAX_TABLE_RULES)};
static const int R_k[MAXR] = ${cArray(rules.map((r) => r.k), MAX_TABLE_RULES)};
static const int R_send[MAXR] = ${cArray(rules.map((r) => r.sends.reduce((m, s) => m | (1 << s), 0)), MAX_TABLE_RULES)};
static const int R_dlv[MAXR] = ${cArray(rules.map((r) => (r.deliver ? 1 : 0)), MAX_TABLE_RULES)};
static const int R_stop[MAXR] = ${cArray(rules.map((r) => (r.stop ? 1 : 0)), MAX_TABLE_RULES)};
static const int T_pv[NT] = ${cArray(t.types.map((ty) => (ty.perValue ? 1 : 0)), NT)};
static const int T_so[NT] = ${cArray(t.types.map((ty) => (ty.senderOnly ? 1 : 0)), NT)};
static void pe_load_table(void) { }`;
}

export function generateModel(o: ModelOptions): string {
  const s = o.setting;
  const NP = s.n;
  const NT = o.typeCount;
  const NV = s.values;
  const NTV = NT * NV;
  if (o.flavour === 'compiled' && (!o.table || o.table.types.length !== NT)) throw new Error('compiled model needs a table with typeCount types');
  const byz = s.byzantine.length > 0;
  const crash = s.crashes > 0;
  const correct = Array.from({ length: NP }, (_, p) => (s.byzantine.includes(p) ? 0 : 1));
  const correctIds = correct.flatMap((c, p) => (c ? [p] : []));
  const symIds = correctIds.filter((p) => p !== 0);
  const symmetry = o.symmetry && symIds.length > 1;

  const lazy = !!o.lazyReceipts;
  if (lazy && o.exactReceipts) throw new Error('lazy receipts count only the messages a process needs, so they cannot give exact receipt counts');
  // `rel` caches which <type, value> can still matter to the process (a function of its state).
  // Eager: `inb` holds the correct messages in transit to the process. Lazy: `rr` counts the
  // correct messages taken, and the global `ns` how many were sent, so in transit = ns - rr.
  const fields = [lazy ? `byte rr[${NTV}];` : `byte inb[${NTV}];`, `byte rc[${NTV}];`, `byte snt[${NT}];`, 'byte dlv;', 'byte st;', 'short rel;'];
  if (byz) fields.push(`byte byz[${NTV}];`);
  if (crash) fields.push(`byte lnb[${NTV}];`);

  const branches: string[] = [];
  const step = (guard: string, body: string): void => {
    branches.push(`  :: d_step { ${guard} -> c_code { ${body} }; assert(viol == 0) }`);
  };
  if (!s.senderFaulty) {
    step('started == 0', 'pe_bcast(0);');
    if (crash) step(`started == 0 && ncr < ${s.crashes}`, 'pe_bcast(1);');
  }
  // Lazy: one step per way of reaching the next threshold on <k>: nb messages from faulty
  // parties and nl from crashed processes' last broadcasts, the rest from correct broadcasts.
  const maxByz = s.byzantine.length;
  const maxLossy = s.crashes;
  for (const p of lazy ? correctIds : []) {
    for (let k = 0; k < NTV; k++)
      for (let nb = 0; nb <= maxByz; nb++)
        for (let nl = 0; nl <= maxLossy; nl++) {
          const ok = `c_expr { (pe_cross_ok(${p}, ${k}, ${nb}, ${nl})) }`;
          branches.push(`  :: d_step { ${ok} -> c_code { pe_cross(${p}, ${k}, ${nb}, ${nl}, 0); }; assert(viol == 0) }`);
          if (crash) branches.push(`  :: d_step { ncr < ${s.crashes} && ${ok} -> c_code { pe_cross(${p}, ${k}, ${nb}, ${nl}, 1); }; assert(viol == 0) }`);
        }
    if (crash) step(`pr[${p}].st == 0 && ncr < ${s.crashes}`, `pe_silent_crash(${p});`);
  }
  for (const p of lazy ? [] : correctIds) {
    for (let k = 0; k < NTV; k++) {
      step(`pr[${p}].inb[${k}] > 0`, `pe_recv(${p}, ${k}, 0, 0);`);
      if (crash) {
        step(`pr[${p}].inb[${k}] > 0 && ncr < ${s.crashes}`, `pe_recv(${p}, ${k}, 0, 1);`);
        step(`pr[${p}].lnb[${k}] > 0`, `pe_recv(${p}, ${k}, 1, 0);`);
        step(`pr[${p}].lnb[${k}] > 0 && ncr < ${s.crashes}`, `pe_recv(${p}, ${k}, 1, 1);`);
      }
      if (byz) branches.push(`  :: d_step { c_expr { (pe_byz_ok(${p}, ${k})) } -> c_code { pe_byz(${p}, ${k}); }; assert(viol == 0) }`);
    }
    if (crash) step(`pr[${p}].st == 0 && ncr < ${s.crashes}`, `pe_silent_crash(${p});`);
  }

  return `/* Reliable-broadcast harness generated by policy-evolver.
 * Setting ${s.id}: N = ${NP}, f = ${s.f}, ${describeAdversary(s)}.
 * Model: ${o.flavour === 'interpreter' ? 'rule-table interpreter (table from PE_TABLE)' : 'compiled rule table'}${symmetry ? ', symmetry reduction over correct non-senders' : ''}${lazy ? ', messages taken when they reach a threshold' : ''}.
 * Properties (checked by the harness, never by the table): RB-Integrity and Consistency when a
 * process delivers; RB-Validity and RB-Agreement in every quiescent state, i.e. when no correct
 * message that could still change anything is in transit (runs are finite, so "eventually"
 * means "in every final state").
 */
typedef Proc {
  ${fields.join('\n  ')}
};
Proc pr[${NP}];
byte started;
byte ncr;
${lazy ? `byte ns[${NTV}];` : 'short inflight;'}
byte viol;

c_code {
#define NP ${NP}
#define NT ${NT}
#define NV ${NV}
#define NTV ${NTV}
#define MAXR ${MAX_TABLE_RULES}
#define SENDER_FAULTY ${s.senderFaulty ? 1 : 0}
#define NBYZ ${s.byzantine.length}
#define HAS_BYZ ${byz ? 1 : 0}
#define HAS_CRASH ${crash ? 1 : 0}
#define EXACT_RECEIPTS ${o.exactReceipts ? 1 : 0}
#define SYMMETRY ${symmetry ? 1 : 0}
#define LAZY ${lazy ? 1 : 0}
static const int pe_correct[NP] = ${cArray(correct, NP)};
static const int pe_sym[NP] = ${cArray(symIds, NP)};
static const int pe_nsym = ${symIds.length};
${tableDecls(o)}
${RUNTIME_C}
${lazy ? LAZY_RUNTIME_C : ''}
}

active proctype harness() {
  c_code { pe_init(); };
end:
  do
${branches.join('\n')}
  od
}
`;
}

function describeAdversary(s: ResolvedSetting): string {
  switch (s.kind) {
    case 'none':
      return 'no faults';
    case 'crash':
      return `up to ${s.crashes} crash${s.crashes > 1 ? 'es' : ''}`;
    case 'byz-nonsender':
      return `Byzantine non-sender${s.byzantine.length > 1 ? 's' : ''} p${s.byzantine.join(', p')}`;
    case 'byz-sender':
      return `Byzantine sender${s.byzantine.length > 1 ? ` and p${s.byzantine.slice(1).join(', p')}` : ''}`;
  }
}

// The step semantics in C. `now` is pan's current state vector.
const RUNTIME_C = String.raw`
static int pe_trace = 0;
static double pe_max_states = 0;
extern double nstates;
extern void wrapup(void);
static int pe_cur = -1;
static int pe_stopflag = 0;
static long pe_msg_min = -1, pe_msg_max = -1, pe_rcp_min = -1, pe_rcp_max = -1;

static void pe_update_rel(int q);
#if LAZY
static int pe_quiet(void);
static void pe_forget_sent(void);
#endif

static void pe_init(void) {
  const char *t = getenv("PE_TRACE");
  int q;
  const char *m = getenv("PE_MAX_STATES");
  pe_trace = t && *t && *t != '0';
  pe_max_states = m ? atof(m) : 0;
  pe_load_table();
  for (q = 0; q < NP; q++) if (pe_correct[q]) pe_update_rel(q);
}

static int pe_sent(int q, int u, int v) {
  return T_pv[u] ? ((now.pr[q].snt[u] >> v) & 1) : (now.pr[q].snt[u] != 0);
}

/* Does rule r still have something to do at q for value v? */
static int pe_pending(int q, int r, int v) {
  int u;
  if (R_dlv[r] && now.pr[q].dlv == 0) return 1;
  if (R_stop[r] && !(q == pe_cur && pe_stopflag)) return 1;
  for (u = 0; u < NT; u++) if (((R_send[r] >> u) & 1) && !pe_sent(q, u, v)) return 1;
  return 0;
}

/* Can a message <t, v> still change anything at q? Monotone: once false, false forever. */
static int pe_relevant(int q, int t, int v) {
  int r;
  if (now.pr[q].st != 0) return 0;
  for (r = 0; r < R_n; r++) if (R_type[r] == t && pe_pending(q, r, v)) return 1;
  return 0;
}

static void pe_violation(int id, const char *what) {
  int q;
  if (now.viol) return;
  now.viol = id;
  printf("@@VIOL %d %s;", id, what);
  for (q = 0; q < NP; q++) {
    if (!pe_correct[q]) printf(" p%d:faulty", q);
    else if (now.pr[q].st == 2) printf(" p%d:crashed", q);
    else if (now.pr[q].dlv) printf(" p%d:delivered(%d)", q, now.pr[q].dlv - 1);
    else printf(" p%d:-", q);
  }
  printf("\n");
}

static void pe_send(int p, int u, int v, int crashing) {
  int q, k = u * NV + v;
  now.pr[p].snt[u] |= (1 << v);
  if (pe_trace) printf("@@E %s %d %d %d\n", crashing ? "csend" : "send", p, u, v);
#if LAZY
  if (!crashing) now.ns[k]++;
#endif
  for (q = 0; q < NP; q++) {
    if (q == p) {
      /* A process counts its own message, received the moment it is sent. */
      if (pe_relevant(p, u, v)) {
        now.pr[p].rc[k]++;
#if LAZY
        if (!crashing) now.pr[p].rr[k]++;
#endif
      }
      continue;
    }
    if (!pe_correct[q] || !((now.pr[q].rel >> k) & 1)) continue;
#if HAS_CRASH
    if (crashing) { now.pr[q].lnb[k]++; continue; }
#endif
#if !LAZY
    now.pr[q].inb[k]++;
    now.inflight++;
#endif
  }
}

static void pe_deliver(int p, int v) {
  int q;
  now.pr[p].dlv = v + 1;
  if (pe_trace) printf("@@E deliver %d %d\n", p, v);
#if EXACT_RECEIPTS
  {
    long n = 0; int k;
    for (k = 0; k < NTV; k++) n += now.pr[p].rc[k];
    if (pe_rcp_min < 0 || n < pe_rcp_min) { pe_rcp_min = n; printf("@@M rcp_min %ld\n", n); }
    if (n > pe_rcp_max) { pe_rcp_max = n; printf("@@M rcp_max %ld\n", n); }
  }
#endif
  if (!SENDER_FAULTY && v != 0) { pe_violation(3, "a correct process delivered a value the correct sender never sent"); return; }
  for (q = 0; q < NP; q++)
    if (q != p && pe_correct[q] && now.pr[q].st != 2 && now.pr[q].dlv && now.pr[q].dlv != v + 1) {
      pe_violation(4, "two correct processes delivered different values");
      return;
    }
}

static void pe_fire(int p, int r, int v, int crashing) {
  int u;
  if (pe_trace) printf("@@E fire %d %d %d\n", p, r, v);
  for (u = 0; u < NT; u++) if (((R_send[r] >> u) & 1) && !pe_sent(p, u, v)) pe_send(p, u, v, crashing);
  if (R_dlv[r] && now.pr[p].dlv == 0) pe_deliver(p, v);
  if (R_stop[r]) pe_stopflag = 1;
}

/* Fire every enabled rule until nothing changes (rules are monotone, so the result is unique). */
static void pe_settle(int p, int crashing) {
  int changed = 1, r, v;
  while (changed) {
    changed = 0;
    for (r = 0; r < R_n; r++) {
      if (R_type[r] < 0) continue;
      for (v = 0; v < NV; v++)
        if (now.pr[p].rc[R_type[r] * NV + v] >= R_k[r] && pe_pending(p, r, v)) {
          pe_fire(p, r, v, crashing);
          changed = 1;
        }
    }
  }
}

static void pe_clear(int p, int crashed) {
#if LAZY
  if (crashed) { memset(&now.pr[p], 0, sizeof(now.pr[p])); now.pr[p].st = 2; return; }
  memset(now.pr[p].rr, 0, sizeof(now.pr[p].rr));
#else
  int k;
  for (k = 0; k < NTV; k++) now.inflight -= now.pr[p].inb[k];
  if (crashed) { memset(&now.pr[p], 0, sizeof(now.pr[p])); now.pr[p].st = 2; return; }
  memset(now.pr[p].inb, 0, sizeof(now.pr[p].inb));
#endif
  memset(now.pr[p].rc, 0, sizeof(now.pr[p].rc));
#if HAS_CRASH
  memset(now.pr[p].lnb, 0, sizeof(now.pr[p].lnb));
#endif
#if HAS_BYZ
  memset(now.pr[p].byz, 0, sizeof(now.pr[p].byz));
#endif
  now.pr[p].rel = 0;
  now.pr[p].st = 1;
}

static void pe_update_rel(int q) {
  int t, v, rel = 0;
  for (t = 0; t < NT; t++) for (v = 0; v < NV; v++) if (pe_relevant(q, t, v)) rel |= 1 << (t * NV + v);
  now.pr[q].rel = rel;
}

/* Forget what can no longer matter, so equivalent states coincide. */
static void pe_normalize(int p) {
  int t, v, k, anyRel;
  pe_update_rel(p);
  for (t = 0; t < NT; t++) {
    anyRel = 0;
    for (v = 0; v < NV; v++) {
      k = t * NV + v;
      if ((now.pr[p].rel >> k) & 1) { anyRel = 1; continue; }
#if LAZY
      now.pr[p].rr[k] = 0;
#else
      now.inflight -= now.pr[p].inb[k];
      now.pr[p].inb[k] = 0;
#endif
#if !EXACT_RECEIPTS
      now.pr[p].rc[k] = 0;
#endif
#if HAS_CRASH
      now.pr[p].lnb[k] = 0;
#endif
#if HAS_BYZ
      if (T_pv[t]) now.pr[p].byz[k] = 0;
#endif
    }
#if HAS_BYZ
    if (!anyRel) for (v = 0; v < NV; v++) now.pr[p].byz[t * NV + v] = 0;
#endif
  }
}

#if SYMMETRY
/* Correct non-senders are interchangeable: keep their records sorted. */
static void pe_canon(void) {
  int i, j, a, b, changed = 0, perm[NP];
  struct Proc tmp;
  for (i = 0; i < NP; i++) perm[i] = i;
  for (i = 1; i < pe_nsym; i++)
    for (j = i; j > 0; j--) {
      a = pe_sym[j - 1]; b = pe_sym[j];
      if (memcmp(&now.pr[a], &now.pr[b], sizeof(struct Proc)) <= 0) break;
      tmp = now.pr[a]; now.pr[a] = now.pr[b]; now.pr[b] = tmp;
      { int x = perm[a]; perm[a] = perm[b]; perm[b] = x; }
      changed = 1;
    }
  if (pe_trace && changed) {
    printf("@@PERM");
    for (i = 0; i < NP; i++) printf(" %d", perm[i]);
    printf("\n");
  }
}
#endif

static void pe_check_quiescent(void) {
  int q, any = 0, all = 1;
  long msgs = 0;
#if LAZY
  if (now.viol || !pe_quiet()) return;
#else
  if (now.viol || now.inflight != 0) return;
#endif
  if (!now.started && !SENDER_FAULTY) return;
  for (q = 0; q < NP; q++) {
    if (!pe_correct[q] || now.pr[q].st == 2) continue;
    if (now.pr[q].dlv) any = 1; else all = 0;
  }
  if (!SENDER_FAULTY && now.pr[0].st != 2 && !all) { pe_violation(1, "the sender is correct but a correct process never delivers"); return; }
  if (any && !all) { pe_violation(2, "a correct process delivered but another correct process never delivers"); return; }
  for (q = 0; q < NP; q++) {
    int u, v;
    if (!pe_correct[q] || now.pr[q].st == 2) continue;
    for (u = 0; u < NT; u++) for (v = 0; v < NV; v++) if ((now.pr[q].snt[u] >> v) & 1) msgs += NP;
  }
  if (pe_msg_min < 0 || msgs < pe_msg_min) { pe_msg_min = msgs; printf("@@M msg_min %ld\n", msgs); }
  if (msgs > pe_msg_max) { pe_msg_max = msgs; printf("@@M msg_max %ld\n", msgs); }
}

static void pe_end_step(int p, int crashing) {
  if (p >= 0) {
    if (crashing) {
      if (pe_trace) printf("@@E crash %d\n", p);
      pe_clear(p, 1);
      now.ncr++;
    } else if (pe_stopflag) {
      if (pe_trace) printf("@@E stop %d\n", p);
      pe_clear(p, 0);
    } else pe_normalize(p);
  }
  pe_stopflag = 0;
  pe_cur = -1;
#if LAZY
  pe_forget_sent();
#endif
#if SYMMETRY
  pe_canon();
#endif
  pe_check_quiescent();
  /* A budget in stored states stops the search at the same point on every machine, unlike a
   * wall-clock limit; the @@BUDGET line makes the outcome UNKNOWN whatever pan prints next. */
  if (pe_max_states > 0 && nstates >= pe_max_states && !pe_trace) {
    printf("@@BUDGET %.0f\n", nstates);
    wrapup();
  }
}

/* The correct sender's broadcast (crashing: it crashes during it). */
static void pe_bcast(int crashing) {
  int r;
  pe_cur = 0;
  now.started = 1;
  if (pe_trace) printf("@@S\n@@E broadcast 0 0\n");
  for (r = 0; r < R_n; r++) if (R_type[r] < 0) pe_fire(0, r, 0, crashing);
  pe_settle(0, crashing);
  pe_end_step(0, crashing);
}

#if !LAZY
/* q takes one message <k> from a correct process (lossy: from a crashed one's last step). */
static void pe_recv(int q, int k, int lossy, int crashing) {
  pe_cur = q;
#if HAS_CRASH
  if (lossy) now.pr[q].lnb[k]--; else
#endif
  { now.pr[q].inb[k]--; now.inflight--; }
  if (pe_trace) printf("@@S\n@@E %s %d %d %d\n", lossy ? "lrecv" : "recv", q, k / NV, k % NV);
  now.pr[q].rc[k]++;
  pe_settle(q, crashing);
  pe_end_step(q, crashing);
}
#endif

static void pe_silent_crash(int q) {
  pe_cur = q;
  if (pe_trace) printf("@@S\n");
  pe_end_step(q, 1);
}

#if HAS_BYZ && !LAZY
/* May q take a message <k> from a faulty process now? One per type from each faulty party
 * (one per type and value for per-value types), and only types the faulty party could send. */
static int pe_byz_ok(int q, int k) {
  int t = k / NV, b, used = 0, w;
  if (now.viol || !((now.pr[q].rel >> k) & 1)) return 0;
  b = T_so[t] ? SENDER_FAULTY : NBYZ;
  if (b == 0) return 0;
  if (T_pv[t]) used = now.pr[q].byz[k];
  else for (w = 0; w < NV; w++) used += now.pr[q].byz[t * NV + w];
  return used < b;
}

static void pe_byz(int q, int k) {
  pe_cur = q;
  now.pr[q].byz[k]++;
  now.pr[q].rc[k]++;
  if (pe_trace) printf("@@S\n@@E byz %d %d %d\n", q, k / NV, k % NV);
  pe_settle(q, 0);
  pe_end_step(q, 0);
}
#else
static int pe_byz_ok(int q, int k) { return 0; }
#endif
`;

// Lazy receipts. A receipt that takes a process to none of its thresholds changes nothing it
// does, and a message in transit stays available (correct broadcasts reach everyone; a crashed
// process's last messages and a faulty party's quota wait for the receiver), so such receipts can
// be postponed to the step that reaches the next threshold and taken there in one go. Every run of
// the eager model maps to a lazy run with the same sends, deliveries and quiescent outcomes, and
// every lazy run is an eager one; what disappears are the interleavings of receipts that change
// nothing. A quiescent state is one where no live correct process can reach a threshold with the
// correct messages still in transit to it. The mapping needs a process to live on after each step:
// its own message, counted in the step that sends it, can complete a postponed count there, and if
// that step is its last (stop, crash) the eager run acts on the count while the lazy run cannot.
// The harness checks such tables eagerly (lazyReceiptsSound in harness.ts).
const LAZY_RUNTIME_C = String.raw`
static int pe_next_threshold(int q, int k) {
  int t = k / NV, v = k % NV, r, best = 0, c = now.pr[q].rc[k];
  for (r = 0; r < R_n; r++)
    if (R_type[r] == t && R_k[r] > c && (best == 0 || R_k[r] < best) && pe_pending(q, r, v)) best = R_k[r];
  return best;
}

/* Messages <k> the faulty parties may still send q: one per type from each (per type and value for per-value types). */
static int pe_byz_left(int q, int k) {
#if HAS_BYZ
  int t = k / NV, b, used = 0, w;
  b = T_so[t] ? SENDER_FAULTY : NBYZ;
  if (T_pv[t]) used = now.pr[q].byz[k];
  else for (w = 0; w < NV; w++) used += now.pr[q].byz[t * NV + w];
  return b - used;
#else
  return 0;
#endif
}

static int pe_lossy_left(int q, int k) {
#if HAS_CRASH
  return now.pr[q].lnb[k];
#else
  return 0;
#endif
}

/* Can q reach its next threshold on <k> taking nb messages from faulty parties, nl from crashed
 * processes' last broadcasts and the rest from correct broadcasts in transit? */
static int pe_cross_ok(int q, int k, int nb, int nl) {
  int need, nr;
  if (now.viol || now.pr[q].st != 0 || !((now.pr[q].rel >> k) & 1)) return 0;
  if (nb > pe_byz_left(q, k) || nl > pe_lossy_left(q, k)) return 0;
  need = pe_next_threshold(q, k);
  if (need == 0) return 0;
  nr = need - now.pr[q].rc[k] - nb - nl;
  return nr >= 0 && nr <= now.ns[k] - now.pr[q].rr[k];
}

static void pe_cross(int q, int k, int nb, int nl, int crashing) {
  int need = pe_next_threshold(q, k), nr = need - now.pr[q].rc[k] - nb - nl, i;
  pe_cur = q;
  if (pe_trace) {
    /* One chart step per message taken; the last one reaches the threshold and acts. */
    for (i = 0; i < nb; i++) printf("@@S\n@@E byz %d %d %d\n", q, k / NV, k % NV);
    for (i = 0; i < nl; i++) printf("@@S\n@@E lrecv %d %d %d\n", q, k / NV, k % NV);
    for (i = 0; i < nr; i++) printf("@@S\n@@E recv %d %d %d\n", q, k / NV, k % NV);
  }
#if HAS_BYZ
  now.pr[q].byz[k] += nb;
#endif
#if HAS_CRASH
  now.pr[q].lnb[k] -= nl;
#endif
  now.pr[q].rr[k] += nr;
  now.pr[q].rc[k] = need;
  pe_settle(q, crashing);
  pe_end_step(q, crashing);
}

static int pe_quiet(void) {
  int q, k, need;
  for (q = 0; q < NP; q++) {
    if (!pe_correct[q] || now.pr[q].st != 0) continue;
    for (k = 0; k < NTV; k++) {
      if (!((now.pr[q].rel >> k) & 1)) continue;
      need = pe_next_threshold(q, k);
      if (need && now.pr[q].rc[k] + now.ns[k] - now.pr[q].rr[k] >= need) return 0;
    }
  }
  return 1;
}

/* A sent count no live correct process can use any more is forgotten, so equivalent states coincide. */
static void pe_forget_sent(void) {
  int q, k, used;
  for (k = 0; k < NTV; k++) {
    used = 0;
    for (q = 0; q < NP && !used; q++) if (pe_correct[q] && ((now.pr[q].rel >> k) & 1)) used = 1;
    if (!used) now.ns[k] = 0;
  }
}
`;
