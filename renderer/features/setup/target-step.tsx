import { useId, useState } from 'react';

import {
  callbackRule,
  followInitiateLoginUri,
  type Preset,
  PRESET_CATEGORIES,
  PRESET_CATEGORY_TITLES,
  PRESETS,
  searchPresets,
} from '../../../shared/setup/presets.ts';
import {
  PRESET_IDS,
  type PresetId,
  type SetupDocument,
} from '../../../shared/setup/setup-document.ts';
import { TextField } from '../../components/fields.tsx';
import { FooterBar } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import { documentProblems, problemsUnder, uriFindings } from '../../components/validation.ts';
import { useSetupDocument, useSetupRun, useWizard } from '../../stores/store-context.tsx';
import type { WizardStepId } from '../../stores/wizard-store.ts';

/**
 * The test user a preset's quick path adds: a plain name, and an address at `example.com`,
 * which RFC 2606 reserves, so no mail Okta sends about the user reaches anyone.
 *
 * @remarks
 * One per preset, so a second app of the same kind reuses it (the plan finds it and only
 * assigns it), and its password stays the one the keychain holds.
 */
function presetTestUser(preset: Preset): NonNullable<SetupDocument['assignments']['testUser']> {
  return {
    firstName: 'Test',
    lastName: `${preset.name} User`,
    email: `${preset.id}.tester@example.com`,
  };
}

/** The steps the quick path skips, each with the parts of the document it edits. */
const SKIPPED_STEPS: readonly [WizardStepId, readonly string[]][] = [
  ['app', ['app', 'trustedOrigins']],
  ['people', ['assignments']],
  ['issuer', ['issuer']],
];

/**
 * Where the quick path lands: Review, or the first skipped step with a problem (a value edited
 * there earlier that does not hold), which then shows it.
 */
function quickPathStep(document: SetupDocument): WizardStepId {
  const problems = documentProblems(document);
  const { signIn, signOut } = uriFindings(document);
  const hasUriError = [...signIn, ...signOut].some((finding) => finding.severity === 'error');
  const failing = SKIPPED_STEPS.find(
    ([id, prefixes]) =>
      problemsUnder(problems, prefixes).length > 0 || (id === 'app' && hasUriError),
  );
  return failing?.[0] ?? 'review';
}

/**
 * The presets as one radio group, in a fieldset per category, narrowed by a search field.
 *
 * @remarks
 * Every radio shares one name, so the arrow keys move through all the listed presets, across the
 * categories, as through one list; Tab enters at the chosen one. The search only hides presets
 * (the choice stays, and says so when it is hidden), and its count is announced politely as the
 * admin types.
 */
function PresetPicker(props: { value: PresetId; onChange: (id: PresetId) => void }) {
  const id = useId();
  const [search, setSearch] = useState('');
  const found = searchPresets(search);
  const chosenHidden = !found.some((preset) => preset.id === props.value);
  const count =
    found.length === PRESET_IDS.length
      ? `${String(found.length)} targets, by kind.`
      : `${String(found.length)} of ${String(PRESET_IDS.length)} targets match.`;

  const option = (preset: Preset) => (
    <div className="radio-group__option" key={preset.id}>
      <input
        type="radio"
        id={`${id}-${preset.id}`}
        name={`${id}-preset`}
        data-field="target.preset"
        value={preset.id}
        checked={props.value === preset.id}
        onChange={() => {
          props.onChange(preset.id);
        }}
        aria-describedby={`${id}-${preset.id}-description`}
      />
      <label htmlFor={`${id}-${preset.id}`}>{preset.name}</label>
      <p className="field__help" id={`${id}-${preset.id}-description`}>
        {preset.description} Callback: <code>{callbackRule(preset)}</code>
      </p>
    </div>
  );

  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-search`}>Find a target</label>
        <input
          id={`${id}-search`}
          type="search"
          spellCheck={false}
          maxLength={100}
          value={search}
          placeholder="e.g. Grafana, kubernetes, Next.js"
          aria-describedby={`${id}-count`}
          aria-controls={`${id}-presets`}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
        />
        <p className="field__help" id={`${id}-count`} role="status">
          {count}
        </p>
      </div>
      <fieldset className="radio-group" id={`${id}-presets`}>
        <legend>Preset</legend>
        {PRESET_CATEGORIES.map((category) => {
          const presets = found.filter((preset) => preset.category === category);
          return presets.length === 0 ? null : (
            <fieldset className="radio-group" key={category}>
              <legend>{PRESET_CATEGORY_TITLES[category]}</legend>
              {presets.map(option)}
            </fieldset>
          );
        })}
        {found.length === 0 && (
          <p className="field__help">
            No target matches “{search}”. The generic web app fits any server-side app that signs in
            with a client secret.{' '}
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setSearch('');
              }}
            >
              Show every target
            </button>
          </p>
        )}
        {chosenHidden && found.length > 0 && (
          <p className="field__help">
            Chosen: {PRESETS[props.value].name}, which the search hides.
          </p>
        )}
      </fieldset>
    </>
  );
}

/**
 * Step two: which app is getting single sign-on, and where it is served.
 *
 * @remarks
 * Choosing a preset starts a fresh setup document from the target's defaults (its callback,
 * sign-out and initiate login URIs, grant types, client authentication, PKCE, issuer, scopes and
 * groups claim); the base URL and client key then derive the URIs, which the next step shows and
 * lets the admin change. An app with an export target of its own is that target's preset, so the
 * export later writes its config without a second choice.
 */
export function TargetStep() {
  const startFromPreset = useSetupDocument((state) => state.startFromPreset);
  const setTarget = useSetupDocument((state) => state.setTarget);
  const update = useSetupDocument((state) => state.update);
  const resetRun = useSetupRun((state) => state.reset);
  const { document, problem, check } = useStepCheck(['target', 'app.label']);
  const next = useWizard((state) => state.next);
  const skipTo = useWizard((state) => state.skipTo);
  const preset = PRESETS[document.target.preset];

  /**
   * The quick path: the preset already filled the app, the issuer and who signs in; this adds
   * the test user (the preview and the export's verification sign in as them) and goes to
   * Review. The skipped steps stay open from the step list.
   */
  const setUpWithDefaults = () => {
    if (!check()) {
      return;
    }
    const testUser = document.assignments.testUser ?? presetTestUser(preset);
    update((draft) => {
      draft.assignments.testUser = testUser;
    });
    skipTo(quickPathStep({ ...document, assignments: { ...document.assignments, testUser } }));
  };
  const { callback } = preset.uris(document.target.baseUrl, document.target.clientKey);

  /** Moves the base URL or client key, and the initiate login URI derived from them with it. */
  const retarget = (target: { baseUrl?: string; clientKey?: string }) => {
    const before = document.target;
    setTarget(target);
    update((draft) => {
      followInitiateLoginUri(draft, before);
    });
  };

  return (
    <section className="step" aria-labelledby="target-heading">
      <h1 id="target-heading" tabIndex={-1}>
        Target app
      </h1>
      <p className="lede">
        Choose the app that will sign in with Okta. Its preset fills in what its own guide asks for,
        and its export writes the app’s config.
      </p>
      <p className="lede">
        <strong>Set up with {preset.name}’s defaults</strong> goes straight to Review, with a test
        user, <code>{document.assignments.testUser?.email ?? presetTestUser(preset).email}</code>,
        to sign in as. <strong>Customize</strong> walks through every value first.
      </p>
      <PresetPicker
        value={document.target.preset}
        onChange={(id) => {
          startFromPreset(id);
          resetRun();
        }}
      />
      <TextField
        label="App’s base URL"
        path="target.baseUrl"
        type="url"
        value={document.target.baseUrl}
        placeholder={preset.defaultBaseUrl}
        help={
          <>
            Where {preset.name} is served, as its users’ browsers reach it. Callback:{' '}
            <code>{callback}</code>
          </>
        }
        error={problem('target.baseUrl')}
        onChange={(baseUrl) => {
          retarget({ baseUrl });
        }}
      />
      {preset.defaultClientKey !== undefined && (
        <TextField
          label="Client key"
          path="target.clientKey"
          value={document.target.clientKey ?? ''}
          help={preset.notes.clientKey}
          error={problem('target.clientKey')}
          onChange={(clientKey) => {
            retarget({ clientKey });
          }}
        />
      )}
      <TextField
        label="App integration name"
        path="app.label"
        value={document.app.label}
        info="The name admins and users see in Okta. Okta does not require it to be unique; the console marks the app it creates so it is never made twice."
        error={problem('app.label')}
        onChange={(label) => {
          update((draft) => {
            draft.app.label = label;
          });
        }}
      />
      <FooterBar
        primary={{ label: `Set up with ${preset.name}’s defaults`, onClick: setUpWithDefaults }}
      >
        <button
          type="button"
          className="button"
          onClick={() => {
            if (check()) {
              next();
            }
          }}
        >
          Customize
        </button>
      </FooterBar>
    </section>
  );
}
