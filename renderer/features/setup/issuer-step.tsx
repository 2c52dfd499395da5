import { PRESETS } from '../../../shared/setup/presets.ts';
import {
  type GroupsClaim,
  ISSUER_MODES,
  type IssuerSettings,
  type SetupDocument,
} from '../../../shared/setup/setup-document.ts';
import {
  CheckboxField,
  ListField,
  RadioGroup,
  SelectField,
  TextField,
} from '../../components/fields.tsx';
import { StepFooter } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import { useProfiles, useSetupDocument } from '../../stores/store-context.tsx';

/** Okta's issuer modes in one sentence each (okta-behaviours.md §2). */
const ISSUER_MODE_SENTENCES: Record<
  (typeof ISSUER_MODES)[number],
  { label: string; text: string }
> = {
  ORG_URL: {
    label: 'Okta URL (ORG_URL)',
    text: 'Tokens always name your Okta domain as issuer, even when sign-in went through a custom domain.',
  },
  DYNAMIC: {
    label: 'Dynamic (DYNAMIC)',
    text: 'The issuer is the domain the sign-in came through: your Okta domain or your custom domain.',
  },
  CUSTOM_URL: {
    label: 'Custom domain (CUSTOM_URL)',
    text: 'Tokens name your custom domain as issuer; the org needs a verified custom domain.',
  },
};

/** The org server's groups claim has limits that decide what the app can read. */
const ORG_GROUPS_CLAIM_TEXT =
  'Set on the app’s Sign On tab: Okta puts it only into ID tokens asked for with the groups scope, never into access tokens.';

/** On a custom server it is an ordinary claim: shown on request. */
const CUSTOM_GROUPS_CLAIM_TEXT =
  'Added to the server as an ID token claim, released with the openid scope.';

const DEFAULT_CLAIM: GroupsClaim = {
  type: 'FILTER',
  name: 'groups',
  filterType: 'REGEX',
  value: '.*',
};

/** Okta's own example of a groups expression: the Okta groups starting with a prefix. */
const DEFAULT_EXPRESSION = 'Groups.startsWith("OKTA", "", 100)';

/** The issuer the target app will be configured with, as this document would make it. */
function issuerPreview(orgUrl: string | undefined, issuer: IssuerSettings): string {
  const base = orgUrl ?? 'https://{your Okta domain}';
  if (issuer.kind === 'org') {
    return base;
  }
  return issuer.server.kind === 'existing'
    ? `${base}/oauth2/${issuer.server.id}`
    : `${base}/oauth2/{the new server's id}`;
}

/**
 * Step five: which authorization server issues the tokens, in which issuer mode, with which
 * scopes and claims.
 */
export function IssuerStep() {
  const update = useSetupDocument((state) => state.update);
  const orgUrl = useProfiles(
    (state) => state.profiles.find((profile) => profile.id === state.activeProfileId)?.orgUrl,
  );
  const { document, problem, check } = useStepCheck(['issuer']);
  const issuer = document.issuer;
  const preset = PRESETS[document.target.preset];
  const isOrgClaimLimited = issuer.kind === 'org' && issuer.groupsClaim !== undefined;
  // A choice that differs from the preset's is said under it: the preset follows the target's
  // own guide, so a deviation is worth knowing about.
  const kindDeviation =
    issuer.kind === preset.issuer.kind
      ? undefined
      : `${preset.name}’s preset uses the ${preset.issuer.kind === 'org' ? 'org' : 'custom'} authorization server.`;
  const modeDeviation =
    issuer.issuerMode === preset.issuer.issuerMode
      ? undefined
      : `${preset.name}’s preset uses ${ISSUER_MODE_SENTENCES[preset.issuer.issuerMode].label}.`;

  function edit(recipe: (draft: SetupDocument['issuer']) => void) {
    update((draft) => {
      recipe(draft.issuer);
    });
  }

  return (
    <section className="step" aria-labelledby="issuer-heading">
      <h1 id="issuer-heading" tabIndex={-1}>
        Issuer
      </h1>
      {preset.notes.issuer !== undefined && <p className="note">{preset.notes.issuer}</p>}
      <p>
        Issuer for {preset.name}:{' '}
        <code data-testid="issuer-preview">{issuerPreview(orgUrl, issuer)}</code>
      </p>
      <div className="form-grid">
        <div>
          <RadioGroup
            legend="Authorization server"
            name="issuer-kind"
            path="issuer.kind"
            value={issuer.kind}
            options={[
              {
                value: 'org',
                label: 'Org authorization server',
                description:
                  'Built into every org, no extra licence. Signs ID tokens for sign-in; its access tokens are for Okta’s own APIs only.',
              },
              {
                value: 'custom',
                label: 'Custom authorization server',
                description:
                  'Your own scopes, claims and access policies, and access tokens your APIs can verify. Needs Okta’s API Access Management (included in developer orgs).',
              },
            ]}
            onChange={(kind) => {
              update((draft) => {
                const issuerMode = draft.issuer.issuerMode;
                const groupsClaim = draft.issuer.groupsClaim;
                draft.issuer =
                  kind === 'org'
                    ? {
                        kind: 'org',
                        issuerMode,
                        ...(groupsClaim === undefined ? {} : { groupsClaim }),
                      }
                    : {
                        kind: 'custom',
                        server: { kind: 'existing', id: 'default' },
                        issuerMode,
                        scopes: ['openid', 'email', 'profile'],
                        ...(groupsClaim === undefined ? {} : { groupsClaim }),
                      };
              });
            }}
          />
          {kindDeviation !== undefined && <p className="field__help">{kindDeviation}</p>}
          {issuer.kind === 'custom' && (
            <>
              <p className="note" role="note">
                A custom authorization server needs Okta’s API Access Management. Without it, Okta
                refuses to read or create one (“You do not have permission to access the feature you
                are requesting”); the plan will say so before anything is changed.
              </p>
              <RadioGroup
                legend="Which custom server"
                name="server-kind"
                path="issuer.server.kind"
                value={issuer.server.kind}
                options={[
                  { value: 'existing', label: 'An existing server (e.g. default)' },
                  { value: 'new', label: 'A new server' },
                ]}
                onChange={(kind) => {
                  edit((draft) => {
                    if (draft.kind === 'custom') {
                      draft.server =
                        kind === 'existing'
                          ? { kind: 'existing', id: 'default' }
                          : {
                              kind: 'new',
                              name: document.app.label,
                              audience: `api://${document.target.preset}`,
                              description: `Issues tokens for ${document.app.label}.`,
                            };
                    }
                  });
                }}
              />
              {issuer.server.kind === 'existing' ? (
                <TextField
                  label="Server id"
                  path="issuer.server.id"
                  value={issuer.server.id}
                  info="default is the server every org with API Access Management has."
                  error={problem('issuer.server.id')}
                  onChange={(id) => {
                    edit((draft) => {
                      if (draft.kind === 'custom' && draft.server.kind === 'existing') {
                        draft.server.id = id.trim();
                      }
                    });
                  }}
                />
              ) : (
                <fieldset className="subfields">
                  <legend>New server</legend>
                  <TextField
                    label="Server name"
                    path="issuer.server.name"
                    value={issuer.server.name}
                    error={problem('issuer.server.name')}
                    onChange={(name) => {
                      edit((draft) => {
                        if (draft.kind === 'custom' && draft.server.kind === 'new') {
                          draft.server.name = name;
                        }
                      });
                    }}
                  />
                  <TextField
                    label="Audience"
                    path="issuer.server.audience"
                    value={issuer.server.audience}
                    info="The aud claim of its access tokens: usually your API’s identifier."
                    error={problem('issuer.server.audience')}
                    onChange={(audience) => {
                      edit((draft) => {
                        if (draft.kind === 'custom' && draft.server.kind === 'new') {
                          draft.server.audience = audience;
                        }
                      });
                    }}
                  />
                  <TextField
                    label="Description"
                    path="issuer.server.description"
                    value={issuer.server.description}
                    onChange={(description) => {
                      edit((draft) => {
                        if (draft.kind === 'custom' && draft.server.kind === 'new') {
                          draft.server.description = description;
                        }
                      });
                    }}
                  />
                </fieldset>
              )}
              <ListField
                label="Scopes the app requests (one per line)"
                path="issuer.scopes"
                values={issuer.scopes}
                help={
                  preset.notes.scopes ??
                  'Scopes missing on the server are created; the access policy rule allows them.'
                }
                error={problem('issuer.scopes')}
                onChange={(scopes) => {
                  edit((draft) => {
                    if (draft.kind === 'custom') {
                      draft.scopes = scopes;
                    }
                  });
                }}
              />
            </>
          )}
        </div>
        <div>
          <RadioGroup
            legend="Issuer mode"
            name="issuer-mode"
            path="issuer.issuerMode"
            value={issuer.issuerMode}
            options={ISSUER_MODES.map((mode) => ({
              value: mode,
              label: ISSUER_MODE_SENTENCES[mode].label,
              description: ISSUER_MODE_SENTENCES[mode].text,
            }))}
            onChange={(issuerMode) => {
              edit((draft) => {
                draft.issuerMode = issuerMode;
              });
            }}
          />
          {modeDeviation !== undefined && <p className="field__help">{modeDeviation}</p>}
          <CheckboxField
            label="Add a groups claim"
            path="issuer.groupsClaim"
            checked={issuer.groupsClaim !== undefined}
            // Once added on the org server, the claim's limits change what the app can read:
            // said in place. Before that, and on a custom server, it is background.
            help={isOrgClaimLimited ? ORG_GROUPS_CLAIM_TEXT : undefined}
            info={
              isOrgClaimLimited
                ? undefined
                : issuer.kind === 'org'
                  ? ORG_GROUPS_CLAIM_TEXT
                  : CUSTOM_GROUPS_CLAIM_TEXT
            }
            onChange={(checked) => {
              edit((draft) => {
                if (checked) {
                  draft.groupsClaim = DEFAULT_CLAIM;
                } else {
                  delete draft.groupsClaim;
                }
              });
            }}
          />
          {issuer.groupsClaim !== undefined && (
            <fieldset className="subfields">
              <legend>Groups claim</legend>
              <TextField
                label="Claim name"
                path="issuer.groupsClaim.name"
                value={issuer.groupsClaim.name}
                error={problem('issuer.groupsClaim.name')}
                onChange={(name) => {
                  edit((draft) => {
                    if (draft.groupsClaim !== undefined) {
                      draft.groupsClaim.name = name;
                    }
                  });
                }}
              />
              <SelectField
                label="Groups claim type"
                path="issuer.groupsClaim.type"
                value={issuer.groupsClaim.type}
                options={[
                  { value: 'FILTER', label: 'Filter' },
                  { value: 'EXPRESSION', label: 'Expression' },
                ]}
                onChange={(type) => {
                  edit((draft) => {
                    if (draft.groupsClaim === undefined || draft.groupsClaim.type === type) {
                      return;
                    }
                    const { name } = draft.groupsClaim;
                    draft.groupsClaim =
                      type === 'FILTER'
                        ? { ...DEFAULT_CLAIM, name }
                        : { type: 'EXPRESSION', name, value: DEFAULT_EXPRESSION };
                  });
                }}
              />
              {issuer.groupsClaim.type === 'FILTER' && (
                <SelectField
                  label="Filter"
                  path="issuer.groupsClaim.filterType"
                  value={issuer.groupsClaim.filterType}
                  options={[
                    { value: 'STARTS_WITH', label: 'Starts with' },
                    { value: 'EQUALS', label: 'Equals' },
                    { value: 'CONTAINS', label: 'Contains' },
                    { value: 'REGEX', label: 'Matches regex' },
                  ]}
                  onChange={(filterType) => {
                    edit((draft) => {
                      if (draft.groupsClaim?.type === 'FILTER') {
                        draft.groupsClaim.filterType = filterType;
                      }
                    });
                  }}
                />
              )}
              <TextField
                label={issuer.groupsClaim.type === 'FILTER' ? 'Filter value' : 'Expression'}
                path="issuer.groupsClaim.value"
                value={issuer.groupsClaim.value}
                info={
                  issuer.groupsClaim.type === 'FILTER'
                    ? 'e.g. Kestra for “Starts with”, or .* for every group the user is in.'
                    : 'An Okta Expression Language group function, e.g. Groups.startsWith("OKTA", "Kestra", 100): the user’s Okta groups whose names start with Kestra, at most 100.'
                }
                error={problem('issuer.groupsClaim.value')}
                onChange={(value) => {
                  edit((draft) => {
                    if (draft.groupsClaim !== undefined) {
                      draft.groupsClaim.value = value;
                    }
                  });
                }}
              />
            </fieldset>
          )}
        </div>
      </div>
      <StepFooter nextLabel="Next: review" onNext={check} />
    </section>
  );
}
