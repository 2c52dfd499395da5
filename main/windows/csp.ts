/**
 * The Content-Security-Policy of the console's pages.
 *
 * @remarks
 * Electron checklist #7. No inline script or style, no eval, nothing from outside the app's own
 * origin. `connect-src` is `'none'` under Electron IPC (the renderer never fetches) and `'self'`
 * in browser mode, where the contract travels over same-origin HTTP. `frame-ancestors 'none'`
 * stops another page from framing the console (clickjacking in browser mode).
 */
export function buildCsp(transport: 'ipc' | 'http'): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${transport === 'ipc' ? "'none'" : "'self'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
