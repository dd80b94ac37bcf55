/**
 * A conflict-driven clause-learning SAT solver (MiniSat's design: two watched literals, first-UIP
 * learning with clause minimisation, VSIDS, phase saving, Luby restarts, activity-based clause
 * deletion), incremental, with **assumptions and failed-assumption cores**.
 *
 * pthbs used logic-solver's MiniSat first; it runs in a fixed 64 MiB emscripten heap, accepts one
 * assumption per call and reports no core, so core-guided optimisation and fast explanations were
 * out of reach and large cones aborted with "Cannot enlarge memory arrays". This engine has no
 * fixed heap, takes any number of assumptions and says which of them failed. It is the default
 * `SatEngine` (`engine.ts`); MiniSat stays as the second one, which cross-checks it
 * (`logic-solver-engine.ts`, `testing/cross-check.ts`).
 *
 * Literals are integers: variable `v` (0-based) is `2v` positive and `2v + 1` negative, so `l ^ 1`
 * negates.
 */

import {
  emptyStats,
  type Lit,
  Model,
  neg,
  type SatEngine,
  type SatResult,
  type SatStats,
} from "./engine.js";

export { type Lit, lit, Model, neg, type SatResult, type SatStats } from "./engine.js";

/**
 * A clause: its offset in the arena, where it is stored as `[size, flags, learnt id, ...literals]`
 * (one flat `Int32Array`: propagation reads literals without visiting an object per clause).
 */
type Clause = number;
const NO_CLAUSE = -1;
const HEADER = 3;
const LEARNT = 1;
const REMOVED = 2;

const UNDEF = 0;
const TRUE = 1;
const FALSE = -1;
/** Backjumps over more levels than this backtrack chronologically instead (see `search`). */
const CHRONO = 0;

/**
 * An incremental SAT solver. Add clauses, then `solve(assumptions)`; after "sat" read `value` or
 * `model`, after "unsat" read `core` (the failed assumptions: a subset that is unsatisfiable with
 * the clauses; empty when the clauses alone are).
 */
export class SatSolver implements SatEngine {
  /** This engine's name for `--engine`. */
  readonly name = "cdcl";
  private nVars = 0;
  /** Truth value per literal (1 true, -1 false, 0 unassigned); both polarities kept in step. */
  private vals = new Int8Array(0);
  private levels = new Int32Array(0);
  private reasons = new Int32Array(0);
  private arena = new Int32Array(1 << 16);
  private arenaTop = 0;
  /** `addClause`'s working copy of a clause. */
  private scratch = new Int32Array(64);
  /** Activity of each learnt clause, by its learnt id (arena header). */
  private clauseActivity = new Float64Array(1024);
  private learntIds = 0;
  private activity = new Float64Array(0);
  private phase = new Uint8Array(0);
  private seen = new Uint8Array(0);
  /**
   * Watch lists. Per literal p: the clauses to visit when p becomes true (they hold ¬p among
   * their first two), each followed by a blocker, another of its literals: when it is true the
   * clause is skipped. All lists live in one pool, p's at `watchStart[p]`, `watchLength[p]`
   * numbers long in `watchCapacity[p]` slots; a full list moves to the pool's end (the slots it
   * leaves are reclaimed by `compactWatches`). A JavaScript array per literal cost two or three
   * dependent cache misses per propagated literal before its first clause was read.
   */
  private watchPool = new Int32Array(1 << 16);
  private watchTop = 0;
  private watchWasted = 0;
  private watchStart = new Int32Array(0);
  private watchLength = new Int32Array(0);
  private watchCapacity = new Int32Array(0);
  /**
   * Binary clauses, apart (they never move their watches): per literal p, for each binary clause
   * holding ¬p, its other literal then the clause (a reason), interleaved in one array.
   * Propagating them reads no clause, and a reason's implied literal may be either of its two.
   * A map, not an array by literal: most pairs are compiled before any is listed, and an array
   * as long as the literals was a megabyte made and filled for nothing.
   */
  private readonly binary = new Map<Lit, number[]>();
  /**
   * The same lists compiled into one array (`compileBinaries`): literal p's pairs are
   * `binaryData[binaryStart[p]]` … `binaryData[binaryStart[p + 1] - 1]`, and `binary.get(p)`
   * then holds only what was added since. A list per literal is an object of its own somewhere in the
   * heap, and reaching it cost a cache miss or three per propagated literal (most of the time
   * propagation took); the compiled runs are read in one sweep.
   */
  private binaryStart = new Int32Array(1);
  private binaryData = new Int32Array(0);
  /** Per literal, whether `binary` holds pairs added since the last compilation. */
  private binaryPending = new Uint8Array(0);
  /**
   * How many numbers the pairs added since the last compilation take (four per binary clause,
   * whether listed in `binary` or still waiting in `edges`), to know when to compile.
   */
  private pendingBinaries = 0;
  /**
   * The binary clauses added since the last propagation, by their arena offset (a clause's two
   * implications are read from its literals there, which never move): the encoder adds a hundred
   * thousand of them before the first propagation, and growing a small array per literal for
   * them was a tenth of encoding (allocation and its collection). `flushEdges` hands them to the
   * compiled arrays or to `binary`. One number per clause rather than its two (p, other, clause)
   * triples: six times less memory, whose first touch costs here (see `reserve`).
   */
  private edges = new Int32Array(1 << 10);
  private edgeTop = 0;
  /**
   * Long clauses stored but not watched yet, in the order stored: the encoder's 30,000–80,000
   * are watched in one pass when the solver first needs them (`flushWatches`), where a `watch`
   * each (a list grown by doubling, moved to the pool's end each time, in code that runs once)
   * took a tenth of encoding. Watch lists come out the same, in the same order.
   */
  private watchQueue = new Int32Array(1 << 10);
  private watchQueueTop = 0;
  /** The assigned literals in order (`trailTop` of them; a variable is on it at most once). */
  private trail = new Int32Array(0);
  private trailTop = 0;
  /**
   * The current decision level, and per level (typed arrays that only grow: a plain array
   * trimmed at each backjump over thousands of assumption levels and grown again was a quarter
   * of the garbage of `solve()` at cone 2,000) where it starts on the trail (`levelStart`) and
   * where the cursors stood when it was opened (`levelOrder`, `levelScope`, `levelRest`,
   * `levelAfter`).
   */
  private level = 0;
  private levelStart = new Int32Array(64);
  /** `cancelUntil`'s literals kept below their position (sized as the trail). */
  private keptOnTrail = new Int32Array(0);
  private qhead = 0;
  private nClauses = 0;
  private learnts: Clause[] = [];
  private readonly heap = new VarHeap(() => this.activity);
  /**
   * Whether the VSIDS heap holds the variables. It is built on first use (`useHeap`): with a
   * decision order (`addDecisionGroup`) it never is, and the encoder's tens of thousands of
   * variables are not sifted into a heap no decision reads.
   */
  private heapBuilt = false;
  private varInc = 1;
  private clauseInc = 1;
  private maxLearnts = 0;
  private ok = true;
  private lastModel = new Int8Array(0);
  private lastCore: Lit[] = [];
  private readonly skipped = new Set<Lit>();
  private skipFixed = false;
  /** `solveCores`: the disjoint cores found so far in this call, and their assumptions. */
  private collecting = false;
  /** `stats.decisions` when this call began: whether it has decided since (see `search`). */
  private decided = 0;
  private foundCores: Lit[][] = [];
  private readonly inCores = new Set<Lit>();
  private previousAssumptions: readonly Lit[] = [];
  private scope: readonly number[] | undefined;
  private scopeNext = 0;
  private readonly order: DecisionGroup[] = [];

  private orderNext = 0;
  /**
   * `orderNext` as each level was opened: the groups before it were settled by assignments at
   * lower levels, so a backjump resumes the order there instead of rescanning every group (a
   * rescan per conflict took a fifth of the first solve at cone 2,000).
   */
  private levelOrder = new Int32Array(64);
  /** `scopeNext` as each level was opened (the same reasoning). */
  private levelScope = new Int32Array(64);
  /**
   * With a decision order, the variables it leaves open (cost counters, auxiliaries) are decided
   * by index from this cursor (`pickRest`), kept per level as the order's is, instead of VSIDS: the
   * heap's pops and re-insertions of every variable cost more than a whole optimisation step.
   */
  private restNext = 0;
  private levelRest = new Int32Array(64);
  /**
   * Whether the groups' `afterwards` wait for a second pass over the order (`pickOrdered`), and
   * that pass's cursor, kept per level as the first pass's is.
   */
  private afterwardsLast = false;
  private afterNext = 0;
  private levelAfter = new Int32Array(64);
  /** Literals a probe without conflict made true (`refutes`), valid while `probeStamp` holds. */
  private probeSafe = new Uint8Array(0);
  private readonly probedTrue: Lit[] = [];
  private probeStamp = -1;
  /** Level-0 assignments when the clauses were last simplified (`simplify`). */
  private simplifiedAt = 0;
  /** Counters since creation. */
  readonly stats: SatStats = emptyStats();

  /** A fresh variable's index (names are the circuit's business here: unused). */
  newVar(_name?: string): number {
    const v = this.nVars++;
    this.ensureCapacity(this.nVars);
    if (this.heapBuilt) this.heap.insert(v);
    this.stats.variables = this.nVars;
    return v;
  }

  /**
   * Sizes the variable arrays, the clause arena and the pending binary clauses for an encoding
   * of about this size (an encoding's clauses take about five arena entries each, most being
   * binary): doubling them from small sizes copied megabytes a dozen times, and each first
   * touch of a 4 KiB page costs about 10 µs on this project's VMs.
   */
  reserve(variables: number, clauses: number): void {
    this.ensureCapacity(variables);
    if (5 * clauses > this.arena.length) this.growArena(5 * clauses);
    if (this.edgeTop + clauses > this.edges.length) this.growEdges(this.edgeTop + clauses);
  }

  /** Number of variables. */
  get variables(): number {
    return this.nVars;
  }

  /**
   * Adds a clause (a disjunction of literals): the first `size` of `input` (all by default; the
   * literals are copied). Returns false once the clauses are known to be unsatisfiable whatever
   * the assumptions.
   */
  addClause(input: readonly Lit[], size = input.length): boolean {
    if (!this.ok) return false;
    if (this.level > 0 && this.attachAbove(input.slice(0, size))) return true;
    this.cancelUntil(0);
    // Sorted by insertion (clauses are short), then duplicates and false literals dropped, in a
    // scratch array: the encoder adds hundreds of thousands of clauses, garbage for each cost.
    if (this.scratch.length < size) this.scratch = new Int32Array(2 * size);
    const lits = this.scratch;
    for (let i = 0; i < size; i++) {
      const l = input[i]!;
      let j = i;
      while (j > 0 && lits[j - 1]! > l) {
        lits[j] = lits[j - 1]!;
        j--;
      }
      lits[j] = l;
    }
    let n = 0;
    for (let i = 0; i < size; i++) {
      const l = lits[i]!;
      const value = this.vals[l]!;
      const last = n > 0 ? lits[n - 1] : -1;
      if (value === TRUE || last === neg(l)) return true; // satisfied or tautology
      if (value === FALSE || last === l) continue;
      lits[n++] = l;
    }
    if (n === 0) {
      this.ok = false;
      return false;
    }
    if (n === 1) {
      this.assign(lits[0]!, NO_CLAUSE);
      this.ok = this.propagate() === NO_CLAUSE;
      return this.ok;
    }
    this.store(lits, false, n);
    return true;
  }

  /**
   * Adds unit clauses, with one propagation for all of them rather than one each (the optimiser
   * pins thousands of assumptions at once). False when they contradict the clauses.
   */
  addUnits(units: readonly Lit[]): boolean {
    if (!this.ok) return false;
    this.cancelUntil(0);
    for (let i = 0; i < units.length; i++) {
      const l = units[i]!;
      const value = this.vals[l];
      if (value === TRUE) continue;
      if (value === FALSE) {
        this.ok = false;
        return false;
      }
      this.assign(l, NO_CLAUSE);
    }
    this.ok = this.propagate() === NO_CLAUSE;
    return this.ok;
  }

  /**
   * `addClause([a, b])` without an array: most of the encoder's clauses have two literals, and
   * their garbage was a fifth of encoding time. Stored as `addClause` would store it.
   */
  addBinary(a: Lit, b: Lit): boolean {
    if (!this.ok) return false;
    if (this.level > 0 || a === b) return this.addClause([a, b]);
    const va = this.vals[a]!;
    const vb = this.vals[b]!;
    if (va === TRUE || vb === TRUE || a === (b ^ 1)) return true;
    if (va === FALSE || vb === FALSE) return this.addClause([a, b]);
    // `store` and `attach` for a binary clause, in one call: the encoder adds about 100,000 of
    // them once per process, mostly before V8 compiles this, where each call costs.
    const lo = a < b ? a : b;
    const hi = a ^ b ^ lo;
    const c = this.arenaTop;
    if (c + HEADER + 2 > this.arena.length) this.growArena(c + HEADER + 2);
    const arena = this.arena;
    arena[c] = 2;
    arena[c + 1] = 0;
    arena[c + 2] = -1;
    arena[c + HEADER] = lo;
    arena[c + HEADER + 1] = hi;
    this.arenaTop = c + HEADER + 2;
    this.nClauses++;
    this.stats.clauses++;
    if (this.edgeTop === this.edges.length) this.growEdges();
    this.edges[this.edgeTop++] = c;
    this.pendingBinaries += 4;
    return true;
  }

  /**
   * Failed-literal probing: whether unit propagation alone refutes `l` (then `¬l` becomes a
   * fact). Costs only `l`'s implications, not a search: the optimiser uses it to find the many
   * one-literal cores ("this package cannot be at its newest version") without a solver call each.
   */
  refutes(l: Lit): boolean {
    if (!this.ok) return true;
    this.cancelUntil(0);
    if (this.propagate() !== NO_CLAUSE) {
      this.ok = false;
      return true;
    }
    this.simplifyIfWorth();
    const value = this.vals[l]!;
    if (value !== UNDEF) return value === FALSE;
    // A literal that a probe without conflict made true propagates a subset of what that probe
    // did: no conflict either, as long as no clause or fact came since (`probeStamp`).
    if (this.probeStamp !== this.arenaTop * 4 + this.trailTop) {
      const probed = this.probedTrue;
      for (let i = 0; i < probed.length; i++) this.probeSafe[probed[i]!] = 0;
      this.probedTrue.length = 0;
    }
    if (this.probeSafe[l]) return false;
    this.newLevel();
    this.assign(l, NO_CLAUSE);
    const conflict = this.propagate();
    if (conflict === NO_CLAUSE)
      for (let i = this.levelStart[0]!; i < this.trailTop; i++) {
        const x = this.trail[i]!;
        this.probeSafe[x] = 1;
        this.probedTrue.push(x);
      }
    this.cancelUntil(0);
    this.probeStamp = this.arenaTop * 4 + this.trailTop;
    if (conflict === NO_CLAUSE) return false;
    this.addClause([neg(l)]);
    return true;
  }

  /**
   * Adds a clause while keeping the current assignment, when two of its literals are not false:
   * watching those two holds after any backjump, so the next call can keep its assumptions (the
   * optimiser adds totalizer clauses and pins between calls). False when it cannot.
   */
  private attachAbove(input: readonly Lit[]): boolean {
    const lits = [...new Set(input)];
    if (lits.some((l) => lits.includes(l ^ 1))) return true; // a tautology adds nothing
    let open = lits.filter((l) => this.vals[l] !== FALSE);
    if (open.length < 2) {
      // Backjump just far enough to free the latest false literals (not to level 0).
      const latest = Math.max(
        0,
        ...lits.filter((l) => this.vals[l] === FALSE).map((l) => this.levels[l >> 1]!),
      );
      if (latest === 0) return false;
      this.cancelUntil(latest - 1);
      open = lits.filter((l) => this.vals[l] !== FALSE);
      if (open.length < 2) return false;
    }
    const [a, b] = open as [Lit, Lit];
    this.store([a, b, ...lits.filter((l) => l !== a && l !== b)], false);
    return true;
  }

  /** Whether enough variables were fixed since the last `simplify` to make it pay. */
  private worthSimplifying(): boolean {
    const fixed = this.level > 0 ? this.levelStart[0]! : this.trailTop;
    return fixed - this.simplifiedAt > Math.max(1000, this.nVars / 8);
  }

  /** `simplify` when it pays (at level 0, everything propagated). */
  private simplifyIfWorth(): void {
    if (this.ok && this.level === 0 && this.worthSimplifying()) this.simplify();
  }

  /**
   * MiniSat's `simplifyDB`, at level 0: forgets every clause a fact satisfies. Pinning each
   * optimum fixes thousands of variables (at cone 2,000, after `deprecated` half of the clauses
   * are satisfied, after `version-age` nine tenths), and propagation would otherwise walk past
   * them at every call of the next criterion. A clause that is not satisfied watches two open
   * literals, so the watch lists of fixed literals hold only satisfied clauses: they are emptied.
   */
  private simplify(): void {
    this.flushWatches();
    const arena = this.arena;
    const vals = this.vals;
    if (this.edgeTop > 0) this.flushEdges();
    // Facts need no reasons: analysis never looks behind level 0.
    for (let i = 0; i < this.trailTop; i++) this.reasons[this.trail[i]! >> 1] = NO_CLAUSE;
    for (let c = 0; c < this.arenaTop; c += HEADER + arena[c]!) {
      if (arena[c + 1]! & REMOVED || arena[c] === 2) continue;
      const end = c + HEADER + arena[c]!;
      for (let k = c + HEADER; k < end; k++)
        if (vals[arena[k]!] === TRUE) {
          arena[c + 1]! |= REMOVED;
          if (!(arena[c + 1]! & LEARNT)) this.nClauses--;
          break;
        }
    }
    this.learnts = this.learnts.filter((c) => !(arena[c + 1]! & REMOVED));
    for (let p = 0; p < 2 * this.nVars; p++) {
      // An open literal's list keeps its satisfied clauses: one of their literals is true for
      // good, so they never imply or conflict, and propagation moves a watch onto that literal
      // the first time it visits one. Sweeping every list here (a cache miss per clause) cost
      // more than those visits.
      if (vals[p] !== UNDEF) this.watchLength[p] = 0;
    }
    // A binary clause of an open literal is satisfied exactly when its other literal is true.
    this.binary.forEach((pending, p) => {
      let j = 0;
      for (let k = 0; k < pending.length; k += 2)
        if (vals[p] === UNDEF && vals[pending[k]!] !== TRUE) {
          pending[j++] = pending[k]!;
          pending[j++] = pending[k + 1]!;
        }
      if (j < pending.length) pending.length = j;
    });
    // The compiled pairs of fixed literals are never read again (a fixed literal is not
    // propagated twice): recompiling every pair at each simplification cost more than it saved.
    if (this.pendingBinaries > Math.max(4096, this.binaryData.length / 8)) this.compileBinaries();
    if (this.watchWasted > this.watchTop / 2) this.compactWatches();
    this.simplifiedAt = this.trailTop;
  }

  /** Merges the binary clauses added since the last compilation into `binaryData`. */
  private compileBinaries(): void {
    const lits = 2 * this.nVars;
    const oldStart = this.binaryStart;
    const oldData = this.binaryData;
    const oldLits = oldStart.length - 1;
    const vals = this.vals;
    // At level 0, the pairs of satisfied clauses are left out (see `simplify`).
    const atRoot = this.level === 0;
    const kept = (p: Lit, other: Lit) => !atRoot || (vals[p] === UNDEF && vals[other] !== TRUE);
    // The pairs of the clauses still in `edges` go after each literal's older pairs: counted
    // first, then each literal's run reserved (`room` becomes its fill cursor), then placed in
    // insertion order.
    const edges = this.edges;
    const arena = this.arena;
    const room = new Int32Array(lits);
    for (let e = 0; e < this.edgeTop; e++) {
      const c = edges[e]!;
      room[arena[c + HEADER]! ^ 1]! += 2;
      room[arena[c + HEADER + 1]! ^ 1]! += 2;
    }
    const start = new Int32Array(lits + 1);
    const data = new Int32Array(oldData.length + this.pendingBinaries);
    let at = 0;
    for (let l = 0; l < lits; l++) {
      start[l] = at;
      if (l < oldLits)
        for (let k = oldStart[l]!; k < oldStart[l + 1]!; k += 2)
          if (kept(l, oldData[k]!)) {
            data[at++] = oldData[k]!;
            data[at++] = oldData[k + 1]!;
          }
      const pending = this.binaryPending[l] === 1 ? this.binary.get(l) : undefined;
      if (pending !== undefined) for (let k = 0; k < pending.length; k++) data[at++] = pending[k]!;
      const reserved = room[l]!;
      room[l] = at;
      at += reserved;
    }
    for (let e = 0; e < this.edgeTop; e++) {
      const c = edges[e]!;
      const a = arena[c + HEADER]!;
      const b = arena[c + HEADER + 1]!;
      data[room[a ^ 1]!++] = b;
      data[room[a ^ 1]!++] = c;
      data[room[b ^ 1]!++] = a;
      data[room[b ^ 1]!++] = c;
    }
    this.edgeTop = 0;
    start[lits] = at;
    this.binaryStart = start;
    this.binaryData = data.subarray(0, at);
    this.binaryPending.fill(0);
    this.binary.clear();
    this.pendingBinaries = 0;
  }

  /** Stores and watches a clause, its first `length` literals (the first two are watched). */
  private store(lits: ArrayLike<Lit>, learnt: boolean, length = lits.length): Clause {
    const c = this.arenaTop;
    if (c + HEADER + length > this.arena.length) this.growArena(c + HEADER + length);
    const arena = this.arena;
    arena[c] = length;
    arena[c + 1] = learnt ? LEARNT : 0;
    arena[c + 2] = -1;
    for (let k = 0; k < length; k++) arena[c + HEADER + k] = lits[k]!;
    this.arenaTop = c + HEADER + length;
    if (learnt) {
      const id = this.learntIds++;
      if (id >= this.clauseActivity.length) {
        const next = new Float64Array(2 * this.clauseActivity.length);
        next.set(this.clauseActivity);
        this.clauseActivity = next;
      }
      this.clauseActivity[id] = 0;
      arena[c + 2] = id;
      this.learnts.push(c);
      this.stats.learnts++;
    } else {
      this.nClauses++;
      this.stats.clauses++;
    }
    this.attach(c);
    return c;
  }

  /** A clause's literals, as a view into the arena (valid until the next clause is stored). */
  private litsOf(c: Clause): Int32Array {
    return this.arena.subarray(c + HEADER, c + HEADER + this.arena[c]!);
  }

  /** Sets the preferred polarity of a variable's next decisions (solution-guided search). */
  setPhase(l: Lit): void {
    this.phase[l >> 1] = l & 1;
  }

  /**
   * Searches for an assignment satisfying the clauses and the assumptions. With a conflict
   * budget, gives up with "unknown" after that many conflicts. With `skipFixed`, an assumption
   * that the clauses alone refute is dropped instead of ending the call (it is listed in
   * `skippedAssumptions`): one call then finds every such one-literal core.
   *
   * With a `scope` (variable indices), only those variables are decided, in the order given, and
   * "sat" is answered once they all have a value: the variables left unassigned read as false in
   * the model. The caller guarantees that false is safe for them (every clause with a variable
   * outside the scope is satisfied by setting such variables false — a package outside the
   * dependency closure of what is assumed); a distribution-wide installability check then costs
   * each package its closure, not the 60,000 variables of the whole distribution.
   */
  solve(
    assumptions: readonly Lit[] = [],
    budget = Number.POSITIVE_INFINITY,
    skipFixed = false,
    scope?: readonly number[],
  ): SatResult {
    this.stats.solves++;
    this.lastCore = [];
    this.skipped.clear();
    this.foundCores = [];
    this.inCores.clear();

    this.skipFixed = skipFixed;
    this.scope = scope;
    // A new scope is decided from its start (the kept levels were opened under another one).
    this.scopeNext = 0;
    this.levelScope.fill(0, 0, this.level);
    this.restNext = 0;
    this.levelRest.fill(0, 0, this.level);
    this.afterNext = 0;
    this.levelAfter.fill(0, 0, this.level);
    // The optimiser's calls decide the options after every package's presence and version (see
    // `pickOrdered`); a plain `solve` (the first model, explanations, checks) keeps them with
    // their package. The cursors kept with the assumptions' levels are the same in both modes:
    // those levels are opened before any decision of the order.
    this.afterwardsLast = this.collecting;
    if (!this.ok) return "unsat";
    // Keep the levels of the assumptions this call shares with the last one (still true): an
    // optimisation step then costs what changed, not a pass over the whole problem.
    const previous = this.previousAssumptions;
    let keep = 0;
    const most = Math.min(previous.length, assumptions.length, this.level);
    while (
      keep < most &&
      previous[keep] === assumptions[keep] &&
      this.vals[assumptions[keep]!] === TRUE
    )
      keep++;
    this.previousAssumptions = [...assumptions];
    if (this.worthSimplifying()) keep = 0;
    this.cancelUntil(keep);
    if (this.propagate() !== NO_CLAUSE) {
      this.cancelUntil(0);
      if (this.propagate() !== NO_CLAUSE) {
        this.ok = false;
        return "unsat";
      }
    }
    if (keep === 0) this.simplifyIfWorth();
    if (this.pendingBinaries > Math.max(4096, this.binaryData.length / 8)) this.compileBinaries();
    if (this.watchWasted > this.watchTop / 2) this.compactWatches();
    this.maxLearnts = Math.max(this.maxLearnts, this.nClauses / 3, 1000);
    const start = this.stats.conflicts;
    this.decided = this.stats.decisions;
    // Under a decision order a restart re-makes the same decisions (the order is fixed, VSIDS is
    // not used): it only re-propagated the whole problem — 60 % of the first solve's work at
    // cone 2,000. Restarts stay, rarely, to tidy what chronological backtracking leaves.
    const restartUnit = this.order.length > 0 ? 10_000 : 100;
    let result: SatResult = "unknown";
    for (let restart = 0; result === "unknown"; restart++) {
      const remaining = budget - (this.stats.conflicts - start);
      if (remaining <= 0) break;
      result = this.search(Math.min(luby(restart) * restartUnit, remaining), assumptions);
      this.stats.restarts++;
    }
    // Keep the assumptions' levels for the next call; free decisions are dropped.
    this.cancelUntil(result === "unknown" ? 0 : Math.min(assumptions.length, this.level));
    return result;
  }

  /**
   * `solve(assumptions, ∞, true)`, except that an assumption found false does not end the call:
   * its core is kept (`cores`) when it shares no assumption with the cores kept before, the
   * assumption is passed over, and the search goes on with the next one. One pass over the
   * assumptions then yields a set of disjoint cores — each raises the optimiser's bound on its
   * own — where a call per core re-propagated most of the assumptions each time. "unsat" when
   * it found at least one core.
   */
  solveCores(assumptions: readonly Lit[]): SatResult {
    this.collecting = true;
    try {
      return this.solve(assumptions, Number.POSITIVE_INFINITY, true);
    } finally {
      this.collecting = false;
    }
  }

  /** `solve` deciding only `scope` (see `solve`). */
  solveInScope(assumptions: readonly Lit[], scope: readonly number[]): SatResult {
    return this.solve(assumptions, Number.POSITIVE_INFINITY, false, scope);
  }

  /** The disjoint cores the last `solveCores` call found. */
  get cores(): readonly (readonly Lit[])[] {
    return this.foundCores;
  }

  /** The value of a literal in the last model (after "sat"). */
  value(l: Lit): boolean {
    const v = this.lastModel[l >> 1]!;
    return (l & 1) === 0 ? v === TRUE : v === FALSE;
  }

  /** A copy of the last model, one entry per variable (true/false). */
  model(): Model {
    return new Model(this.lastModel.slice());
  }

  /** The assumptions the last call dropped because the clauses refute them (see `solve`). */
  get skippedAssumptions(): readonly Lit[] {
    return [...this.skipped];
  }

  /** The failed assumptions of the last "unsat" answer. */
  get core(): readonly Lit[] {
    return this.lastCore;
  }

  // --- search -------------------------------------------------------------------------------

  private search(conflictLimit: number, assumptions: readonly Lit[]): SatResult {
    let conflicts = 0;
    for (;;) {
      const conflict = this.propagate();
      if (conflict !== NO_CLAUSE) {
        this.stats.conflicts++;
        conflicts++;
        const high = this.conflictLevel(conflict);
        if (high === 0) {
          this.ok = false;
          return "unsat";
        }
        if (high < 0) continue; // one literal at the highest level: a missed implication, now made
        const { learnt, backjump } = this.analyze(conflict, high);
        // Chronological backtracking (Nadel & Ryvchin 2018): when the learnt clause would undo
        // many levels, keep them and undo only the conflict's own level; the asserted literal
        // takes its true (lower) level out of order. Package problems learn short clauses whose
        // literals were decided far apart, and undoing everything in between cost most of the time.
        // In the optimiser's calls, a fact learnt among the assumptions' levels once the call
        // has decided past them (`deprecated`'s calls) goes back to level 0 instead: kept levels
        // would hold the assumptions that fact refutes, each found by a conflict and a
        // re-assumption of every level above it. In `deprecated`, cone 5,000: 1.27M → 0.99M
        // propagations, cone 1,996: 288k → 225k, with the same cores, cost vectors and chosen
        // sets. Calls that only propagate their assumptions (`version-age`) keep their levels:
        // going back to level 0 there cost 44 % more.
        if (
          learnt.length === 1 &&
          this.collecting &&
          high <= assumptions.length &&
          this.stats.decisions > this.decided
        )
          this.cancelUntil(0);
        else this.cancelUntil(high - backjump > CHRONO ? high - 1 : backjump);
        if (learnt.length === 1) {
          this.assign(learnt[0]!, NO_CLAUSE, 0);
        } else {
          const c = this.store(learnt, true);
          this.bumpClause(c);
          this.assign(learnt[0]!, c, backjump);
        }
        this.varInc /= 0.95;
        this.clauseInc /= 0.999;
        continue;
      }
      if (conflicts >= conflictLimit) {
        this.cancelUntil(0);
        return "unknown";
      }
      if (this.learnts.length - this.trailTop >= this.maxLearnts) {
        this.reduceLearnts();
        this.maxLearnts *= 1.1;
      }
      let next = -1;
      while (this.level < assumptions.length) {
        const a = assumptions[this.level]!;
        const value = this.vals[a]!;
        if (value === TRUE) {
          this.newLevel(); // already true: an empty level keeps indices aligned
        } else if (value === FALSE && this.skipFixed && this.levels[a >> 1] === 0) {
          this.skipped.add(a);
          this.newLevel();
        } else if (value === FALSE && this.collecting) {
          const core = this.analyzeFinal(a);
          if (core.every((x) => !this.inCores.has(x))) {
            this.foundCores.push(core);
            for (const x of core) this.inCores.add(x);
          }
          this.newLevel(); // `a` is passed over: an empty level keeps indices aligned
        } else if (value === FALSE) {
          this.lastCore = this.analyzeFinal(a);
          return "unsat";
        } else {
          next = a;
          break;
        }
      }
      if (next === -1 && this.foundCores.length > 0) {
        this.lastCore = this.foundCores[0]!;
        return "unsat";
      }
      if (next === -1) {
        next = this.scope ? this.pickInScope(this.scope) : this.pickOrdered();
        if (next === -1 && !this.scope)
          next = this.order.length > 0 ? this.pickRest() : this.pickBranch();
        if (next === -1) {
          this.lastModel = new Int8Array(this.nVars);
          for (let v = 0; v < this.nVars; v++) this.lastModel[v] = this.vals[2 * v] || FALSE;
          return "sat";
        }
        this.stats.decisions++;
      }
      this.newLevel();
      this.assign(next, NO_CLAUSE);
    }
  }

  /** The first unassigned variable of the scope, with its saved phase; -1 when none is left. */
  private pickInScope(scope: readonly number[]): Lit {
    // Every scope variable before `scopeNext` has a value at the current level or below.
    for (; this.scopeNext < scope.length; this.scopeNext++) {
      const v = scope[this.scopeNext]!;
      if (this.vals[2 * v] === UNDEF) return 2 * v + this.phase[v]!;
    }
    return -1;
  }

  /**
   * Declares the next group of the decision order (see `pickOrdered`): a presence literal, its
   * choices (most preferred first) and the literals to decide with their saved phase once a
   * choice is made.
   */
  addDecisionGroup(present: Lit, choices: readonly Lit[], afterwards: readonly Lit[]): void {
    this.order.push({ present, choices: [...choices], afterwards: [...afterwards] });
  }

  /**
   * PubGrub's decisions, in the declared order (dependents before their dependencies): a group
   * whose presence is open is decided absent (nothing decided so far needs it), a present one
   * takes its most preferred choice still open, then its other literals their saved phase. -1
   * when every group is settled (`pickRest` decides the rest).
   *
   * With `afterwardsLast` (the optimiser's calls) the other literals wait for a second pass,
   * once every group has its presence and choice. Those calls decide the whole problem again
   * after each conflict that refutes an early assumption (a learnt unit: at cone 5,000
   * `deprecated` finds 138 of its 158 that way, deep in the order), and nine decisions in ten
   * were options, decided package by package between the versions whose conflicts the calls
   * look for: `deprecated` made 181k decisions and 1.91M propagations there, 37k and 1.61M
   * with the options last (cone 1,996: 30k → 10k, 378k → 335k), with the same calls, cost
   * vectors and chosen sets. A plain `solve` keeps them with their package: in the first solve
   * the second pass cost more (cone 1,996 chose another set of the same cost; cone 5,000's
   * `deprecated` took 1.90M).
   */
  private pickOrdered(): Lit {
    const vals = this.vals;
    for (; this.orderNext < this.order.length; this.orderNext++) {
      const g = this.order[this.orderNext]!;
      const presence = vals[g.present];
      if (presence === UNDEF) return g.present ^ 1;
      if (presence === FALSE) continue;
      let chosen = false;
      let open = -1;
      const choices = g.choices;
      for (let k = 0; k < choices.length; k++) {
        const x = choices[k]!;
        const value = vals[x];
        if (value === TRUE) {
          chosen = true;
          break;
        }
        if (value === UNDEF && open === -1) open = x;
      }
      if (!chosen && open !== -1) return open;
      if (this.afterwardsLast) continue;
      const next = this.openAfterwards(g);
      if (next !== -1) return next;
    }
    if (this.afterwardsLast)
      for (; this.afterNext < this.order.length; this.afterNext++) {
        const g = this.order[this.afterNext]!;
        if (vals[g.present] !== TRUE) continue;
        const next = this.openAfterwards(g);
        if (next !== -1) return next;
      }
    return -1;
  }

  /** The first open literal of a group's `afterwards`, with its saved phase; -1 when none. */
  private openAfterwards(g: DecisionGroup): Lit {
    const afterwards = g.afterwards;
    for (let k = 0; k < afterwards.length; k++) {
      const x = afterwards[k]!;
      if (this.vals[x] === UNDEF) return (x & ~1) + this.phase[x >> 1]!;
    }
    return -1;
  }

  /** The first open variable from `restNext` on, with its saved phase; -1 when none is left. */
  private pickRest(): Lit {
    for (; this.restNext < this.nVars; this.restNext++) {
      const v = this.restNext;
      if (this.vals[2 * v] === UNDEF) return 2 * v + this.phase[v]!;
    }
    return -1;
  }

  private pickBranch(): Lit {
    this.useHeap();
    for (;;) {
      const v = this.heap.removeMax();
      if (v === -1) return -1;
      if (this.vals[2 * v] === UNDEF) return 2 * v + this.phase[v]!;
    }
  }

  /** Unit propagation over the watch lists; the conflicting clause, or `NO_CLAUSE`. */
  private propagate(): Clause {
    if (this.edgeTop > 0) this.flushEdges();
    if (this.watchQueueTop > 0) this.flushWatches();
    const vals = this.vals;
    const arena = this.arena;
    const start = this.qhead;
    try {
      return this.propagateFrom(vals, arena);
    } finally {
      this.stats.propagations += this.qhead - start;
    }
  }

  private propagateFrom(vals: Int8Array, arena: Int32Array): Clause {
    const levels = this.levels;
    const reasons = this.reasons;
    const trail = this.trail;
    const binaryStart = this.binaryStart;
    const binaryData = this.binaryData;
    const compiled = binaryStart.length - 1;
    while (this.qhead < this.trailTop) {
      const p = trail[this.qhead++]!;
      const falseLit = p ^ 1;
      if (p < compiled) {
        const level = levels[p >> 1]!;
        const to = binaryStart[p + 1]!;
        for (let k = binaryStart[p]!; k < to; k += 2) {
          const other = binaryData[k]!;
          const value = vals[other];
          if (value === TRUE) continue;
          if (value === FALSE) {
            this.qhead = this.trailTop;
            return binaryData[k + 1]!;
          }
          // assign(), inlined: this is the hottest loop of the solver
          vals[other] = TRUE;
          vals[other ^ 1] = FALSE;
          levels[other >> 1] = level;
          reasons[other >> 1] = binaryData[k + 1]!;
          trail[this.trailTop++] = other;
        }
      }
      if (this.binaryPending[p]) {
        const binary = this.binary.get(p)!;
        for (let k = 0; k < binary.length; k += 2) {
          const other = binary[k]!;
          const value = vals[other];
          if (value === TRUE) continue;
          if (value === FALSE) {
            this.qhead = this.trailTop;
            return binary[k + 1]!;
          }
          this.assign(other, binary[k + 1]!, levels[p >> 1]!);
        }
      }
      // p's list is compacted in place (j ≤ i) while clauses move to other literals' lists;
      // a move may reallocate the pool (`pool` is read again), never p's own slots.
      const ws = this.watchStart[p]!;
      let pool = this.watchPool;
      let i = ws;
      let j = ws;
      const n = ws + this.watchLength[p]!;
      while (i < n) {
        const c = pool[i]!;
        const blocker = pool[i + 1]!;
        i += 2;
        if (vals[blocker] === TRUE) {
          pool[j++] = c;
          pool[j++] = blocker;
          continue;
        }
        const at = c + HEADER; // the literals: arena[at] … arena[end - 1]
        const end = at + arena[c]!;
        if (arena[at] === falseLit) {
          arena[at] = arena[at + 1]!;
          arena[at + 1] = falseLit;
        }
        const first = arena[at]!;
        if (first !== blocker && vals[first] === TRUE) {
          pool[j++] = c;
          pool[j++] = first;
          continue;
        }
        let moved = false;
        for (let k = at + 2; k < end; k++) {
          const l = arena[k]!;
          if (vals[l] !== FALSE) {
            arena[at + 1] = l;
            arena[k] = falseLit;
            this.watch(l ^ 1, c, first);
            pool = this.watchPool;
            moved = true;
            break;
          }
        }
        if (moved) continue;
        if (vals[first] === FALSE) {
          pool[j++] = c;
          pool[j++] = first;
          while (i < n) pool[j++] = pool[i++]!;
          this.watchLength[p] = j - ws;
          this.qhead = this.trailTop;
          return c;
        }
        // Implied at the highest level of its false literals, which becomes the other watch.
        let level = levels[p >> 1]!;
        if (level < this.level) {
          let best = at + 1;
          for (let k = at + 2; k < end; k++) {
            const lk = levels[arena[k]! >> 1]!;
            if (lk > level) {
              level = lk;
              best = k;
            }
          }
          if (best !== at + 1) {
            const w = arena[best]!;
            arena[best] = falseLit;
            arena[at + 1] = w;
            this.watch(w ^ 1, c, first);
            pool = this.watchPool;
          } else {
            pool[j++] = c;
            pool[j++] = first;
          }
        } else {
          pool[j++] = c;
          pool[j++] = first;
        }
        // assign(), inlined (as above)
        vals[first] = TRUE;
        vals[first ^ 1] = FALSE;
        levels[first >> 1] = level;
        reasons[first >> 1] = c;
        trail[this.trailTop++] = first;
      }
      this.watchLength[p] = j - ws;
    }
    return NO_CLAUSE;
  }

  /** Appends (clause, blocker) to p's watch list, moving the list to the pool's end when full. */
  private watch(p: Lit, c: Clause, blocker: Lit): void {
    const length = this.watchLength[p]!;
    if (length + 2 > this.watchCapacity[p]!) {
      const capacity = Math.max(4, 2 * this.watchCapacity[p]!);
      if (this.watchTop + capacity > this.watchPool.length) {
        const pool = new Int32Array(Math.max(2 * this.watchPool.length, this.watchTop + capacity));
        pool.set(this.watchPool.subarray(0, this.watchTop));
        this.watchPool = pool;
      }
      const start = this.watchStart[p]!;
      this.watchPool.copyWithin(this.watchTop, start, start + length);
      this.watchWasted += this.watchCapacity[p]!;
      this.watchStart[p] = this.watchTop;
      this.watchCapacity[p] = capacity;
      this.watchTop += capacity;
    }
    const at = this.watchStart[p]! + length;
    this.watchPool[at] = c;
    this.watchPool[at + 1] = blocker;
    this.watchLength[p] = length + 2;
  }

  /** Rewrites the pool with every list packed (a little room left for each to grow). */
  private compactWatches(): void {
    this.flushWatches();
    const lits = 2 * this.nVars;
    let total = 0;
    for (let p = 0; p < lits; p++) total += this.watchLength[p]! + 2;
    const pool = new Int32Array(Math.max(1 << 16, total + (total >> 1)));
    let top = 0;
    for (let p = 0; p < lits; p++) {
      const start = this.watchStart[p]!;
      const length = this.watchLength[p]!;
      pool.set(this.watchPool.subarray(start, start + length), top);
      this.watchStart[p] = top;
      this.watchCapacity[p] = length + 2;
      top += length + 2;
    }
    this.watchPool = pool;
    this.watchTop = top;
    this.watchWasted = 0;
  }

  /** Removes the watches of clauses marked `REMOVED` from p's watch list. */
  private dropRemoved(p: Lit): void {
    const pool = this.watchPool;
    const arena = this.arena;
    const start = this.watchStart[p]!;
    const end = start + this.watchLength[p]!;
    let j = start;
    for (let i = start; i < end; i += 2) {
      if (arena[pool[i]! + 1]! & REMOVED) continue;
      pool[j++] = pool[i]!;
      pool[j++] = pool[i + 1]!;
    }
    this.watchLength[p] = j - start;
  }

  /**
   * The highest level among a conflicting clause's literals (they may be below the current level
   * after chronological backtracking), with the clause rearranged to watch its two highest
   * literals. When only one literal is at that level, the clause was a missed implication: the
   * search backtracks below it, assigns it from the clause and answers -1.
   */
  private conflictLevel(c: Clause): number {
    const lits = this.litsOf(c);
    const levels = this.levels;
    const current = this.level;
    if (levels[lits[0]! >> 1] === current && levels[lits[1]! >> 1] === current) return current;
    // Order positions 0 and 1 as the highest and second-highest levels.
    let first = 0;
    let second = 1;
    if (levels[lits[1]! >> 1]! > levels[lits[0]! >> 1]!) {
      first = 1;
      second = 0;
    }
    for (let k = 2; k < lits.length; k++) {
      const lk = levels[lits[k]! >> 1]!;
      if (lk > levels[lits[first]! >> 1]!) {
        second = first;
        first = k;
      } else if (lk > levels[lits[second]! >> 1]!) {
        second = k;
      }
    }
    const high = levels[lits[first]! >> 1]!;
    const next = levels[lits[second]! >> 1]!;
    this.rewatch(c, first, second);
    if (high === 0 || next === high) return high;
    // lits[0] alone at `high`: every other literal stays false below it.
    this.cancelUntil(high - 1);
    this.assign(lits[0]!, c, next);
    return -1;
  }

  /** Moves the literals at positions `a` and `b` to the watched positions 0 and 1. */
  private rewatch(c: Clause, a: number, b: number): void {
    this.flushWatches();
    const lits = this.litsOf(c);
    const old0 = lits[0]!;
    const old1 = lits[1]!;
    const x = lits[a]!;
    const y = lits[b]!;
    if ((x === old0 && y === old1) || (x === old1 && y === old0)) {
      lits[0] = x;
      lits[1] = y;
      return;
    }
    for (const w of [old0, old1]) if (w !== x && w !== y) this.unwatch(c, w);
    // Put x, y first, keeping every literal once.
    const rest = Array.from(lits).filter((l) => l !== x && l !== y);
    lits[0] = x;
    lits[1] = y;
    for (let k = 0; k < rest.length; k++) lits[k + 2] = rest[k]!;
    if (x !== old0 && x !== old1) this.watch(x ^ 1, c, y);
    if (y !== old0 && y !== old1) this.watch(y ^ 1, c, x);
  }

  /** Removes clause `c` from the watch list of its literal `w`. */
  private unwatch(c: Clause, w: Lit): void {
    const p = w ^ 1;
    const pool = this.watchPool;
    const start = this.watchStart[p]!;
    const end = start + this.watchLength[p]!;
    let i = start;
    while (i < end && pool[i] !== c) i += 2; // clauses at even positions, blockers between
    if (i >= end) throw new Error("internal: a watched clause is missing from its watch list");
    pool.copyWithin(i, i + 2, end);
    this.watchLength[p] = end - start - 2;
  }

  /** First-UIP conflict analysis; the learnt clause has the asserting literal first. */
  private analyze(conflict: Clause, level: number): { learnt: Lit[]; backjump: number } {
    const seen = this.seen;
    const learnt: Lit[] = [0];
    let pathCount = 0;
    let p = -1;
    let index = this.trailTop - 1;
    let c: Clause = conflict;
    do {
      const arena = this.arena;
      if (arena[c + 1]! & LEARNT) this.bumpClause(c);
      const implied = p >> 1; // -1 for the conflict itself
      // The literals in place (a `litsOf` view per reason was most of this function's garbage).
      for (let k = c + HEADER, end = k + arena[c]!; k < end; k++) {
        const q = arena[k]!;
        const v = q >> 1;
        if (v === implied || seen[v] || this.levels[v] === 0) continue;
        this.bumpVar(v);
        seen[v] = 1;
        if (this.levels[v]! >= level) pathCount++;
        else learnt.push(q);
      }
      // Lower-level literals may sit above the conflict level's on the trail: skip them.
      while (!seen[this.trail[index]! >> 1] || this.levels[this.trail[index]! >> 1]! < level)
        index--;
      p = this.trail[index]!;
      index--;
      c = this.reasons[p >> 1]!;
      seen[p >> 1] = 0;
      pathCount--;
    } while (pathCount > 0);
    learnt[0] = p ^ 1;

    // Drop literals implied by the others (local minimisation), then clear the marks.
    const kept = [learnt[0]!];
    for (let k = 1; k < learnt.length; k++) {
      const q = learnt[k]!;
      const r = this.reasons[q >> 1]!;
      if (
        r === NO_CLAUSE ||
        !this.litsOf(r).every((x) => x >> 1 === q >> 1 || seen[x >> 1] || this.levels[x >> 1] === 0)
      )
        kept.push(q);
    }
    for (let k = 0; k < learnt.length; k++) seen[learnt[k]! >> 1] = 0;

    let backjump = 0;
    if (kept.length > 1) {
      let best = 1;
      for (let k = 2; k < kept.length; k++)
        if (this.levels[kept[k]! >> 1]! > this.levels[kept[best]! >> 1]!) best = k;
      [kept[1], kept[best]] = [kept[best]!, kept[1]!];
      backjump = this.levels[kept[1]! >> 1]!;
    }
    return { learnt: kept, backjump };
  }

  /** The assumptions responsible for assumption `p` being false. */
  private analyzeFinal(p: Lit): Lit[] {
    const core = [p];
    // Refuted by the clauses alone: p is its own core.
    if (this.level === 0 || this.levels[p >> 1] === 0) return core;
    const seen = this.seen;
    // A walk over the reasons from p, not a scan down the trail: the optimiser's calls find
    // hundreds of cores each, and a scan from the top to an early assumption crossed most of the
    // trail for every one (a sixth of `version-age` at cone 2,000).
    const visited = [p >> 1];
    seen[p >> 1] = 1;
    for (let i = 0; i < visited.length; i++) {
      const v = visited[i]!;
      const r = this.reasons[v]!;
      if (r === NO_CLAUSE) {
        // p's own variable too, when an assumption decided its negation.
        core.push(this.vals[2 * v] === TRUE ? 2 * v : 2 * v + 1);
        continue;
      }
      const arena = this.arena;
      for (let k = r + HEADER, end = k + arena[r]!; k < end; k++) {
        const u = arena[k]! >> 1;
        if (!seen[u] && this.levels[u]! > 0) {
          seen[u] = 1;
          visited.push(u);
        }
      }
    }
    for (let i = 0; i < visited.length; i++) seen[visited[i]!] = 0;
    // Latest assumption first, as a scan down the trail lists them (decisions open their levels).
    const levels = this.levels;
    if (core.length > 2) {
      const rest = core.slice(1).sort((a, b) => levels[b >> 1]! - levels[a >> 1]!);
      for (let i = 0; i < rest.length; i++) core[i + 1] = rest[i]!;
    }
    return core;
  }

  // --- bookkeeping --------------------------------------------------------------------------

  private assign(l: Lit, reason: Clause, level = this.level): void {
    const v = l >> 1;
    this.vals[l] = TRUE;
    this.vals[l ^ 1] = FALSE;
    this.levels[v] = level;
    this.reasons[v] = reason;
    this.trail[this.trailTop++] = l;
  }

  /** Opens a decision level. */
  private newLevel(): void {
    const n = this.level;
    if (n === this.levelStart.length) {
      const grow = (a: Int32Array) => {
        const next = new Int32Array(2 * a.length);
        next.set(a);
        return next;
      };
      this.levelStart = grow(this.levelStart);
      this.levelOrder = grow(this.levelOrder);
      this.levelScope = grow(this.levelScope);
      this.levelRest = grow(this.levelRest);
      this.levelAfter = grow(this.levelAfter);
    }
    this.levelStart[n] = this.trailTop;
    this.levelOrder[n] = this.orderNext;
    this.levelScope[n] = this.scopeNext;
    this.levelRest[n] = this.restNext;
    this.levelAfter[n] = this.afterNext;
    this.level = n + 1;
  }

  private cancelUntil(level: number): void {
    if (this.level <= level) return;
    this.orderNext = this.levelOrder[level]!;
    this.scopeNext = this.levelScope[level]!;
    this.restNext = this.levelRest[level]!;
    this.afterNext = this.levelAfter[level]!;
    const heap = this.order.length === 0 && this.heapBuilt;
    const vals = this.vals;
    const levels = this.levels;
    const phase = this.phase;
    const trail = this.trail;
    const stop = this.levelStart[level]!;
    if (this.keptOnTrail.length < this.trail.length)
      this.keptOnTrail = new Int32Array(this.trail.length);
    const kept = this.keptOnTrail;
    let keptTop = 0;
    for (let i = this.trailTop - 1; i >= stop; i--) {
      const l = trail[i]!;
      const v = l >> 1;
      if (levels[v]! <= level) {
        // Implied at a lower level than the decisions around it (chronological backtracking).
        kept[keptTop++] = l;
        continue;
      }
      // The reason is left as it was: it is read only while the variable is assigned.
      vals[l] = UNDEF;
      vals[l ^ 1] = UNDEF;
      phase[v] = l & 1;
      if (heap) this.heap.insert(v);
    }
    this.trailTop = stop;
    this.level = level;
    this.qhead = stop;
    for (let i = keptTop - 1; i >= 0; i--) this.trail[this.trailTop++] = kept[i]!;
  }

  private attach(c: Clause): void {
    if (this.arena[c] === 2) {
      if (this.edgeTop === this.edges.length) this.growEdges();
      this.edges[this.edgeTop++] = c;
      this.pendingBinaries += 4;
      return;
    }
    if (this.arena[c + 1]! & LEARNT) {
      this.flushWatches();
      this.watchClause(c);
      return;
    }
    if (this.watchQueueTop === this.watchQueue.length) {
      const next = new Int32Array(2 * this.watchQueue.length);
      next.set(this.watchQueue);
      this.watchQueue = next;
    }
    this.watchQueue[this.watchQueueTop++] = c;
  }

  /** Watches clause c's first two literals, each with the other as its blocker. */
  private watchClause(c: Clause): void {
    const a = this.arena[c + HEADER]!;
    const b = this.arena[c + HEADER + 1]!;
    this.watch(a ^ 1, c, b);
    this.watch(b ^ 1, c, a);
  }

  /**
   * Watches the queued clauses as `watchClause` would have one by one: each list gets its clauses in
   * the order they were stored, after those it had. Few are watched one by one; many, by
   * counting each list's new entries, moving each list that needs room once, then filling.
   */
  private flushWatches(): void {
    const n = this.watchQueueTop;
    if (n === 0) return;
    this.watchQueueTop = 0;
    const queue = this.watchQueue;
    const arena = this.arena;
    if (n < 256) {
      for (let i = 0; i < n; i++) this.watchClause(queue[i]!);
      return;
    }
    // Loops over the queue, not over every literal: this runs once, mostly unoptimised.
    const added = new Int32Array(2 * this.nVars);
    for (let i = 0; i < n; i++) {
      const c = queue[i]!;
      added[arena[c + HEADER]! ^ 1]! += 2;
      added[arena[c + HEADER + 1]! ^ 1]! += 2;
    }
    const start = this.watchStart;
    const length = this.watchLength;
    const capacity = this.watchCapacity;
    // Room for every list that moves, at most 1.5 times its entries plus 4 each: pages never
    // written are never touched.
    const room = 8 * n + ((3 * (this.watchTop + 4 * n)) >> 1);
    if (this.watchTop + room > this.watchPool.length) {
      const pool = new Int32Array(Math.max(2 * this.watchPool.length, this.watchTop + room));
      pool.set(this.watchPool.subarray(0, this.watchTop));
      this.watchPool = pool;
    }
    const pool = this.watchPool;
    // Each list that needs room moves once, when first met.
    for (let i = 0; i < 2 * n; i++) {
      const c = queue[i >> 1]!;
      const p = arena[c + HEADER + (i & 1)]! ^ 1;
      const more = added[p]!;
      if (more === 0) continue;
      added[p] = 0;
      const need = length[p]! + more;
      if (need <= capacity[p]!) continue;
      if (length[p]! > 0) pool.copyWithin(this.watchTop, start[p]!, start[p]! + length[p]!);
      this.watchWasted += capacity[p]!;
      start[p] = this.watchTop;
      capacity[p] = Math.max(4, need + (need >> 1));
      this.watchTop += capacity[p]!;
    }
    for (let i = 0; i < n; i++) {
      const c = queue[i]!;
      const a = arena[c + HEADER]!;
      const b = arena[c + HEADER + 1]!;
      const pa = a ^ 1;
      const pb = b ^ 1;
      let at = start[pa]! + length[pa]!;
      pool[at] = c;
      pool[at + 1] = b;
      length[pa] = length[pa]! + 2;
      at = start[pb]! + length[pb]!;
      pool[at] = c;
      pool[at + 1] = a;
      length[pb] = length[pb]! + 2;
    }
  }

  /** Grows `edges` to hold at least `size` clauses (doubling, at the least). */
  private growEdges(size = 0): void {
    const next = new Int32Array(Math.max(2 * this.edges.length, size));
    next.set(this.edges);
    this.edges = next;
  }

  /** Grows the clause arena to hold at least `size` entries (doubling, at the least). */
  private growArena(size: number): void {
    const next = new Int32Array(Math.max(2 * this.arena.length, size));
    next.set(this.arena);
    this.arena = next;
  }

  /** Makes the implications in `edges` visible to propagation: compiled when many, else listed. */
  private flushEdges(): void {
    if (this.pendingBinaries > Math.max(4096, this.binaryData.length / 8)) {
      this.compileBinaries();
      return;
    }
    const edges = this.edges;
    const arena = this.arena;
    for (let e = 0; e < this.edgeTop; e++) {
      const c = edges[e]!;
      const a = arena[c + HEADER]!;
      const b = arena[c + HEADER + 1]!;
      this.listImplication(a ^ 1, b, c);
      this.listImplication(b ^ 1, a, c);
    }
    this.edgeTop = 0;
  }

  /** Adds "p implies `other` (binary clause c)" to p's list of pairs added since compilation. */
  private listImplication(p: Lit, other: Lit, c: Clause): void {
    const list = this.binary.get(p);
    if (list === undefined) this.binary.set(p, [other, c]);
    else list.push(other, c);
    this.binaryPending[p] = 1;
  }

  private bumpVar(v: number): void {
    this.activity[v]! += this.varInc;
    if (this.activity[v]! > 1e100) {
      for (let u = 0; u < this.nVars; u++) this.activity[u]! *= 1e-100;
      this.varInc *= 1e-100;
    }
    if (this.useHeap()) this.heap.increased(v);
  }

  /**
   * Whether decisions come from the VSIDS heap (no decision order), building it first if needed:
   * every variable inserted in index order before any activity changes, as if inserted when made.
   */
  private useHeap(): boolean {
    if (this.order.length > 0) return false;
    if (!this.heapBuilt) {
      this.heapBuilt = true;
      for (let v = 0; v < this.nVars; v++) this.heap.insert(v);
    }
    return true;
  }

  private bumpClause(c: Clause): void {
    const act = this.clauseActivity;
    const id = this.arena[c + 2]!;
    act[id]! += this.clauseInc;
    if (act[id]! > 1e20) {
      for (let k = 0; k < this.learntIds; k++) act[k]! *= 1e-20;
      this.clauseInc *= 1e-20;
    }
  }

  /** Forgets the less active half of the learnt clauses (never one that is a current reason). */
  private reduceLearnts(): void {
    this.flushWatches();
    const arena = this.arena;
    const activity = (c: Clause) => this.clauseActivity[arena[c + 2]!]!;
    const locked = (c: Clause) => {
      const first = arena[c + HEADER]!;
      return this.reasons[first >> 1] === c && this.vals[first] === TRUE;
    };
    const sorted = [...this.learnts].sort((a, b) => activity(a) - activity(b));
    const limit = this.clauseInc / sorted.length;
    const keep: Clause[] = [];
    sorted.forEach((c, i) => {
      const drop = arena[c]! > 2 && !locked(c) && (i < sorted.length / 2 || activity(c) < limit);
      if (drop) arena[c + 1]! |= REMOVED;
      else keep.push(c);
    });
    this.learnts = keep;
    for (let p = 0; p < 2 * this.nVars; p++) this.dropRemoved(p);
    if (this.watchWasted > this.watchTop / 2) this.compactWatches();
  }

  private ensureCapacity(n: number): void {
    if (n <= this.levels.length) return;
    const size = Math.max(n, this.levels.length * 2, 64);
    const grow = <T extends Int8Array | Int32Array | Float64Array | Uint8Array>(
      old: T,
      make: (k: number) => T,
      k: number,
    ): T => {
      const next = make(k);
      next.set(old as never);
      return next;
    };
    this.vals = grow(this.vals, (k) => new Int8Array(k), 2 * size);
    this.levels = grow(this.levels, (k) => new Int32Array(k), size);
    this.trail = grow(this.trail, (k) => new Int32Array(k), size);
    const reasons = new Int32Array(size).fill(NO_CLAUSE);
    reasons.set(this.reasons);
    this.reasons = reasons;
    this.activity = grow(this.activity, (k) => new Float64Array(k), size);
    // Default polarity false (1 = negative literal): fewer packages, default options.
    const phase = new Uint8Array(size).fill(1);
    phase.set(this.phase);
    this.phase = phase;
    this.seen = grow(this.seen, (k) => new Uint8Array(k), size);
    this.probeSafe = grow(this.probeSafe, (k) => new Uint8Array(k), 2 * size);
    this.binaryPending = grow(this.binaryPending, (k) => new Uint8Array(k), 2 * size);
    this.watchStart = grow(this.watchStart, (k) => new Int32Array(k), 2 * size);
    this.watchLength = grow(this.watchLength, (k) => new Int32Array(k), 2 * size);
    this.watchCapacity = grow(this.watchCapacity, (k) => new Int32Array(k), 2 * size);
  }
}

/** One package in the decision order (`addDecisionGroup`). */
interface DecisionGroup {
  readonly present: Lit;
  readonly choices: readonly Lit[];
  readonly afterwards: readonly Lit[];
}

/** The Luby sequence 1 1 2 1 1 2 4 …, MiniSat's restart schedule. */
function luby(i: number): number {
  let size = 1;
  let seq = 0;
  while (size < i + 1) {
    seq++;
    size = 2 * size + 1;
  }
  let x = i;
  while (size - 1 !== x) {
    size = (size - 1) >> 1;
    seq--;
    x %= size;
  }
  return 2 ** seq;
}

/** A binary max-heap of variables ordered by activity (VSIDS's decision order). */
class VarHeap {
  private readonly heap: number[] = [];
  private index = new Int32Array(0);
  constructor(private readonly activity: () => Float64Array) {}

  insert(v: number): void {
    if (v >= this.index.length) {
      const next = new Int32Array(Math.max(v + 1, this.index.length * 2, 64)).fill(-1);
      next.set(this.index);
      this.index = next;
    }
    if (this.index[v]! >= 0) return;
    this.index[v] = this.heap.length;
    this.heap.push(v);
    this.up(this.heap.length - 1);
  }

  increased(v: number): void {
    const i = v < this.index.length ? this.index[v]! : -1;
    if (i >= 0) this.up(i);
  }

  removeMax(): number {
    if (this.heap.length === 0) return -1;
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    this.index[top] = -1;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.index[last] = 0;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const act = this.activity();
    const v = this.heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const u = this.heap[parent]!;
      // Ties go to the lower variable: declaration order, so the search is deterministic and
      // starts from the first-declared (most preferred) choices.
      if (act[u]! > act[v]! || (act[u] === act[v] && u < v)) break;
      this.heap[i] = u;
      this.index[u] = i;
      i = parent;
    }
    this.heap[i] = v;
    this.index[v] = i;
  }

  private down(i: number): void {
    const act = this.activity();
    const v = this.heap[i]!;
    const n = this.heap.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      const better = (a: number, b: number) => act[a]! > act[b]! || (act[a] === act[b] && a < b);
      if (right < n && better(this.heap[right]!, this.heap[child]!)) child = right;
      const c = this.heap[child]!;
      if (!better(c, v)) break;
      this.heap[i] = c;
      this.index[c] = i;
      i = child;
    }
    this.heap[i] = v;
    this.index[v] = i;
  }
}
