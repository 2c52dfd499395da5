import { describe, expect, it } from 'vitest';

import type { ServerCandidate } from '../../../../main/export/issuer-candidates.ts';
import {
  chooseExportIssuer,
  ExportIssuerChoiceError,
  serverIdOfIssuer,
} from '../../../../main/export/issuer-choice.ts';

const ORG = 'https://acme.okta.com';
const CLIENT = '0oaclient';

function server(
  id: string,
  admits: { naming?: string[]; allClients?: string[] } = {},
): ServerCandidate {
  return {
    authServerId: id,
    name: id === 'default' ? 'default' : `Server ${id}`,
    issuer: `${ORG}/oauth2/${id}`,
    namingPolicies: admits.naming ?? [],
    allClientsPolicies: admits.allClients ?? [],
  };
}

const DEFAULT = server('default', { allClients: ['Default Policy'] });

/** The refusal `run` throws; fails the test when it throws none or another error. */
function refusal(run: () => unknown): ExportIssuerChoiceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExportIssuerChoiceError);
    return error as ExportIssuerChoiceError;
  }
  throw new Error('Expected the export to be refused.');
}

describe('serverIdOfIssuer', () => {
  it('reads the org server, a custom server, and nothing else of the org', () => {
    expect(serverIdOfIssuer(ORG, ORG)).toBeNull();
    expect(serverIdOfIssuer(ORG, `${ORG}/`)).toBeNull();
    expect(serverIdOfIssuer(ORG, `${ORG}/oauth2/default`)).toBe('default');
    expect(serverIdOfIssuer(ORG, `${ORG}/oauth2/aus1/`)).toBe('aus1');
    expect(serverIdOfIssuer(ORG, 'https://other.okta.com/oauth2/default')).toBeUndefined();
    expect(serverIdOfIssuer(ORG, `${ORG}/oauth2/default/v1/keys`)).toBeUndefined();
    expect(serverIdOfIssuer(ORG, `${ORG}/oauth2/default?x=1`)).toBeUndefined();
    expect(serverIdOfIssuer(ORG, 'default')).toBeUndefined();
  });
});

describe('chooseExportIssuer', () => {
  it('takes the one server whose policy names the client, over an all-clients one', () => {
    const choice = chooseExportIssuer({
      orgUrl: ORG,
      clientId: CLIENT,
      servers: [DEFAULT, server('aus1', { naming: ['Grafana access'] })],
    });
    expect(choice).toEqual({
      authServerId: 'aus1',
      issuer: `${ORG}/oauth2/aus1`,
      source: 'policy',
    });
  });

  it('refuses two servers that both name the client, listing their issuers and --issuer', () => {
    const error = refusal(() =>
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers: [
          server('aus1', { naming: ['A access'] }),
          DEFAULT,
          server('aus2', { naming: ['B access', 'B again'] }),
        ],
      }),
    );
    expect(error.code).toBe('EXPORT_REFUSED');
    expect(error.candidates).toEqual([`${ORG}/oauth2/aus1`, `${ORG}/oauth2/aus2`]);
    expect(error.message).toContain(`"Server aus1" (${ORG}/oauth2/aus1, policy "A access")`);
    expect(error.message).toContain('policies "B access", "B again"');
    expect(error.hint).toBe(
      `Choose the issuer with --issuer, one of ${ORG}/oauth2/aus1, ${ORG}/oauth2/aus2.`,
    );
  });

  it('writes the org issuer when only an all-clients policy admits the client, and says so', () => {
    const choice = chooseExportIssuer({ orgUrl: ORG, clientId: CLIENT, servers: [DEFAULT] });
    expect(choice.authServerId).toBeNull();
    expect(choice.issuer).toBe(ORG);
    expect(choice.source).toBe('org');
    expect(choice.warning).toContain(`no access policy names client ${CLIENT}`);
    expect(choice.warning).toContain(`"default" (${ORG}/oauth2/default, policy "Default Policy")`);
    expect(choice.warning).toContain(`export again with --issuer ${ORG}/oauth2/default`);
  });

  it('writes the org issuer without a warning when no server admits the client at all', () => {
    expect(
      chooseExportIssuer({ orgUrl: ORG, clientId: CLIENT, servers: [server('aus1')] }),
    ).toEqual({ authServerId: null, issuer: ORG, source: 'org' });
  });

  it('follows the kept setup document over the org’s policies', () => {
    const servers = [DEFAULT, server('aus1', { naming: ['Other access'] })];
    expect(
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers,
        setup: { setupId: 's1', issuer: { kind: 'custom', authServerId: 'default' } },
      }),
    ).toEqual({ authServerId: 'default', issuer: `${ORG}/oauth2/default`, source: 'setup' });
    expect(
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers,
        setup: { setupId: 's1', issuer: { kind: 'org' } },
      }),
    ).toEqual({ authServerId: null, issuer: ORG, source: 'setup' });
  });

  it('refuses a setup whose server is not active in the org, rather than guess another', () => {
    const missing = refusal(() =>
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers: [DEFAULT],
        setup: { setupId: 's1', issuer: { kind: 'missing', serverName: 'Grafana' } },
      }),
    );
    expect(missing.message).toContain('the authorization server "Grafana"');
    expect(missing.hint).toContain(`--issuer (${ORG}, ${ORG}/oauth2/default)`);
    const inactive = refusal(() =>
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers: [DEFAULT],
        setup: { setupId: 's1', issuer: { kind: 'custom', authServerId: 'aus9' } },
      }),
    );
    expect(inactive.message).toContain('"aus9", which is not an active server');
  });

  it('takes the admin’s --issuer over everything, and refuses one that is not the org’s', () => {
    const servers = [server('aus1', { naming: ['A'] }), server('aus2', { naming: ['B'] })];
    const setup = { setupId: 's1', issuer: { kind: 'org' as const } };
    expect(
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers,
        setup,
        requested: `${ORG}/oauth2/aus2`,
      }),
    ).toEqual({ authServerId: 'aus2', issuer: `${ORG}/oauth2/aus2`, source: 'requested' });
    expect(
      chooseExportIssuer({ orgUrl: ORG, clientId: CLIENT, servers, requested: `${ORG}/` }),
    ).toEqual({ authServerId: null, issuer: ORG, source: 'requested' });
    const elsewhere = refusal(() =>
      chooseExportIssuer({
        orgUrl: ORG,
        clientId: CLIENT,
        servers,
        requested: 'https://other.okta.com/oauth2/aus1',
      }),
    );
    expect(elsewhere.message).toBe(
      `--issuer https://other.okta.com/oauth2/aus1 is not an issuer of ${ORG}: the org's are ${ORG}, ${ORG}/oauth2/aus1, ${ORG}/oauth2/aus2 (its active authorization servers).`,
    );
    expect(
      refusal(() =>
        chooseExportIssuer({
          orgUrl: ORG,
          clientId: CLIENT,
          servers,
          requested: `${ORG}/oauth2/gone`,
        }),
      ).candidates,
    ).toEqual([ORG, `${ORG}/oauth2/aus1`, `${ORG}/oauth2/aus2`]);
  });

  it('warns when the chosen server has no policy that admits the client', () => {
    const choice = chooseExportIssuer({
      orgUrl: ORG,
      clientId: CLIENT,
      servers: [server('aus1')],
      requested: `${ORG}/oauth2/aus1`,
    });
    expect(choice.authServerId).toBe('aus1');
    expect(choice.warning).toContain(
      `No active access policy of "Server aus1" admits client ${CLIENT}`,
    );
  });
});
