import type { Diagnostic } from '../diagnostics.js';
import { UsageError } from '../diagnostics.js';

export interface CheckCommandOptions {
  seeds: string;
  config: string;
}

/** `seedfeed check`: every diagnostic for the seeds, writing nothing. */
export function runCheck(_options: CheckCommandOptions): { diagnostics: Diagnostic[]; exitCode: number } {
  throw new UsageError('seedfeed check is not available yet');
}
