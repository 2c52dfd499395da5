import { escapeHtml } from './authorization-server-provider.ts';

/** What the page says after a failed attempt (Okta Identity Engine's wording). */
export const SIGN_IN_FAILED_TEXT = 'Unable to sign in';

/**
 * The sandbox's hosted sign-in page: a plain form a person, a screen reader and a Playwright test
 * can all use.
 *
 * @remarks
 * Labels are Okta's ("Username", "Password", "Sign in"). It never says whether the username or
 * the password was wrong, like Okta. No script: the form posts back to the same interaction URL,
 * which `oidc-provider` binds to the browser with its interaction cookie. It follows the system
 * theme like the console.
 */
export function renderSignInPage(options: {
  action: string;
  appLabel: string;
  username: string;
  error?: string;
}): string {
  const error =
    options.error === undefined
      ? ''
      : `<p class="error" role="alert" id="sign-in-error">${escapeHtml(options.error)}</p>`;
  const describedBy = options.error === undefined ? '' : ' aria-describedby="sign-in-error"';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Sign in - SSO Console Sandbox</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
  main { width: min(24rem, 90vw); padding: 2rem; border: 1px solid GrayText; border-radius: 8px; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; margin-top: 0.25rem; }
  button { margin-top: 1.5rem; width: 100%; padding: 0.6rem; font: inherit; font-weight: 600; }
  .error { border-left: 4px solid #c62828; padding: 0.5rem 0.75rem; background: color-mix(in srgb, #c62828 12%, Canvas); }
  .muted { font-size: 0.9rem; }
</style>
</head>
<body>
<main>
<h1>Sign in</h1>
<p class="muted">to ${escapeHtml(options.appLabel)} — SSO Console Sandbox (a local test org, not Okta)</p>
${error}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(options.username)}"${describedBy}${options.username === '' ? ' autofocus' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}${options.username === '' ? '' : ' autofocus'}>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>`;
}
