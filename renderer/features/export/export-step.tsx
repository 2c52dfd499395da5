import { useEffect, useId, useRef, useState } from 'react';

import type { ExportTargetId, ExportTargetInfo } from '../../../shared/export/export-targets.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { LabelWithInfo, useFieldInfo } from '../../components/field-help.tsx';
import { CheckboxField } from '../../components/fields.tsx';
import { isFocusKept } from '../../components/focus.ts';
import { KeptSecret } from '../../components/kept-secret.tsx';
import { FooterBar } from '../../components/step-footer.tsx';
import type { RefusedTarget } from '../../stores/export/rendering-slice.ts';
import {
  useConsoleView,
  useExport,
  useProfiles,
  useSetupDocument,
  useSetupRun,
  useStoreHandles,
} from '../../stores/store-context.tsx';
import { ExportOutputCard } from './export-output-card.tsx';

/** The export render request's limit on a file to merge into, in characters. */
const MERGE_FILE_MAX_CHARS = 1_000_000;

/** The file each mergeable target merges into, as its admins know it. */
const MERGE_FILE_NAMES: Partial<Record<ExportTargetId, string>> = {
  kestra: 'application.yml',
  'spring-boot': 'application.yml',
  grafana: 'grafana.ini',
  gitlab: 'gitlab.rb',
};

/** How the inline secret is protected, and what it still risks; shown while it is chosen. */
const INLINE_SECRET_WARNING =
  'The files will hold the client secret. They are written with mode 0600 (readable by you only), but anyone who can read a file can use the secret to act as the app: keep the files out of version control, tickets and chat.';

/**
 * Pick an existing file to merge the export into, for one mergeable target.
 *
 * @remarks
 * The file is read here, in the page, with the File API, and only its text goes to main; main
 * never learns where it lives. One file at a time: the render request carries a single
 * `mergeInto`, so picking one for another target replaces it.
 */
function MergeFilePicker(props: { info: ExportTargetInfo }) {
  const { info } = props;
  const mergeInto = useExport((state) => state.mergeInto);
  const setMergeInto = useExport((state) => state.setMergeInto);
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  const disclosure = useFieldInfo(inputId);
  const fileName = MERGE_FILE_NAMES[info.id];
  const label =
    fileName === undefined
      ? `Merge into an existing file for ${info.title}`
      : `Merge into an existing ${fileName}`;
  const isMergingHere = mergeInto?.target === info.id;

  async function pick(file: File) {
    try {
      const content = await file.text();
      if (content.length > MERGE_FILE_MAX_CHARS) {
        setProblem(`${file.name} is larger than 1 MB; choose the app’s own config file.`);
        return;
      }
      setProblem(null);
      setMergeInto({ target: info.id, fileName: file.name, content });
    } catch (error) {
      setProblem(
        `${file.name} could not be read (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }

  return (
    <div className="field">
      <LabelWithInfo htmlFor={inputId} label={label} topic="merging" info={disclosure}>
        Optional. Your settings stay; the console adds or replaces only its single sign-on part.
      </LabelWithInfo>
      <input
        id={inputId}
        type="file"
        accept=".yml,.yaml,.json,.toml,.ini,.rb,.env,.conf,text/*"
        aria-describedby={disclosure.isOpen ? disclosure.infoId : undefined}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file !== undefined) {
            void pick(file);
          }
        }}
      />
      {isMergingHere && (
        <p className="export-merge__chosen">
          Merging into <code>{mergeInto.fileName}</code>.{' '}
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setMergeInto(null);
            }}
          >
            Don’t merge
          </button>
        </p>
      )}
      {problem !== null && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

/** A target that could not be exported, explained in place like an error. */
function RefusedExplanation(props: { refused: RefusedTarget; title: string }) {
  return (
    <div className="error-message" role="alert" data-refused-target={props.refused.target}>
      <p className="error-message__text">
        {props.title}: {props.refused.message}
      </p>
      <p className="error-message__hint">{props.refused.hint}</p>
    </div>
  );
}

/** `1 file for Kestra`, `3 files for 2 targets`: what a rendering wrote, for the status line. */
function summarise(fileCount: number, targetCount: number): string {
  const files = fileCount === 1 ? '1 file' : `${String(fileCount)} files`;
  const targets = targetCount === 1 ? '1 target' : `${String(targetCount)} targets`;
  return `Wrote ${files} for ${targets}.`;
}

/**
 * Starts the next setup: a fresh document from the same preset, and every step's results of
 * this one (plan, apply, preview, files) forgotten, at the target step.
 */
function useSetUpAnother(): () => void {
  const stores = useStoreHandles();
  return () => {
    const preset = stores.setupDocument?.getState().document.target.preset ?? 'kestra';
    stores.setupDocument?.getState().startFromPreset(preset);
    stores.setupRun?.getState().reset();
    const { preview, export: exported } = stores;
    preview?.setState(preview.getInitialState(), true);
    exported?.setState(exported.getInitialState(), true);
    stores.wizard?.getState().startOver();
  };
}

/**
 * The end of the wizard: what is done, and where to go from here — another app, or this one
 * among the managed apps. Shown once the files are written; it says "verified" once a
 * verification signed in with them.
 */
function EndOfSetup(props: { appLabel: string; isVerified: boolean }) {
  const orgLabel = useProfiles(
    (state) => state.profiles.find((profile) => profile.id === state.activeProfileId)?.label,
  );
  const show = useConsoleView((state) => state.show);
  return (
    <section
      className={`card outcome ${props.isVerified ? 'outcome--success' : ''}`}
      aria-labelledby="end-heading"
      data-testid="end-of-setup"
    >
      <h2 id="end-heading" tabIndex={-1}>
        {props.isVerified
          ? `${props.appLabel} is set up and verified`
          : `${props.appLabel} is set up in ${orgLabel ?? 'the org'}`}
      </h2>
      <p>
        {props.isVerified
          ? `Deploy the files where ${props.appLabel} runs.`
          : `Verify the files, then deploy them where ${props.appLabel} runs.`}{' '}
        Managed apps lists it, to check its sign-ins, rotate its secret or remove it.
      </p>
      <p>
        <button
          type="button"
          className="button"
          onClick={() => {
            show({ kind: 'managed-apps' });
          }}
        >
          Go to Managed apps
        </button>
      </p>
    </section>
  );
}

/**
 * The step after the preview: the config files the target apps read, written from what was
 * applied, to copy, save and verify.
 *
 * @remarks
 * The files come from main (the exporters are pure functions there), so the wizard, the command
 * line and the verification all see the same bytes. By default the files point at an
 * environment variable for the client secret; putting it inline is a choice with its warning
 * next to it. Nothing is written to disk until the admin saves a file, and an existing file is
 * only replaced after its diff was shown.
 */
export function ExportStep() {
  const document = useSetupDocument((state) => state.document);
  const applied = useSetupRun((state) => state.apply.result);
  const catalogue = useExport((state) => state.catalogue);
  const chosen = useExport((state) => state.chosen);
  const inlineSecret = useExport((state) => state.inlineSecret);
  const rendering = useExport((state) => state.rendering);
  const load = useExport((state) => state.load);
  const setChosen = useExport((state) => state.setChosen);
  const setInlineSecret = useExport((state) => state.setInlineSecret);
  const render = useExport((state) => state.render);
  const isVerified = useExport((state) =>
    Object.values(state.verifications).some((verification) => verification.result?.ok === true),
  );
  const setUpAnother = useSetUpAnother();
  const resultsRef = useRef<HTMLDivElement>(null);
  const preset = document.target.preset;
  const renderingStatus = rendering.status;

  // Once the files are written, the keyboard goes to the first target's card, where its files
  // are saved and verified; when none was written it stays on the button (the error is
  // announced), and never drops to the page body.
  const wasRendering = useRef(false);
  useEffect(() => {
    if (renderingStatus === 'loading') {
      wasRendering.current = true;
      return;
    }
    if (!wasRendering.current) {
      return;
    }
    wasRendering.current = false;
    const results = resultsRef.current;
    const firstCard = results?.querySelector<HTMLElement>('.export-output h2');
    if (firstCard !== null && firstCard !== undefined) {
      // The card's top at the top of the window: its file is in view, not just its heading.
      firstCard.focus({ preventScroll: true });
      const card = firstCard.closest('section');
      // jsdom, where the unit tests run, does not implement scrolling.
      if (card !== null && typeof card.scrollIntoView === 'function') {
        card.scrollIntoView({ block: 'start' });
      }
    } else if (!isFocusKept()) {
      results?.closest('section')?.querySelector<HTMLElement>('[data-primary-action]')?.focus();
    }
  }, [renderingStatus]);

  useEffect(() => {
    void load(preset);
  }, [load, preset]);

  // The files are written as the step opens, once the setup is applied and the targets are
  // known: what the admin came for is on screen without a click. Nothing reaches the disk until
  // a file is saved, so writing them here is only showing them. The keyboard then goes to the
  // first file's card, as after Write, which brings it into view above the fold.
  const isReadyToWrite =
    applied !== null &&
    catalogue.status === 'ready' &&
    renderingStatus === 'idle' &&
    chosen.length > 0;
  useEffect(() => {
    if (isReadyToWrite) {
      void render(document);
    }
  }, [isReadyToWrite, render, document]);

  const titleOf = (id: ExportTargetId) =>
    catalogue.targets.find((target) => target.id === id)?.title ?? id;
  const mergeable = catalogue.targets.filter(
    (target) => target.mergeable && chosen.includes(target.id),
  );
  const isRendering = rendering.status === 'loading';
  const write = () => {
    void render(document);
  };
  const blockedReason = chosen.length === 0 ? 'Choose at least one target.' : null;
  const fileCount = rendering.outputs.reduce((count, output) => count + output.files.length, 0);
  const hasFiles = rendering.status === 'done' && fileCount > 0;

  return (
    <section className="step" aria-labelledby="export-heading">
      <h1 id="export-heading" tabIndex={-1}>
        Export config files
      </h1>
      <p className="lede">
        The files {document.app.label} reads to sign in with Okta, from what was applied: save each
        one, then verify it.
      </p>
      {applied === null && (
        <p className="note">
          The files are written from the app as it is in the org. Apply the setup first if you have
          not yet.
        </p>
      )}
      {catalogue.status === 'loading' && <p role="status">Loading the targets…</p>}
      {catalogue.error !== null && <ErrorMessage error={catalogue.error} />}
      {catalogue.status === 'ready' && (
        <>
          <fieldset className="checkbox-group export-targets">
            <legend>Targets</legend>
            {catalogue.targets.map((target) => (
              <CheckboxField
                key={target.id}
                label={target.title}
                path={`export.targets.${target.id}`}
                about={`the ${target.title} files`}
                info={target.description}
                checked={chosen.includes(target.id)}
                onChange={(isChosen) => {
                  setChosen(target.id, isChosen);
                }}
              />
            ))}
          </fieldset>
          <CheckboxField
            label="Put the client secret in the files"
            path="export.inlineSecret"
            checked={inlineSecret}
            onChange={setInlineSecret}
            // On, the files hold the secret: a warning, in place. Off is the safe default.
            help={
              inlineSecret ? (
                <span className="field__warning">{INLINE_SECRET_WARNING}</span>
              ) : undefined
            }
            info={
              inlineSecret
                ? undefined
                : 'Off: the files read the secret from an environment variable, which you set where the app runs.'
            }
          />
          {mergeable.map((info) => (
            <MergeFilePicker key={info.id} info={info} />
          ))}
        </>
      )}
      <p role="status" className="export-status">
        {isRendering
          ? 'Writing the files…'
          : rendering.status === 'done'
            ? summarise(fileCount, rendering.outputs.length)
            : ''}
      </p>
      {rendering.error !== null && <ErrorMessage error={rendering.error} />}
      <div className="export-results" aria-busy={isRendering} ref={resultsRef}>
        {rendering.refused.map((refused) => (
          <RefusedExplanation
            key={refused.target}
            refused={refused}
            title={titleOf(refused.target)}
          />
        ))}
        {rendering.outputs.map((output) => {
          const info = catalogue.targets.find((target) => target.id === output.target) ?? {
            id: output.target,
            title: output.target,
            description: '',
            mergeable: false,
            verifiable: false,
          };
          return (
            <ExportOutputCard key={output.target} output={output} info={info}>
              {/* The value the next steps ask for, at hand right under them. */}
              {applied !== null &&
                !inlineSecret &&
                document.app.tokenEndpointAuthMethod !== 'none' && (
                  <KeptSecret
                    label="Client secret"
                    request={{ secret: 'client-secret', clientId: applied.clientId }}
                  />
                )}
            </ExportOutputCard>
          );
        })}
        {hasFiles && <EndOfSetup appLabel={document.app.label} isVerified={isVerified} />}
      </div>
      <FooterBar
        primary={
          hasFiles
            ? { label: 'Set up another app', onClick: setUpAnother }
            : {
                label: isRendering ? 'Writing the files…' : 'Write the files',
                isBusy: isRendering || catalogue.status !== 'ready',
                disabledReason:
                  catalogue.status === 'ready' ? (blockedReason ?? undefined) : undefined,
                onClick: write,
              }
        }
      >
        {hasFiles && (
          <button
            type="button"
            className="button"
            aria-disabled={isRendering ? true : undefined}
            disabled={blockedReason !== null}
            onClick={() => {
              if (!isRendering) {
                write();
              }
            }}
          >
            {isRendering ? 'Writing the files…' : 'Write the files again'}
          </button>
        )}
      </FooterBar>
    </section>
  );
}
