import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  CheckboxField,
  ListField,
  SelectField,
  TextField,
} from '../../../../renderer/components/fields.tsx';

afterEach(cleanup);

/** The ids an element's `aria-describedby` lists, or none. */
function describedIds(element: HTMLElement): string[] {
  return (element.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id !== '');
}

/** The text of what an element's `aria-describedby` points at, joined. */
function description(element: HTMLElement): string {
  return describedIds(element)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

function EditableText(props: { help?: string; info?: string; error?: string }) {
  const [value, setValue] = useState('');
  return (
    <TextField
      label="Sign-out redirect URIs (one per line)"
      path="app.postLogoutRedirectUris"
      value={value}
      onChange={setValue}
      {...props}
    />
  );
}

describe('a field’s help on request (the info button)', () => {
  it('is a real button beside the label, named after the field, closed at first', () => {
    render(<EditableText info="Where Okta may send users after signing out." />);
    const button = screen.getByRole('button', { name: 'About Sign-out redirect URIs' });
    expect(button.getAttribute('type')).toBe('button');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    // It controls a paragraph that is in the page, hidden while closed.
    const controlled = document.getElementById(button.getAttribute('aria-controls') ?? '');
    expect(controlled?.textContent).toBe('Where Okta may send users after signing out.');
    expect(controlled?.hidden).toBe(true);
    // A hidden description is never read out with the field.
    const input = screen.getByLabelText('Sign-out redirect URIs (one per line)');
    expect(input.getAttribute('aria-describedby')).toBeNull();
  });

  it('toggles the help, describes the field only while it is shown, and keeps the keyboard', () => {
    render(<EditableText info="Where Okta may send users after signing out." />);
    const button = screen.getByRole('button', { name: 'About Sign-out redirect URIs' });
    const input = screen.getByLabelText('Sign-out redirect URIs (one per line)');
    button.focus();

    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('Where Okta may send users after signing out.').hidden).toBe(false);
    expect(describedIds(input)).toEqual([button.getAttribute('aria-controls')]);
    expect(description(input)).toBe('Where Okta may send users after signing out.');
    expect(document.activeElement).toBe(button);

    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(input.getAttribute('aria-describedby')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('never submits the form it is in', () => {
    const onSubmit = vi.fn((event: { preventDefault: () => void }) => {
      event.preventDefault();
    });
    render(
      <form onSubmit={onSubmit}>
        <EditableText info="Background." />
      </form>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'About Sign-out redirect URIs' }));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('leaves help that changes what the admin does, and errors, always in place', () => {
    render(
      <EditableText
        help="Leave empty if the app has no sign-out."
        info="Background."
        error="The address needs a scheme."
      />,
    );
    const input = screen.getByLabelText('Sign-out redirect URIs (one per line)');
    expect(description(input)).toBe(
      'Leave empty if the app has no sign-out. The address needs a scheme.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'About Sign-out redirect URIs' }));
    expect(description(input)).toBe(
      'Leave empty if the app has no sign-out. Background. The address needs a scheme.',
    );
  });

  it('is not offered where a field has nothing more to say', () => {
    render(<EditableText help="Shown." />);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('works the same on a select, a checkbox and a list', () => {
    render(
      <>
        <SelectField
          label="User consent"
          path="app.consentMethod"
          value="TRUSTED"
          options={[{ value: 'TRUSTED', label: 'Trusted' }]}
          info="Whether users approve the scopes."
          onChange={() => undefined}
        />
        <CheckboxField
          label="Require PKCE"
          path="app.pkceRequired"
          checked={false}
          info="Okta then refuses an authorization request without a code challenge."
          onChange={() => undefined}
        />
        <ListField
          label="Trusted origins (one per line)"
          path="trustedOrigins"
          values={[]}
          about="the trusted origins"
          info="The single-page app’s origins."
          onChange={() => undefined}
        />
      </>,
    );
    for (const [button, field, text] of [
      ['About User consent', 'User consent', 'Whether users approve the scopes.'],
      [
        'About Require PKCE',
        'Require PKCE',
        'Okta then refuses an authorization request without a code challenge.',
      ],
      [
        'About the trusted origins',
        'Trusted origins (one per line)',
        'The single-page app’s origins.',
      ],
    ] as const) {
      const input = screen.getByLabelText(field);
      expect(input.getAttribute('aria-describedby')).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: button }));
      expect(description(input)).toBe(text);
    }
  });
});
