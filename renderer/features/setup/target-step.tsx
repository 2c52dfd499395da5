import { PRESETS } from '../../../shared/setup/presets.ts';
import { PRESET_IDS } from '../../../shared/setup/setup-document.ts';
import { RadioGroup, TextField } from '../../components/fields.tsx';
import { StepFooter } from '../../components/step-footer.tsx';
import { useStepCheck } from '../../components/use-step-check.ts';
import { useSetupDocument, useSetupRun } from '../../stores/store-context.tsx';

/**
 * Step two: which app is getting single sign-on, and where it is served.
 *
 * @remarks
 * Choosing a preset starts a fresh setup document from the target's defaults (its callback,
 * grant types, client authentication and issuer); the base URL and client key then derive the
 * URIs, which the next step shows and lets the admin change.
 */
export function TargetStep() {
  const startFromPreset = useSetupDocument((state) => state.startFromPreset);
  const setTarget = useSetupDocument((state) => state.setTarget);
  const update = useSetupDocument((state) => state.update);
  const resetRun = useSetupRun((state) => state.reset);
  const { document, problem, check } = useStepCheck(['target', 'app.label']);
  const preset = PRESETS[document.target.preset];
  const { callback } = preset.uris(document.target.baseUrl, document.target.clientKey);

  return (
    <section className="step" aria-labelledby="target-heading">
      <h1 id="target-heading" tabIndex={-1}>
        Target app
      </h1>
      <p className="lede">
        Choose the app that will sign in with Okta. Its preset fills in what its Okta guide asks
        for; you can change every value in the next steps.
      </p>
      <RadioGroup
        legend="Preset"
        name="preset"
        path="target.preset"
        value={document.target.preset}
        options={PRESET_IDS.map((id) => ({
          value: id,
          label: PRESETS[id].name,
          description: PRESETS[id].description,
        }))}
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
          setTarget({ baseUrl });
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
            setTarget({ clientKey });
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
