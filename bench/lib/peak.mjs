/**
 * Preloaded with `node --import` when GNU time is not available: writes the
 * process's peak resident set size (kB) and its CPU time (user + system, µs)
 * to $SEEDFEED_BENCH_PEAK_FILE at exit.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.SEEDFEED_BENCH_PEAK_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
