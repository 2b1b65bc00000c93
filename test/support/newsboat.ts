import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempDir } from '../helpers.js';
import { SYSTEM_PYTHON } from '../tools.js';

const execFileAsync = promisify(execFile);

export interface NewsboatCache {
  feeds: { rssurl: string; url: string; title: string }[];
  items: { feedurl: string; guid: string; title: string; author: string; url: string; pubDate: number }[];
}

/**
 * What newsboat stores after `newsboat -x reload`, from a home of its own:
 * newsboat keys items by guid across feeds, so each call gets a fresh cache.
 * `opml`, when given, is imported first (`newsboat -i`) and `urls` may be empty.
 */
export async function newsboatReload(urls: readonly string[], options: { opml?: string } = {}): Promise<NewsboatCache & { stderr: string }> {
  const home = tempDir('seedfeed-newsboat-');
  const files = { urls: join(home, 'urls'), config: join(home, 'config'), cache: join(home, 'cache.db') };
  writeFileSync(files.urls, urls.map((u) => u + '\n').join(''));
  writeFileSync(files.config, 'reload-threads 1\ndownload-retries 1\ndownload-timeout 30\n');
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, LANG: 'C.UTF-8', no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1' };
  const args = ['-u', files.urls, '-c', files.cache, '-C', files.config];
  if (options.opml) await execFileAsync('newsboat', ['-i', options.opml, ...args], { cwd: home, timeout: 50_000, env });
  const run = await execFileAsync('newsboat', ['-x', 'reload', ...args], { cwd: home, timeout: 50_000, env });
  const read = spawnSync(SYSTEM_PYTHON, [join(REPO, 'test', 'read_newsboat_cache.py'), files.cache], { encoding: 'utf8', timeout: 30_000 });
  if (read.status !== 0) throw new Error(`reading newsboat's cache: ${read.stderr}`);
  return { ...(JSON.parse(read.stdout) as NewsboatCache), stderr: run.stderr };
}
