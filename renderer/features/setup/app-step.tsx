import { useContext, useEffect, useState } from 'react';

import type { AppErrorValue } from '../../../shared/errors.ts';
import { PRESETS } from '../../../shared/setup/presets.ts';
import { GRANT_TYPES, type SetupDocument } from '../../../shared/setup/setup-document.ts';
import { checkWebAddress, type UriFinding } from '../../../shared/setup/uri-lint.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import {
  CheckboxField,
  ListField,
  RadioGroup,
  SelectField,
  TextField,
} from '../../components/fields.tsx';
import { SecretsPlaceContext, useSecretsPlaceName } from '../../components/secrets-place.tsx';
import { StepFooter } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import { uriFindings } from '../../components/validation.ts';
import { useDirectory, useSetupDocument } from '../../stores/store-context.tsx';

const GRANT_LABELS: Record<(typeof GRANT_TYPES)[number], string> = {
  authorization_code: 'Authorization code',
  refresh_token: 'Refresh token',
  implicit: 'Implicit (hybrid)',
};

const APPLICATION_TYPE_OPTIONS = [
  { value: 'web', label: 'Web application (server-side, with a client secret)' },
  { value: 'browser', label: 'Single-page application (no secret)' },
  { value: 'native', label: 'Native application (desktop or mobile)' },
] as const;

const CLIENT_AUTHENTICATION_OPTIONS = [
  { value: 'client_secret_basic', label: 'Client secret, HTTP Basic (client_secret_basic)' },
  { value: 'client_secret_post', label: 'Client secret in the body (client_secret_post)' },
  { value: 'none', label: 'None: public client with PKCE (none)' },
] as const;

const CONSENT_OPTIONS = [
  { value: 'TRUSTED', label: 'Trusted: no consent screen' },
  { value: 'REQUIRED', label: 'Required: users approve the scopes' },
] as const;

/** An option's label by its value, for the sentence that names the preset's choice. */
function optionLabel(options: readonly { value: string; label: string }[], value: string): string {
  return options.find((option) => option.value === value)?.label ?? value;
}

/** Sentences that each may be absent, as one help line, or nothing when all are. */
function sentences(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((part) => part !== undefined);
  return present.length === 0 ? undefined : present.join(' ');
}

/**
 * What the target's preset chose for each setting this step shows, said under a setting only
 * where the app's value now differs: a deviation the admin should know is one.
 *
 * @remarks
 * Only for an app the setup creates; an existing app's values are the org's, and comparing them
 * with a preset would flag every one of them.
 */
function presetDeviations(document: SetupDocument) {
  const preset = PRESETS[document.target.preset];
  const app = document.app;
  const fromPreset = preset.app;
  const isNew = app.existingAppId === undefined;
  const note = (differs: boolean, text: string) => (isNew && differs ? text : undefined);
  const samePresetGrants =
    fromPreset.grantTypes.length === app.grantTypes.length &&
    fromPreset.grantTypes.every((grant) => app.grantTypes.includes(grant));
  return {
    applicationType: note(
      app.applicationType !== fromPreset.applicationType,
      `${preset.name}’s preset uses ${optionLabel(APPLICATION_TYPE_OPTIONS, fromPreset.applicationType)}.`,
    ),
    grantTypes: note(
      !samePresetGrants,
      `${preset.name}’s preset uses ${fromPreset.grantTypes.map((grant) => GRANT_LABELS[grant]).join(', ')}.`,
    ),
    tokenEndpointAuthMethod: note(
      app.tokenEndpointAuthMethod !== fromPreset.tokenEndpointAuthMethod,
      `${preset.name}’s preset uses ${optionLabel(CLIENT_AUTHENTICATION_OPTIONS, fromPreset.tokenEndpointAuthMethod)}.`,
    ),
    pkceRequired: note(
      app.pkceRequired !== fromPreset.pkceRequired,
      fromPreset.pkceRequired
        ? `${preset.name}’s preset requires PKCE.`
        : `${preset.name}’s preset does not require PKCE.`,
    ),
    consentMethod: note(
      app.consentMethod !== fromPreset.consentMethod,
      `${preset.name}’s preset uses ${optionLabel(CONSENT_OPTIONS, fromPreset.consentMethod)}.`,
    ),
    implicitAssignment: note(
      app.implicitAssignment !== fromPreset.implicitAssignment,
      fromPreset.implicitAssignment
        ? `${preset.name}’s preset turns Federation Broker Mode on.`
        : `${preset.name}’s preset leaves Federation Broker Mode off.`,
    ),
  };
}

/** Federation Broker Mode in one sentence: a consequence while on, background while off. */
const BROKER_MODE_TEXT =
  'Everyone in the org may sign in and assignments are skipped. Okta allows it for web apps only.';

/** What this step edits: the app's settings but its name (the target step asks that). */
const APP_STEP_PATHS = [
  'app.existingAppId',
  'app.applicationType',
  'app.grantTypes',
  'app.redirectUris',
  'app.postLogoutRedirectUris',
  'app.initiateLoginUri',
  'app.pkceRequired',
  'app.tokenEndpointAuthMethod',
  'app.consentMethod',
  'app.implicitAssignment',
  'trustedOrigins',
] as const;

/** Each trusted origin that is not a web address, with the address to use when there is one. */
function originFindings(origins: readonly string[]): UriFinding[] {
  return origins.flatMap((origin): UriFinding[] => {
    const problem = checkWebAddress(origin, 'The origin');
    return problem === undefined
      ? []
      : [
          {
            uri: origin,
            severity: 'error',
            rule: problem.rule === 'missing-scheme' ? 'missing-scheme' : 'not-absolute',
            message: problem.message,
            ...(problem.fix === undefined ? {} : { fix: problem.fix }),
          },
        ];
  });
}

/** Lint errors as step problems, so Next stops on them like on schema problems. */
function uriProblems(document: SetupDocument): [string, string][] {
  const { signIn, signOut } = uriFindings(document);
  return [
    ...signIn
      .filter((finding) => finding.severity === 'error')
      .map((finding): [string, string] => ['app.redirectUris', finding.message]),
    ...signOut
      .filter((finding) => finding.severity === 'error')
      .map((finding): [string, string] => ['app.postLogoutRedirectUris', finding.message]),
  ];
}

/** The findings under a URI list: what is wrong, why, and a button that applies the fix. */
function UriFindings(props: {
  findings: UriFinding[];
  label: string;
  onFix: (finding: UriFinding) => void;
}) {
  if (props.findings.length === 0) {
    return null;
  }
  return (
    <ul className="findings" aria-label={`Checks on the ${props.label}`}>
      {props.findings.map((finding) => (
        <li
          key={`${finding.rule} ${finding.uri}`}
          className={`finding finding--${finding.severity}`}
          data-rule={finding.rule}
        >
          <span className="finding__severity">
            {finding.severity === 'error' ? 'Error' : 'Warning'}:
          </span>{' '}
          {finding.uri === '' ? null : <code>{finding.uri}</code>} {finding.message}
          {finding.fix !== undefined && (
            <>
              {' '}
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  props.onFix(finding);
                }}
              >
                Use {finding.fix}
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Replace a URI by its fix, or add the fix when the finding is about a missing one. */
function applyFix(uris: string[], finding: UriFinding): string[] {
  if (finding.fix === undefined) {
    return uris;
  }
  const index = uris.indexOf(finding.uri);
  if (index === -1 || finding.rule === 'missing-callback') {
    return uris.includes(finding.fix) ? uris : [...uris, finding.fix];
  }
  const fixed = [...uris];
  fixed[index] = finding.fix;
  return [...new Set(fixed)];
}

/**
 * Pick an existing OIDC app integration to edit instead of creating one.
 *
 * @remarks
 * Searches labels as the admin types (one page from main); the chosen app is read into the
 * document, so the plan then shows only what would change on it.
 */
function ExistingAppPicker(props: { onPicked: () => void }) {
  const readApp = useDirectory((state) => state.readApp);
  const apps = useDirectory((state) => state.apps);
  const searchApps = useDirectory((state) => state.searchApps);
  const update = useSetupDocument((state) => state.update);
  const [readError, setReadError] = useState<AppErrorValue | null>(null);
  const [readingId, setReadingId] = useState<string | null>(null);

  useEffect(() => {
    searchApps('');
  }, [searchApps]);

  async function pick(appId: string) {
    setReadingId(appId);
    setReadError(null);
    const result = await readApp(appId);
    setReadingId(null);
    if (!result.ok) {
      setReadError(result.error);
      return;
    }
    update((draft) => {
      draft.app = result.data.app;
      draft.trustedOrigins = result.data.trustedOrigins;
    });
    props.onPicked();
  }

  return (
    <div className="picker">
      <TextField
        label="Search app integrations"
        path="picker.apps"
        value={apps.query}
        info="App integrations whose name starts with what you type. Only OIDC ones can be set up here; the others say why."
        onChange={searchApps}
      />
      <p role="status" className="field__help">
        {apps.status === 'searching'
          ? 'Searching…'
          : apps.status === 'done'
            ? `${String(apps.matches.length)} app integration${apps.matches.length === 1 ? '' : 's'}${apps.more ? ' shown; type more of the name to narrow the list' : ''}.`
            : ''}
      </p>
      {apps.error !== null && <ErrorMessage error={apps.error} />}
      {readError !== null && <ErrorMessage error={readError} />}
      <ul className="picker__list" aria-label="App integrations">
        {apps.matches.map((app) => (
          <li key={app.id} className="picker__item">
            <span>
              <strong>{app.label}</strong>{' '}
              <span className="visually-muted">
                {app.applicationType} · {app.status}
                {app.clientId !== '' && ` · client ${app.clientId}`}
                {app.setupId !== null && ' · made by this console'}
              </span>
              {app.notEditable !== null && (
                <span className="field__help picker__reason">{app.notEditable}</span>
              )}
            </span>
            {app.notEditable === null && (
              <button
                type="button"
                className="button button--small"
                disabled={readingId !== null}
                onClick={() => void pick(app.id)}
              >
                {readingId === app.id ? 'Reading…' : `Edit ${app.label}`}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Step three: the app integration, as Okta's Admin Console form has it, with every URI checked
 * as it is typed.
 */
export function AppStep() {
  const secretsPlace = useSecretsPlaceName();
  const secretsKind = useContext(SecretsPlaceContext);
  const update = useSetupDocument((state) => state.update);
  // The name is asked once, on the target step, and checked there.
  const { document, problem, check } = useStepCheck(APP_STEP_PATHS, uriProblems);
  const [mode, setMode] = useState<'new' | 'existing'>(
    document.app.existingAppId === undefined ? 'new' : 'existing',
  );
  const [isPicking, setIsPicking] = useState(false);
  const app = document.app;
  const findings = uriFindings(document);
  const deviations = presetDeviations(document);
  const secretText =
    app.applicationType === 'web'
      ? `Okta generates the secret once; the console keeps it in ${secretsPlace}.`
      : 'Browser and native apps cannot keep a secret; they prove themselves with PKCE.';
  // Where the secret is kept changes what the admin does only when it is memory (lost on quit).
  const isSecretTextNeeded = app.applicationType === 'web' && secretsKind === 'memory';

  function edit(recipe: (draft: SetupDocument['app']) => void) {
    update((draft) => {
      recipe(draft.app);
    });
  }

  return (
    <section className="step" aria-labelledby="app-heading">
      <h1 id="app-heading" tabIndex={-1}>
        App integration
      </h1>
      <RadioGroup
        legend="App integration"
        name="app-mode"
        path="app.mode"
        value={mode}
        options={[
          { value: 'new', label: 'Create a new app integration' },
          { value: 'existing', label: 'Edit an existing app integration' },
        ]}
        onChange={(value) => {
          setMode(value);
          setIsPicking(value === 'existing');
          if (value === 'new') {
            edit((draft) => {
              delete draft.existingAppId;
            });
          }
        }}
      />
      {mode === 'new' && (
        <p className="note">
          Creates <strong>{app.label === '' ? 'an app integration' : app.label}</strong>, named on
          the Target app step.
        </p>
      )}
      {mode === 'existing' && (
        <>
          {app.existingAppId !== undefined && !isPicking ? (
            <p className="note">
              Editing <strong>{app.label}</strong> (<code>{app.existingAppId}</code>).{' '}
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  setIsPicking(true);
                }}
              >
                Pick another
              </button>
            </p>
          ) : (
            <ExistingAppPicker
              onPicked={() => {
                setIsPicking(false);
              }}
            />
          )}
        </>
      )}
      <div className="form-grid">
        <div>
          <SelectField
            label="Application type"
            path="app.applicationType"
            value={app.applicationType}
            options={APPLICATION_TYPE_OPTIONS}
            help={deviations.applicationType}
            onChange={(applicationType) => {
              edit((draft) => {
                draft.applicationType = applicationType;
                if (applicationType !== 'web') {
                  draft.tokenEndpointAuthMethod = 'none';
                  draft.pkceRequired = true;
                } else if (draft.tokenEndpointAuthMethod === 'none') {
                  draft.tokenEndpointAuthMethod = 'client_secret_basic';
                }
              });
            }}
          />
          <fieldset className="checkbox-group">
            <legend>Grant types</legend>
            {GRANT_TYPES.map((grant) => (
              <CheckboxField
                key={grant}
                label={GRANT_LABELS[grant]}
                path={`app.grantTypes.${grant}`}
                checked={app.grantTypes.includes(grant)}
                onChange={(checked) => {
                  edit((draft) => {
                    draft.grantTypes = checked
                      ? GRANT_TYPES.filter((g) => g === grant || draft.grantTypes.includes(g))
                      : draft.grantTypes.filter((g) => g !== grant);
                  });
                }}
              />
            ))}
            {deviations.grantTypes !== undefined && (
              <p className="field__help">{deviations.grantTypes}</p>
            )}
            {problem('app.grantTypes') !== undefined && (
              <p className="field__error" data-field="app.grantTypes" tabIndex={-1}>
                {problem('app.grantTypes')}
              </p>
            )}
          </fieldset>
          <SelectField
            label="Client authentication"
            path="app.tokenEndpointAuthMethod"
            value={app.tokenEndpointAuthMethod}
            options={CLIENT_AUTHENTICATION_OPTIONS}
            help={sentences(
              isSecretTextNeeded ? secretText : undefined,
              deviations.tokenEndpointAuthMethod,
            )}
            info={isSecretTextNeeded ? undefined : secretText}
            onChange={(method) => {
              edit((draft) => {
                draft.tokenEndpointAuthMethod = method;
              });
            }}
          />
          <CheckboxField
            label="Require PKCE"
            path="app.pkceRequired"
            checked={app.pkceRequired}
            help={deviations.pkceRequired}
            info="Okta then refuses an authorization request without a code challenge."
            onChange={(checked) => {
              edit((draft) => {
                draft.pkceRequired = checked;
              });
            }}
          />
          <SelectField
            label="User consent"
            path="app.consentMethod"
            value={app.consentMethod}
            options={CONSENT_OPTIONS}
            help={deviations.consentMethod}
            onChange={(consentMethod) => {
              edit((draft) => {
                draft.consentMethod = consentMethod;
              });
            }}
          />
          <CheckboxField
            label="Federation Broker Mode"
            path="app.implicitAssignment"
            checked={app.implicitAssignment}
            // On, it changes who may sign in: said in place. Off, it is background.
            help={sentences(
              app.implicitAssignment ? BROKER_MODE_TEXT : undefined,
              deviations.implicitAssignment,
            )}
            info={app.implicitAssignment ? undefined : BROKER_MODE_TEXT}
            onChange={(checked) => {
              edit((draft) => {
                draft.implicitAssignment = checked;
              });
            }}
          />
        </div>
        <div>
          <ListField
            label="Sign-in redirect URIs (one per line)"
            path="app.redirectUris"
            values={app.redirectUris}
            about="Sign-in redirect URIs"
            info={
              <>
                Okta sends users back only to these, matched exactly. The target’s callback is{' '}
                <code>{findings.callback}</code>.
              </>
            }
            error={problem('app.redirectUris')}
            onChange={(uris) => {
              edit((draft) => {
                draft.redirectUris = uris;
              });
            }}
          >
            <UriFindings
              findings={findings.signIn}
              label="sign-in redirect URIs"
              onFix={(finding) => {
                edit((draft) => {
                  draft.redirectUris = applyFix(draft.redirectUris, finding);
                });
              }}
            />
          </ListField>
          <ListField
            label="Sign-out redirect URIs (one per line)"
            path="app.postLogoutRedirectUris"
            values={app.postLogoutRedirectUris}
            info="Where Okta may send users after signing out. Leave empty if the app has no sign-out."
            error={problem('app.postLogoutRedirectUris')}
            onChange={(uris) => {
              edit((draft) => {
                draft.postLogoutRedirectUris = uris;
              });
            }}
          >
            <UriFindings
              findings={findings.signOut}
              label="sign-out redirect URIs"
              onFix={(finding) => {
                edit((draft) => {
                  draft.postLogoutRedirectUris = applyFix(draft.postLogoutRedirectUris, finding);
                });
              }}
            />
          </ListField>
          <TextField
            label="Initiate login URI (optional)"
            path="app.initiateLoginUri"
            type="url"
            value={app.initiateLoginUri ?? ''}
            info="Where Okta’s dashboard tile starts a sign-in at the app."
            error={problem('app.initiateLoginUri')}
            onChange={(value) => {
              edit((draft) => {
                if (value.trim() === '') {
                  delete draft.initiateLoginUri;
                } else {
                  draft.initiateLoginUri = value.trim();
                }
              });
            }}
          />
          {app.applicationType === 'browser' && (
            <ListField
              label="Trusted origins (one per line)"
              path="trustedOrigins"
              values={document.trustedOrigins.map((trusted) => trusted.origin)}
              info="The single-page app’s origins: Okta allows their cross-origin calls (CORS) and redirects to them."
              error={problem('trustedOrigins')}
              onChange={(origins) => {
                update((draft) => {
                  draft.trustedOrigins = origins.map(
                    (origin) =>
                      draft.trustedOrigins.find((trusted) => trusted.origin === origin) ?? {
                        name: `${draft.app.label} (${origin})`,
                        origin,
                        scopes: ['CORS', 'REDIRECT'],
                      },
                  );
                });
              }}
            >
              <UriFindings
                findings={originFindings(document.trustedOrigins.map((trusted) => trusted.origin))}
                label="trusted origins"
                onFix={(finding) => {
                  update((draft) => {
                    for (const trusted of draft.trustedOrigins) {
                      if (trusted.origin === finding.uri && finding.fix !== undefined) {
                        trusted.name = trusted.name.replace(finding.uri, finding.fix);
                        trusted.origin = finding.fix;
                      }
                    }
                  });
                }}
              />
            </ListField>
          )}
        </div>
      </div>
      <StepFooter nextLabel="Next: users and groups" onNext={check} />
    </section>
  );
}
