import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import {
  SecretsPlaceContext,
  useSecretsPlaceName,
} from '../../../../renderer/components/secrets-place.tsx';

afterEach(() => {
  cleanup();
});

function Sentence() {
  return <p>Kept in {useSecretsPlaceName()}.</p>;
}

describe('where the secrets are said to be', () => {
  it('is the OS keychain by default, and with the keychain in use', () => {
    render(<Sentence />);
    expect(screen.getByText('Kept in your OS keychain.')).toBeDefined();
    cleanup();
    render(
      <SecretsPlaceContext.Provider value="keychain">
        <Sentence />
      </SecretsPlaceContext.Provider>,
    );
    expect(screen.getByText('Kept in your OS keychain.')).toBeDefined();
  });

  it('is this session’s memory once the admin chose it, never the keychain', () => {
    render(
      <SecretsPlaceContext.Provider value="memory">
        <Sentence />
      </SecretsPlaceContext.Provider>,
    );
    expect(
      screen.getByText('Kept in this session’s memory (lost when the console quits).'),
    ).toBeDefined();
  });
});
