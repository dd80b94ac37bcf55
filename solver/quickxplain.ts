/**
 * QuickXplain (Junker 2004): a minimal subset of `candidates` that is inconsistent together with
 * `background`, preferring candidates earlier in the order. O(k·log(n/k)) consistency checks for
 * a conflict of k among n. `unsat` decides whether a set of facts admits no solution.
 */
export function quickXplain<T>(
  unsat: (facts: readonly T[]) => boolean,
  background: readonly T[],
  changed: boolean,
  candidates: readonly T[],
): T[] {
  if (changed && unsat(background)) return [];
  if (candidates.length === 1) return [...candidates];
  const half = Math.floor(candidates.length / 2);
  const c1 = candidates.slice(0, half);
  const c2 = candidates.slice(half);
  const d2 = quickXplain(unsat, [...background, ...c1], c1.length > 0, c2);
  const d1 = quickXplain(unsat, [...background, ...d2], d2.length > 0, c1);
  return [...d1, ...d2];
}
