/**
 * How costly memory is on this machine right now: the time to touch one new 4 KiB page, from 64
 * MiB allocated fresh. On the project's VMs it moves from minute to minute (10.6–18.4 µs on
 * 2026-12-07), and a warm `pthbs solve` touches about 19,000 pages, so the benchmarks print it
 * beside their figures.
 */
export function pageCostMicros(): number {
  const bytes = 64 * 2 ** 20;
  const t0 = performance.now();
  // Outside the pool and never filled: every page is first touched below.
  const buffer = Buffer.allocUnsafeSlow(bytes);
  for (let i = 0; i < bytes; i += 4096) buffer[i] = 1;
  return ((performance.now() - t0) * 1000) / (bytes / 4096);
}
