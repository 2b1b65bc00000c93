import { UsageError } from '../diagnostics.js';

export interface ServeCommandOptions {
  out: string;
  port: number;
  host: string;
  watch: boolean;
}

/** `seedfeed serve`: the output folder over HTTP on 127.0.0.1. Resolves when the server stops. */
export async function runServe(_options: ServeCommandOptions): Promise<number> {
  throw new UsageError('seedfeed serve is not available yet');
}
