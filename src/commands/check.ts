import { build } from '../build.js';
import { loadConfig } from '../config.js';
import { error, EXIT, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { checkOutputText } from '../readback.js';

export interface CheckCommandOptions {
  seeds: string;
  config: string;
  /** The clock for "date in the future" warnings (default: now). */
  now?: Date;
}

/**
 * `seedfeed check`: every diagnostic for the seeds, writing nothing. It runs
 * the same `build()` as a publish (which only reads) and reads every output
 * back as a publish would before replacing a file, so a seed that would break
 * a feed is reported here too. Exit 1 when any seed is rejected, else 0; a
 * bad config is a usage error (thrown, mapped to exit 2 by the CLI).
 */
export function runCheck(options: CheckCommandOptions): { diagnostics: Diagnostic[]; exitCode: number } {
  const config = loadConfig(options.config);
  const result = build({ seedsDir: options.seeds, config, ...(options.now ? { now: options.now } : {}) });
  const diagnostics = [...result.diagnostics];
  for (const output of result.outputs) {
    const problem = checkOutputText(output.kind, output.text);
    if (problem) diagnostics.push(error('output-invalid', output.path, 0, `this output would not be written, it does not read back: ${problem}. Please report this with the seeds that caused it`));
  }
  const exitCode = result.rejected.length > 0 || hasErrors(diagnostics) ? EXIT.rejected : EXIT.ok;
  return { diagnostics: sortDiagnostics(diagnostics), exitCode };
}
