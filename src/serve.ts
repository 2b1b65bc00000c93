import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { open, realpath, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { extname, join, resolve, sep } from 'node:path';
import { FORMATS } from './render/formats.js';

export interface ServeOptions {
  /** The output folder to serve. */
  root: string;
  /** Default 127.0.0.1: a preview is not for the network. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

/**
 * Feeds are named by format, not by extension (`feed.xml` is RSS, `atom.xml`
 * Atom), so the format table decides first, wherever the feed sits.
 */
const BY_FILE_NAME: ReadonlyMap<string, string> = new Map(FORMATS.map((f) => [f.fileName, f.mediaType]));

const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.css': 'text/css',
  '.opml': 'text/x-opml',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
};

/** Text types whose bytes are UTF-8: they get `charset=utf-8` (RFC 7303 for the XML ones). JSON has no charset parameter. */
function withCharset(type: string): string {
  return type.startsWith('text/') || type.endsWith('+xml') || type === 'application/xml' ? `${type}; charset=utf-8` : type;
}

/** The Content-Type for a file name. */
export function mediaTypeOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  return withCharset(BY_FILE_NAME.get(base) ?? BY_EXTENSION[extname(base).toLowerCase()] ?? 'application/octet-stream');
}

function compressible(type: string): boolean {
  return /^text\/|[+/](xml|json)\b|^image\/svg\+xml/.test(type);
}

/** Below this, gzip saves nothing worth the header (nginx's `gzip_min_length` in deploy/nginx.conf agrees). */
const GZIP_MIN_LENGTH = 256;

export type RequestPath = { segments: string[]; folder: boolean } | { status: 400 | 404; reason: string };

/**
 * The request target as path segments under the output folder, or why not.
 * Dot segments, encoded slashes and backslashes, and NUL are refused with
 * 400 rather than normalized: no request names a file outside the folder,
 * even by a detour. Names starting with `.` (the writer's temporary files,
 * dotfiles) are 404.
 */
export function parseRequestPath(target: string): RequestPath {
  const pathname = target.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith('/')) return { status: 400, reason: 'the path must start with /' };
  if (/%2f|%5c|%00|\\|\0/i.test(pathname)) return { status: 400, reason: 'encoded slash, backslash or NUL in the path' };
  const raw = pathname.slice(1).split('/');
  const folder = raw[raw.length - 1] === '';
  if (folder) raw.pop();
  const segments: string[] = [];
  for (const part of raw) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return { status: 400, reason: 'bad percent-encoding' };
    }
    if (name === '.' || name === '..') return { status: 400, reason: 'dot segment in the path' };
    if (name === '' || name.startsWith('.')) return { status: 404, reason: 'empty segment or hidden file' };
    segments.push(name);
  }
  return { segments, folder };
}

/** Does Accept-Encoding allow gzip (RFC 9110 12.5.3: q=0 means "not acceptable")? */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star: boolean | undefined;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding.trim() === 'gzip' || coding.trim() === 'x-gzip') return allowed;
    if (coding.trim() === '*') star = allowed;
  }
  return star ?? false;
}

/** If-None-Match holds `etag`, `*`, or a list; compared weakly as RFC 9110 13.1.2 requires. */
export function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

interface Representation {
  bytes: Buffer;
  etag: string;
}

/** A strong validator: the same bytes always give the same tag, whatever the file's mtime. */
function etagOf(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
}

/** Serves files of `root` (see `startServer`); exported for tests that mount it elsewhere. */
export function createRequestHandler(options: Pick<ServeOptions, 'root'>): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(options.root);
  let realRoot: string | undefined;
  // The gzip of a file is made once per version of its bytes.
  const gzipped = new Map<string, Representation>();

  const finish = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | string) => {
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const plain = (req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    const body = Buffer.from(text + '\n', 'utf8');
    finish(req, res, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'X-Content-Type-Options': 'nosniff', ...extra }, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(req, res, 405, 'Only GET and HEAD', { Allow: 'GET, HEAD' });
    const parsed = parseRequestPath(req.url ?? '');
    if ('status' in parsed) return plain(req, res, parsed.status, parsed.status === 400 ? `Bad request: ${parsed.reason}` : 'Not found');
    realRoot ??= await realpath(root).catch(() => undefined);
    if (!realRoot) return plain(req, res, 404, 'Not found: the output folder does not exist yet; run "seedfeed build"');

    let file = join(root, ...parsed.segments);
    if (parsed.folder) file = join(file, 'index.html');
    else {
      const st = await stat(file).catch(() => undefined);
      // Relative links on a folder's index need the trailing slash.
      if (st?.isDirectory()) {
        const query = (req.url ?? '').slice((req.url ?? '').split(/[?#]/, 1)[0]!.length);
        return plain(req, res, 301, 'Moved', { Location: (req.url ?? '/').split(/[?#]/, 1)[0] + '/' + query });
      }
    }
    // A symbolic link inside the folder must not lead out of it.
    const real = await realpath(file).catch(() => undefined);
    if (!real || !(real === realRoot || real.startsWith(realRoot + sep))) return plain(req, res, 404, 'Not found');

    // One open file for the bytes and the date: the writer renames complete
    // files into place, so this is one whole version, old or new, never a mix.
    const opened = await open(real, 'r').catch(() => undefined);
    if (!opened) return plain(req, res, 404, 'Not found');
    let bytes: Buffer;
    let mtime: Date;
    try {
      const st = await opened.stat();
      if (!st.isFile()) return plain(req, res, 404, 'Not found');
      bytes = await opened.readFile();
      mtime = st.mtime;
    } finally {
      await opened.close();
    }

    // By the name asked for: a feed is typed by its format's file name.
    const type = mediaTypeOf(file);
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Last-Modified': mtime.toUTCString(),
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    };
    let body: Representation = { bytes, etag: etagOf(bytes) };
    if (compressible(type)) {
      headers.Vary = 'Accept-Encoding';
      if (bytes.length >= GZIP_MIN_LENGTH && acceptsGzip(req.headers['accept-encoding'])) {
        let gz = gzipped.get(body.etag);
        if (!gz) {
          // A strong tag names one representation: the gzip bytes get their own.
          gz = { bytes: gzipSync(bytes), etag: body.etag.replace(/"$/, '-gzip"') };
          if (gzipped.size > 500) gzipped.clear();
          gzipped.set(body.etag, gz);
        }
        body = gz;
        headers['Content-Encoding'] = 'gzip';
      }
    }
    headers.ETag = body.etag;

    // RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only without it.
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    let notModified = false;
    if (inm !== undefined) notModified = etagMatches(inm, body.etag);
    else if (ims !== undefined) {
      const since = Date.parse(ims);
      notModified = !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) <= Math.floor(since / 1000);
    }
    if (notModified) {
      delete headers['Content-Type'];
      delete headers['Content-Encoding'];
      return finish(req, res, 304, headers);
    }
    headers['Content-Length'] = body.bytes.length;
    finish(req, res, 200, headers, body.bytes);
  };

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      plain(req, res, 500, `Internal error: ${(e as Error)?.message ?? e}`);
    });
  };
}

/**
 * Starts an HTTP server for the output folder and resolves once it listens
 * (`server.address()` then has the port, also when 0 was asked for).
 */
export function startServer(options: ServeOptions): Promise<Server> {
  const server = createServer(createRequestHandler(options));
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise(server);
    });
  });
}
