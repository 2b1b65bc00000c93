import { warning, type Diagnostic } from './diagnostics.js';
import { FORMATS } from './render/formats.js';

export const PING_TIMEOUT_MS = 5000;

/** The feeds among written files that subscribers follow (not archive pages, pages or the OPML), as absolute URLs. */
export function changedFeedUrls(baseUrl: string, written: readonly string[]): string[] {
  const names = new Set(FORMATS.map((f) => f.fileName));
  return written
    .filter((p) => !p.startsWith('archive/') && names.has(p.slice(p.lastIndexOf('/') + 1)))
    .map((p) => baseUrl + p.split('/').map(encodeURIComponent).join('/'))
    .sort();
}

/**
 * W3C WebSub, section 5.1 leaves the publisher-to-hub notification to the hub;
 * the common form, which this sends, is a form-encoded POST of
 * `hub.mode=publish` and `hub.url=<topic>` per changed feed. A hub that is
 * down or slow gives a warning, never a failed build: the feeds are already
 * published, and readers still poll.
 */
export async function pingHub(hub: string, topics: readonly string[], timeoutMs = PING_TIMEOUT_MS): Promise<{ pinged: string[]; diagnostics: Diagnostic[] }> {
  const pinged: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const topic of topics) {
    try {
      const response = await fetch(hub, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) pinged.push(topic);
      else diagnostics.push(warning('websub-ping', hub, 0, `the hub answered ${response.status} to the publish notice for ${topic}; subscribers will see the change at their next poll`));
    } catch (e) {
      const reason = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
      diagnostics.push(warning('websub-ping', hub, 0, `could not notify the hub for ${topic} (${reason}); subscribers will see the change at their next poll`));
    }
  }
  return { pinged, diagnostics };
}
