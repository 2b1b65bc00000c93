import { SaxesParser } from 'saxes';

/**
 * Reads a rendered output back before it may replace the old file: XML must
 * be well-formed (saxes checks XML 1.0 characters, nesting, entities and
 * namespace prefixes), JSON must parse as a JSON Feed. Returns what is wrong,
 * or undefined.
 */
export function checkXml(text: string): string | undefined {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let problem: string | undefined;
  parser.on('error', (e) => {
    problem ??= e.message;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    problem ??= (e as Error).message;
  }
  return problem;
}

export function checkJsonFeed(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  const feed = parsed as { version?: unknown; title?: unknown; items?: unknown };
  if (typeof feed.version !== 'string' || !feed.version.startsWith('https://jsonfeed.org/version/')) return 'no JSON Feed version';
  if (typeof feed.title !== 'string') return 'no title';
  if (!Array.isArray(feed.items)) return 'no items array';
  return undefined;
}

/** Whether outputs of `kind` are read back: feeds and OPML, not pages or the stylesheet. */
export function isCheckedKind(kind: string): boolean {
  return kind === 'xml' || kind === 'json';
}

export function checkOutputText(kind: string, text: string): string | undefined {
  if (kind === 'xml') return checkXml(text);
  if (kind === 'json') return checkJsonFeed(text);
  return undefined;
}
