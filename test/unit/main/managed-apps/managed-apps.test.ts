import { describe, expect, it } from 'vitest';

import {
  issuerOf,
  lastVerifiedExport,
  managedCandidates,
  secretAgeDays,
} from '../../../../main/managed-apps/managed-apps.ts';
import { readOktaApp, readOktaClientSecret } from '../../../../main/okta/okta-json.ts';
import type { OrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';

const ORG = 'https://dev-1.okta.com';

function app(id: string, setupId?: string) {
  return readOktaApp({
    id,
    label: `App ${id}`,
    status: 'ACTIVE',
    profile: setupId === undefined ? {} : { 'x-sso-console': { setupId } },
  });
}

function kept(document: SetupDocument) {
  return { file: `/data/setups/${document.id}.json`, document };
}

describe('managedCandidates', () => {
  const made = createSetupDocument({ id: 'made', preset: 'kestra' });
  const adopting = createSetupDocument({ id: 'adopting', preset: 'web' });
  adopting.app.existingAppId = 'adopted';
  const elsewhere = createSetupDocument({ id: 'elsewhere', preset: 'web' });
  elsewhere.app.existingAppId = 'not-listed';

  it('keeps the marked apps and the apps a document names, nothing else', () => {
    const { candidates, unlistedAdoptedIds } = managedCandidates(
      [app('a1', 'made'), app('adopted', 'adopting'), app('other'), app('orphan', 'gone')],
      [kept(made), kept(adopting), kept(elsewhere)],
    );
    expect(candidates.map((c) => [c.app.id, c.managedAs, c.kept?.document.id ?? null])).toEqual([
      ['a1', 'created', 'made'],
      ['adopted', 'adopted', 'adopting'],
      ['orphan', 'created', null],
    ]);
    expect(unlistedAdoptedIds).toEqual(['not-listed']);
  });

  it('never pairs a created app with a document that adopts another app', () => {
    const { candidates } = managedCandidates([app('x', 'adopting')], [kept(adopting)]);
    expect(candidates[0]?.kept).toBeUndefined();
  });
});

describe('secretAgeDays', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  it('is the newest ACTIVE secret’s age in whole days', () => {
    const secrets = [
      { status: 'ACTIVE', created: '2026-11-01T12:00:00Z' },
      { status: 'ACTIVE', created: '2026-12-04T13:00:00Z' },
      { status: 'INACTIVE', created: '2026-12-07T11:00:00Z' },
    ].map(readOktaClientSecret);
    expect(secretAgeDays(secrets, now)).toBe(2);
  });
  it('is null without an ACTIVE secret', () => {
    expect(secretAgeDays([], now)).toBeNull();
    expect(
      secretAgeDays([readOktaClientSecret({ status: 'INACTIVE', created: '2026-12-01' })], now),
    ).toBeNull();
  });
});

describe('lastVerifiedExport', () => {
  const record = (clientId: string | null, verifiedAt: string | null, ok = true) => ({
    ok,
    clientId,
    verifiedAt,
    target: 'kestra',
    ...(verifiedAt === '2026-12-01T00:00:00Z' ? {} : { files: ['application.yml'] }),
    contentHash: `h-${String(verifiedAt)}`,
  });
  it('is the latest successful verification of the client', () => {
    expect(
      lastVerifiedExport(
        [
          record('c1', '2026-12-01T00:00:00Z'),
          record('c1', '2026-12-03T00:00:00Z'),
          record('c1', '2026-12-05T00:00:00Z', false),
          record('c1', null, false),
          record('c2', '2026-12-06T00:00:00Z'),
        ],
        'c1',
      ),
    ).toEqual({
      verifiedAt: '2026-12-03T00:00:00Z',
      target: 'kestra',
      files: ['application.yml'],
      contentHash: 'h-2026-12-03T00:00:00Z',
    });
  });
  it('names no files for a record written before the files were kept', () => {
    expect(lastVerifiedExport([record('c1', '2026-12-01T00:00:00Z')], 'c1')?.files).toEqual([]);
  });
  it('is null when none was recorded', () => {
    expect(lastVerifiedExport([record('c2', '2026-12-06T00:00:00Z')], 'c1')).toBeNull();
  });
});

describe('issuerOf', () => {
  const snapshot = { authServer: { id: 'aus9' } } as unknown as OrgSnapshot;
  it('is the org’s without a document or for the org server', () => {
    expect(issuerOf(ORG, undefined, undefined)).toBe(ORG);
    expect(issuerOf(ORG, createSetupDocument({ id: 'k', preset: 'kestra' }), snapshot)).toBe(ORG);
  });
  it('is the custom server’s the document names or made', () => {
    const kaimu = createSetupDocument({ id: 'm', preset: 'kaimu' });
    expect(kaimu.issuer).toMatchObject({ kind: 'custom' });
    const existing: SetupDocument = {
      ...kaimu,
      issuer: { ...kaimu.issuer, kind: 'custom', server: { kind: 'existing', id: 'default' } },
    } as SetupDocument;
    expect(issuerOf(ORG, existing, undefined)).toBe(`${ORG}/oauth2/default`);
    const made = {
      ...kaimu,
      issuer: {
        kind: 'custom',
        server: { kind: 'new', name: 'K', audience: 'api://k', description: '' },
        issuerMode: 'ORG_URL',
        scopes: ['openid'],
      },
    } as SetupDocument;
    expect(issuerOf(ORG, made, snapshot)).toBe(`${ORG}/oauth2/aus9`);
  });
});
