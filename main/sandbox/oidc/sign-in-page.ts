import { PASSWORD_REQUIREMENTS } from '../passwords.ts';
import { escapeHtml } from './authorization-server-provider.ts';

/** What the page says after a failed attempt (Okta Identity Engine's wording). */
export const SIGN_IN_FAILED_TEXT = 'Unable to sign in';

/**
 * What the password-change form says when its two passwords differ, and when the sign-in it
 * belonged to is gone (the sandbox's words: Okta's page is not modelled word for word).
 */
export const PASSWORDS_DIFFER_TEXT =
  'The passwords do not match. Enter the same new password in both fields.';
export const PASSWORD_CHANGE_LOST_TEXT =
  'Your sign-in expired before the new password was saved. Sign in again with your current password.';

/**
 * The hosted pages of the sandbox's sign-in: the sign-in form, and the password change an
 * expired password leads to — plain forms a person, a screen reader and a Playwright test can
 * all use.
 *
 * @remarks
 * No script: each form posts back to the same interaction URL, which `oidc-provider` binds to
 * the browser with its interaction cookie. They follow the system theme like the console
 * (`color-scheme` and system colours), and every error is announced (`role="alert"`) and tied
 * to the fields it concerns (`aria-describedby`).
 */

/** The document around a page's content: head, styles and the sandbox's note. */
function page(options: { title: string; heading: string; appLabel: string; body: string }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(options.title)} - SSO Console Sandbox</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
  main { width: min(24rem, 90vw); padding: 2rem; border: 1px solid GrayText; border-radius: 8px; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; margin-top: 0.25rem; }
  input[readonly] { border: 1px dashed GrayText; background: transparent; color: inherit; }
  button { margin-top: 1.5rem; width: 100%; padding: 0.6rem; font: inherit; font-weight: 600; }
  .error { border-left: 4px solid #c62828; padding: 0.5rem 0.75rem; background: color-mix(in srgb, #c62828 12%, Canvas); }
  .muted { font-size: 0.9rem; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(options.heading)}</h1>
<p class="muted">to ${escapeHtml(options.appLabel)} — SSO Console Sandbox (a local test org, not Okta)</p>
${options.body}
</main>
</body>
</html>`;
}

function errorBlock(error: string | undefined): string {
  return error === undefined
    ? ''
    : `<p class="error" role="alert" id="sign-in-error">${escapeHtml(error)}</p>`;
}

/**
 * The sign-in page.
 *
 * @remarks
 * Labels are Okta's ("Username", "Password", "Sign in"). It never says whether the username or
 * the password was wrong, or that an account is locked, like Okta (whose default password
 * policy has `showLockoutFailures: false`).
 *
 * `username` is the request's `login_hint` when it has one, as Okta's page fills its identifier
 * field from it: the console's preview and export verification send the test user's login, so
 * the admin types only the password (the keyboard starts there).
 *
 * The password is never filled in, not even here, on the sandbox only, for a user whose password
 * the org was given: that convenience was weighed (issue 19) and refused. (1) The page would
 * hand the password to anyone who can reach the sandbox's loopback port and knows a client id
 * and a login: any local process, with no credential at all, while the management API asks for
 * its token. (2) The sandbox keeps only password hashes (`passwords.ts`); filling one in means
 * keeping the plain text in the org for its whole life. (3) A preview that passes without the
 * keychain's password proves less: the first run newcomers make, on this org, would no longer
 * notice a test user password the keychain lost (issue 19, item 1). (4) Okta never does it, and
 * the sandbox is the console's model of Okta. The renderer would never have seen the password
 * either way (this page is the org's, on its own origin, in the system browser), so the cost of
 * refusing is two interactions: showing the password in the console and pasting it here.
 */
export function renderSignInPage(options: {
  action: string;
  appLabel: string;
  username: string;
  error?: string;
}): string {
  const describedBy = options.error === undefined ? '' : ' aria-describedby="sign-in-error"';
  return page({
    title: 'Sign in',
    heading: 'Sign in',
    appLabel: options.appLabel,
    body: `${errorBlock(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(options.username)}"${describedBy}${options.username === '' ? ' autofocus' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}${options.username === '' ? '' : ' autofocus'}>
<button type="submit">Sign in</button>
</form>`,
  });
}

/**
 * The page a user whose password expired gets after signing in with it: choose a new password,
 * then the sign-in goes on to the app.
 *
 * @remarks
 * The username is shown read-only (and lets a password manager file the new password under
 * it); the server never reads it back, it knows whose password this is from the sign-in. The
 * requirements are the ones the org applies when an admin sets a password (`passwords.ts`).
 */
export function renderPasswordChangePage(options: {
  action: string;
  appLabel: string;
  username: string;
  error?: string;
}): string {
  const describedBy = `password-expired password-requirements${options.error === undefined ? '' : ' sign-in-error'}`;
  return page({
    title: 'Change your password',
    heading: 'Change your password',
    appLabel: options.appLabel,
    body: `<p id="password-expired">Your password has expired. Choose a new password to continue.</p>
${errorBlock(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="step" value="change-password">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" readonly value="${escapeHtml(options.username)}">
<p class="muted" id="password-requirements">${escapeHtml(PASSWORD_REQUIREMENTS)}</p>
<label for="new-password">New password</label>
<input id="new-password" name="newPassword" type="password" autocomplete="new-password" required minlength="8" aria-describedby="${describedBy}" autofocus>
<label for="confirm-password">Re-enter password</label>
<input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required minlength="8"${options.error === undefined ? '' : ' aria-describedby="sign-in-error"'}>
<button type="submit">Change password</button>
</form>`,
  });
}
