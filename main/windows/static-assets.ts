import { readFile } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static file found for a request, or why none was. */
export type AssetLookup =
  { ok: true; filePath: string; contentType: string } | { ok: false; status: 400 | 404 };

/**
 * Maps a request path to a file inside the built renderer folder, refusing anything outside it.
 *
 * @remarks
 * Electron checklist #18: the renderer is served from `app://` (and in browser mode from
 * loopback HTTP) through this one function. The path is decoded once, backslashes and NUL are
 * refused, and the resolved file must stay under `rootDir`, so `..%2f`, `%5c..` and absolute
 * paths cannot escape. Unknown extensions are refused rather than served as
 * `application/octet-stream`.
 */
export function resolveAsset(requestPath: string, rootDir: string): AssetLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\\') || decoded.includes('\0')) {
    return { ok: false, status: 400 };
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, relative);
  if (filePath !== root && !filePath.startsWith(`${root}${path.sep}`)) {
    return { ok: false, status: 400 };
  }
  const contentType = CONTENT_TYPES[path.extname(filePath).toLowerCase()];
  if (contentType === undefined) {
    return { ok: false, status: 404 };
  }
  return { ok: true, filePath, contentType };
}

/** Reads an asset found by {@link resolveAsset}; `null` when the file does not exist. */
export async function readAsset(filePath: string): Promise<Buffer | null> {
  try {
    return await readFile(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') {
      return null;
    }
    throw error;
  }
}

/** Headers every console page and asset carries, in Electron and browser mode alike. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}
