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
import { PRESET_IDS, type PresetId } from '../../../shared/setup/setup-document.ts';
import { TextField } from '../../components/fields.tsx';
import { StepFooter } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import { useSetupDocument, useSetupRun } from '../../stores/store-context.tsx';

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
  const preset = PRESETS[document.target.preset];
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
        and its export writes the app’s config; you can change every value in the next steps.
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
        help="The name admins and users see in Okta. Okta does not require it to be unique; the console marks the app it creates so it is never made twice."
        error={problem('app.label')}
        onChange={(label) => {
          update((draft) => {
            draft.app.label = label;
          });
        }}
      />
      <StepFooter nextLabel="Next: app integration" onNext={check} />
    </section>
  );
}
