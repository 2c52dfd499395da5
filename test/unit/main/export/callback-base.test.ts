import { describe, expect, it } from 'vitest';

import { baseOfCallback } from '../../../../main/export/document-from-org.ts';
import { PRESETS } from '../../../../shared/setup/presets.ts';
import { PRESET_IDS } from '../../../../shared/setup/setup-document.ts';

describe('baseOfCallback: a preset’s callback rule, inverted', () => {
  it.each([
    ['grafana', 'https://grafana.example.com/login/okta', 'https://grafana.example.com', undefined],
    ['grafana', 'https://example.com/grafana/login/okta', 'https://example.com/grafana', undefined],
    ['kestra', 'http://localhost:8080/oauth/callback/okta', 'http://localhost:8080', 'okta'],
    ['argocd', 'https://cd.example.com/auth/callback', 'https://cd.example.com', undefined],
  ] as const)('%s: %s', (preset, uri, baseUrl, clientKey) => {
    expect(baseOfCallback(PRESETS[preset], uri)).toEqual({ baseUrl, clientKey });
  });

  it('finds nothing in another target’s callback', () => {
    expect(baseOfCallback(PRESETS.grafana, 'https://cd.example.com/auth/callback')).toBeUndefined();
    expect(baseOfCallback(PRESETS.kestra, 'http://localhost:8080/oauth/callback/')).toBeUndefined();
  });

  it.each(PRESET_IDS.filter((id) => !['native'].includes(id)))(
    '%s: the base URL and client key the preset built its callback from come back',
    (id) => {
      const preset = PRESETS[id];
      const baseUrl = 'https://app.example.com/sub';
      const clientKey = preset.defaultClientKey === undefined ? undefined : 'my-client';
      const callback = preset.uris(baseUrl, clientKey).callback;
      expect(baseOfCallback(preset, callback)).toEqual({ baseUrl, clientKey });
    },
  );
});
