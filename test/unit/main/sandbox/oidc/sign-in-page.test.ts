import { describe, expect, it } from 'vitest';

import {
  renderPasswordChangePage,
  renderSignInPage,
} from '../../../../../main/sandbox/oidc/sign-in-page.ts';
import { PASSWORD_REQUIREMENTS } from '../../../../../main/sandbox/passwords.ts';

const PAGE = {
  action: '/signin/org/uid-1',
  appLabel: 'Kestra <prod>',
  username: 'ada@example.com',
};

describe('renderPasswordChangePage', () => {
  it('labels each field, describes the new password with the requirements, and follows the theme', () => {
    const html = renderPasswordChangePage(PAGE);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<h1>Change your password</h1>');
    expect(html).toContain('to Kestra &lt;prod&gt;');
    expect(html).toContain('<input type="hidden" name="step" value="change-password">');
    expect(html).toContain('<label for="new-password">New password</label>');
    expect(html).toContain('<label for="confirm-password">Re-enter password</label>');
    expect(html).toMatch(
      /id="new-password" name="newPassword" type="password" autocomplete="new-password" required minlength="8" aria-describedby="password-expired password-requirements"/,
    );
    expect(html).toContain(
      `<p class="muted" id="password-requirements">${PASSWORD_REQUIREMENTS}</p>`,
    );
    expect(html).toContain('value="ada@example.com"');
    expect(html).not.toContain('role="alert"');
  });

  it('announces an error and ties both fields to it', () => {
    const html = renderPasswordChangePage({ ...PAGE, error: 'The passwords do not match.' });
    expect(html).toContain(
      '<p class="error" role="alert" id="sign-in-error">The passwords do not match.</p>',
    );
    expect(html).toContain(
      'aria-describedby="password-expired password-requirements sign-in-error"',
    );
    expect(html).toMatch(/id="confirm-password"[^>]*aria-describedby="sign-in-error"/);
  });
});

describe('renderSignInPage', () => {
  it('keeps Okta’s labels and escapes what it shows', () => {
    const html = renderSignInPage({ ...PAGE, username: '"><script>' });
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;"');
  });
});
