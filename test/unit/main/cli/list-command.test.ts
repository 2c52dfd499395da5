import { describe, expect, it } from 'vitest';

import { renderManagedAppsTable } from '../../../../main/cli/list-command.ts';
import type { ManagedApp } from '../../../../main/managed-apps/managed-apps.ts';

const ORG = 'https://dev-1.okta.com';

describe('renderManagedAppsTable', () => {
  it('prints one padded row per app under a heading', () => {
    const managed: ManagedApp = {
      id: '0oa1',
      label: 'Kestra',
      status: 'ACTIVE',
      clientId: '0oa1',
      managedAs: 'created',
      issuer: ORG,
      target: 'kestra',
      users: 12,
      groups: 3,
      secretAgeDays: 40,
      lastVerifiedExport: null,
      drift: true,
      document: { id: 'k', file: '/data/setups/k.json' },
    };
    const unknown: ManagedApp = {
      ...managed,
      id: '0oa22',
      label: 'X',
      target: null,
      secretAgeDays: null,
      drift: null,
      document: null,
    };
    expect(renderManagedAppsTable([managed, unknown]).split('\n')).toEqual([
      'LABEL   ID     STATUS  ISSUER                  TARGET  USERS  GROUPS  SECRET AGE  VERIFIED EXPORT  DRIFT  DOCUMENT',
      `Kestra  0oa1   ACTIVE  ${ORG}  kestra  12     3       40 d        —                yes    /data/setups/k.json (created)`,
      `X       0oa22  ACTIVE  ${ORG}  —       12     3       —           —                ?      — (created, no kept document)`,
      '',
    ]);
  });
});
