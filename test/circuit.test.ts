/**
 * The circuit's gates: memoised by their set of inputs (whatever the order, repeats or
 * constants), distinct sets get distinct outputs, and every output equals its gate in a model.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Lit } from "../solver/sat/cdcl.js";
import { Circuit } from "../solver/sat/circuit.js";
import { createEngine } from "../solver/sat/engines.js";

const SEED = Number(process.env.FC_SEED ?? 20261126);
const runs = (n: number) => ({ seed: SEED, numRuns: Number(process.env.FC_RUNS ?? n) });

describe("Circuit gates", () => {
  it("give one output per set of inputs, across thousands of gates", () => {
    const c = new Circuit();
    const xs = [...Array(300).keys()].map((i) => c.variable(`x${i}`));
    const sets = new Map<string, Lit>();
    let state = 1;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    // Enough gates to grow the table several times; each set asked twice, shuffled the 2nd time.
    const asked: Lit[][] = [];
    for (let g = 0; g < 20000; g++) {
      const n = 2 + (next() % 4);
      const lits = [...Array(n)].map(() => xs[next() % xs.length]! ^ (next() & 1));
      asked.push(lits);
    }
    for (const lits of [...asked, ...asked.map((l) => [...l].reverse())]) {
      const key = [...new Set(lits)].sort((a, b) => a - b).join(",");
      const out = c.and(lits);
      if (lits.some((l) => lits.includes(l ^ 1))) {
        expect(out).toBe(c.FALSE);
        continue;
      }
      const known = sets.get(key);
      if (known === undefined) sets.set(key, out);
      else expect(out).toBe(known);
    }
    const outs = [...sets.values()];
    expect(new Set(outs).size).toBe(outs.length);
  });

  it("and, and2, andOf, or and orOf agree, and simplify constants and repeats", () => {
    const c = new Circuit();
    const [a, b, d] = ["a", "b", "d"].map((n) => c.variable(n)) as [Lit, Lit, Lit];
    expect(c.and2(a, b)).toBe(c.and(b, a));
    expect(c.and2(b, a)).toBe(c.andOf([a, b, a, c.TRUE]));
    expect(c.and2(a, c.TRUE)).toBe(a);
    expect(c.and2(c.TRUE, a)).toBe(a);
    expect(c.and2(a, a)).toBe(a);
    expect(c.and2(a, a ^ 1)).toBe(c.FALSE);
    expect(c.and2(c.FALSE, a)).toBe(c.FALSE);
    expect(c.and([a, b], d)).toBe(c.andOf([d, b, a]));
    expect(c.or(a, b)).toBe(c.orOf([b, a]));
    expect(c.or(a, b)).toBe(c.and2(a ^ 1, b ^ 1) ^ 1);
    expect(c.orOf([])).toBe(c.FALSE);
    expect(c.andOf([])).toBe(c.TRUE);
    const many = [...Array(40).keys()].map((i) => c.variable(`m${i}`));
    expect(c.andOf(many)).toBe(c.andOf([...many].reverse().concat(many)));
    expect(c.andOf([...many, many[7]! ^ 1])).toBe(c.FALSE);
  });

  it("each output holds exactly when its gate does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.nat(4), fc.boolean()), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(31),
        (gates, assignment) => {
          const c = new Circuit();
          const xs = [...Array(5).keys()].map((i) => c.variable(`x${i}`));
          const outs = gates.map((g) => {
            const lits = g.map(([v, s]) => xs[v]! ^ (s ? 0 : 1));
            return { lits, and: c.andOf(lits), or: c.orOf(lits) };
          });
          const fixed = xs.map((x, i) => ((assignment >> i) & 1 ? x : x ^ 1));
          expect(c.sat.solve(fixed)).toBe("sat");
          const holds = (l: Lit) => c.sat.value(l);
          for (const o of outs) {
            expect(holds(o.and)).toBe(o.lits.every(holds));
            expect(holds(o.or)).toBe(o.lits.some(holds));
          }
        },
      ),
      runs(300),
    );
  });

  it("finds by name a variable made by named", () => {
    const c = new Circuit();
    const a = c.named("s6 2.13.1.0");
    const b = c.variable("s6 +execline");
    expect(c.variable("s6 2.13.1.0")).toBe(a);
    const d = c.named("s6 ~execline");
    expect(c.variable("s6 ~execline")).toBe(d);
    expect(c.variable("s6 +execline")).toBe(b);
    expect(c.nameOf(a ^ 1)).toBe("¬s6 2.13.1.0");
  });

  it("names a variable in parts, and reads and finds it whole", () => {
    const c = new Circuit();
    c.reserve(8, 4);
    const version = c.named("s6", "2.13.1.0");
    const rung = c.named("s6", "2.12.0.0", " ≤");
    const gate = c.and2(version, rung);
    const option = c.named("s6", "execline", " +");
    expect(c.nameOf(version)).toBe("s6 2.13.1.0");
    expect(c.nameOf(rung ^ 1)).toBe("¬s6 ≤2.12.0.0");
    expect(c.nameOf(option)).toBe("s6 +execline");
    expect(c.nameOf(gate)).toBe("and");
    expect(c.variable("s6 ≤2.12.0.0")).toBe(rung);
    expect(c.variable("s6 +execline")).toBe(option);
    // A gate's label and the constant are not names: asking for them makes new variables.
    expect(c.variable("and")).not.toBe(gate);
    expect(c.variable("true")).not.toBe(c.TRUE);
    // Past the reserved room (8 variables), names still read whole.
    const late = [...Array(10).keys()].map((i) => c.named(`p${i}`, "1.0"));
    expect(late.map((l) => c.nameOf(l))).toEqual([...Array(10).keys()].map((i) => `p${i} 1.0`));
    expect(c.variable("p9 1.0")).toBe(late[9]);
    // Any number of different joinings (a byte names 256 of them).
    const joined = [...Array(300).keys()].map((i) => c.named("q", "1", ` j${i}=`));
    expect(c.nameOf(joined[0]!)).toBe("q j0=1");
    expect(c.nameOf(joined[299]!)).toBe("q j299=1");
    expect(c.variable("q j299=1")).toBe(joined[299]);
  });

  it("keeps names and gates across reserve calls made before, between and after them", () => {
    const engine = createEngine("cdcl");
    engine.newVar("before the circuit");
    const c = new Circuit(engine);
    // The constant and the engine's own variables are not found by name.
    expect(c.variable("true")).not.toBe(c.TRUE);
    expect(c.variable("before the circuit")).not.toBe(0);
    const a = c.named("a", "1");
    const gate = c.and2(a, c.named("b", "2", " ≤"));
    c.reserve(4, 4); // smaller than what exists: nothing lost
    const fresh = c.fresh("and");
    const late = c.named("c", "3", " +");
    c.reserve(1000, 1000);
    expect(c.nameOf(a)).toBe("a 1");
    expect(c.nameOf(late)).toBe("c +3");
    expect(c.nameOf(fresh)).toBe("and");
    expect(c.and2(a, c.variable("b ≤2"))).toBe(gate);
    expect(c.variable("c +3")).toBe(late);
    expect(c.named("d", "4")).toBe(c.variable("d 4"));
  });
});
