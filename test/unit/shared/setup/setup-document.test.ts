import { describe, expect, it } from 'vitest';

import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { parseSetupDocument, SetupDocumentError } from '../../../../shared/setup/setup-document.ts';

describe('parseSetupDocument', () => {
  it('reads back what JSON made of a document', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });
    expect(parseSetupDocument(JSON.parse(JSON.stringify(document)))).toEqual(document);
  });

  it('names every wrong field with its path and Okta-form wording', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' }) as unknown as Record<
      string,
      unknown
    >;
    const broken = {
      ...document,
      app: { ...(document.app as object), label: '  ', grantTypes: [] },
      assignments: {
        users: [],
        groups: [],
        testUser: { firstName: 'Ada', lastName: 'L', email: 'ada' },
      },
    };
    let error: unknown;
    try {
      parseSetupDocument(broken);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SetupDocumentError);
    expect((error as SetupDocumentError).message).toMatch(
      /^This is not a valid setup document \(3 problems\)\. Fix the fields named below/,
    );
    expect((error as SetupDocumentError).problems).toEqual([
      'app.label: The app name cannot be blank.',
      'app.grantTypes: Choose at least one grant type.',
      'assignments.testUser.email: Enter an email address, e.g. ada@example.com.',
    ]);
  });

  it('says to update the console for a newer format, rather than listing fields', () => {
    expect(() => parseSetupDocument({ formatVersion: 2 })).toThrow(
      'This setup document is format 2, newer than this console reads (1). Update SSO Setup Console to open it.',
    );
  });

  it('names at most 10,000 users, saying to assign a group instead', () => {
    const document = createSetupDocument({ id: 'many', preset: 'kestra' });
    document.assignments.users = Array.from({ length: 10_001 }, (_, index) => ({
      login: `user${String(index)}@example.com`,
    }));
    expect(() => parseSetupDocument(document)).toThrow(
      expect.objectContaining({
        problems: [
          'assignments.users: A setup names at most 10,000 users: assign a group instead of listing its members.',
        ],
      }),
    );
    document.assignments.users.pop();
    expect(parseSetupDocument(document).assignments.users).toHaveLength(10_000);
  });

  it('refuses what is not a document at all', () => {
    expect(() => parseSetupDocument('kestra')).toThrow(SetupDocumentError);
  });
});
