import { type ReactNode, useEffect, useId, useRef } from 'react';

import type {
  ExportedFile,
  ExportOutput,
  ExportTargetId,
  ExportTargetInfo,
} from '../../../shared/export/export-targets.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import {
  type FileCopyState,
  fileKey,
  type FileSaveState,
} from '../../stores/export/file-delivery-slice.ts';
import { useExport } from '../../stores/store-context.tsx';
import { CodeBlock } from './code-block.tsx';
import { VerifyPanel } from './verify-panel.tsx';

/** What happened to a file, in one sentence for the status line; empty while nothing did. */
function describe(
  name: string,
  isSensitive: boolean,
  save: FileSaveState | undefined,
  copy: FileCopyState | undefined,
): string {
  switch (save?.status) {
    case 'saving':
      return 'Saving…';
    case 'saved':
      return save.mode === '0600'
        ? `Saved to ${save.path} (mode 0600: readable by you only).`
        : `Saved to ${save.path}.`;
    case 'cancelled':
      return 'Not saved.';
    case 'downloaded':
      // Browser mode hands the file to the browser, which alone knows its folder.
      return `Downloaded as ${name} into your browser’s download folder (usually ~/Downloads): move it to where the app reads it.`;
    default:
      break;
  }
  switch (copy?.status) {
    case 'copying':
      return 'Copying…';
    case 'copied':
      return isSensitive ? 'Copied, with the client secret.' : 'Copied.';
    case 'unavailable':
      return isSensitive
        ? 'The clipboard is not available here: save the file instead.'
        : 'The clipboard is not available here: select the text above and copy it.';
    default:
      return '';
  }
}

/** A unified diff with added and removed lines marked, as plain text nodes. */
function DiffBlock(props: { diff: string; label: string }) {
  const lines = props.diff.split('\n');
  return (
    <pre className="code-block" role="region" aria-label={props.label} tabIndex={0}>
      <code>
        {lines.map((line, index) => {
          const isHeader = line.startsWith('+++') || line.startsWith('---');
          const kind = isHeader
            ? 'header'
            : line.startsWith('+')
              ? 'added'
              : line.startsWith('-')
                ? 'removed'
                : 'context';
          return (
            // Lines have no identity beyond their position, and the list is rebuilt as a whole.
            <span key={index} className={`diff-line diff-line--${kind}`}>
              {line}
              {index < lines.length - 1 && '\n'}
            </span>
          );
        })}
      </code>
    </pre>
  );
}

/**
 * The file already on disk differs: its diff, then Replace or Keep.
 *
 * @remarks
 * Takes the keyboard when it appears, so the admin who pressed Save lands on the question rather
 * than having to look for it.
 */
function OverwriteQuestion(props: {
  target: ExportTargetId;
  name: string;
  path: string;
  diff: string;
}) {
  const replace = useExport((state) => state.replace);
  const keepExisting = useExport((state) => state.keepExisting);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const questionId = useId();

  useEffect(() => {
    questionRef.current?.focus();
  }, []);

  return (
    <div className="export-overwrite" role="group" aria-labelledby={questionId}>
      <p id={questionId} ref={questionRef} tabIndex={-1}>
        <code>{props.path}</code> already exists. Replacing it makes these changes:
      </p>
      <DiffBlock diff={props.diff} label={`Changes to ${props.path}`} />
      <div className="export-file__actions">
        <button
          type="button"
          className="button button--danger"
          onClick={() => void replace(props.target, props.name)}
        >
          Replace
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            keepExisting(props.target, props.name);
          }}
        >
          Keep the existing file
        </button>
      </div>
    </div>
  );
}

/** One file: what it is for, its content, and Copy and Save (or Download). */
function ExportFileView(props: { target: ExportTargetId; file: ExportedFile }) {
  const { target, file } = props;
  const key = fileKey(target, file.name);
  const mode = useExport((state) => state.mode);
  const save = useExport((state) => state.saves[key]);
  const copyState = useExport((state) => state.copies[key]);
  const saveFile = useExport((state) => state.save);
  const copyFile = useExport((state) => state.copy);
  const nameId = useId();
  const isSaving = save?.status === 'saving';
  const isCopying = copyState?.status === 'copying';
  const saveButtonRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  const saveStatus = save?.status;

  // The overwrite question had the keyboard; once it is answered and gone, give the keyboard
  // back to Save rather than leaving it on the page body.
  useEffect(() => {
    if (saveStatus === 'confirm-overwrite') {
      wasAsking.current = true;
    } else if (wasAsking.current && saveStatus !== 'saving') {
      wasAsking.current = false;
      saveButtonRef.current?.focus();
    }
  }, [saveStatus]);

  return (
    <article className="export-file" aria-labelledby={nameId} data-file-name={file.name}>
      <h3 className="export-file__name">
        <code id={nameId}>{file.name}</code>
        {file.sensitive && <span className="badge badge--warning">Holds the client secret</span>}
      </h3>
      <p className="export-file__purpose">{file.purpose}</p>
      {file.sensitive && (
        <p className="field__help">
          The secret is masked below; Copy and {mode === 'browser' ? 'Download' : 'Save'} write it
          in full.
        </p>
      )}
      <CodeBlock content={file.content} language={file.language} label={`${file.name} contents`} />
      <div className="export-file__actions">
        <button
          type="button"
          className="button"
          disabled={isCopying}
          onClick={() => void copyFile(target, file.name)}
        >
          Copy
        </button>
        <button
          ref={saveButtonRef}
          type="button"
          className="button"
          disabled={isSaving}
          onClick={() => void saveFile(target, file.name)}
        >
          {mode === 'browser' ? 'Download' : 'Save…'}
        </button>
        <span role="status" className="field__help">
          {describe(file.name, file.sensitive, save, copyState)}
        </span>
      </div>
      {save?.status === 'confirm-overwrite' && (
        <OverwriteQuestion target={target} name={file.name} path={save.path} diff={save.diff} />
      )}
      {save?.status === 'error' && <ErrorMessage error={save.error} />}
      {copyState?.status === 'error' && <ErrorMessage error={copyState.error} />}
    </article>
  );
}

/**
 * What was written for one target: its files, what to do next, warnings, and its verification.
 *
 * @remarks
 * A region named by the target's title, so the admin (and a screen reader's landmark list) can
 * jump between targets. `children` go right under the next steps: the client secret they ask
 * for, so it is at hand where it is needed rather than in a card of its own further down.
 */
export function ExportOutputCard(props: {
  output: ExportOutput;
  info: ExportTargetInfo;
  children?: ReactNode;
}) {
  const { output, info } = props;
  const headingId = useId();
  return (
    <section
      className="card export-output"
      aria-labelledby={headingId}
      data-export-target={output.target}
    >
      <h2 id={headingId} tabIndex={-1}>
        {info.title}
      </h2>
      {output.warnings.map((warning) => (
        <p key={warning} className="note note--warning" role="note">
          {warning}
        </p>
      ))}
      {output.files.map((file) => (
        <ExportFileView key={file.name} target={output.target} file={file} />
      ))}
      {output.nextSteps.length > 0 && (
        <>
          <h3>Next steps</h3>
          <ol className="export-next-steps" aria-label={`Next steps for ${info.title}`}>
            {output.nextSteps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </>
      )}
      {props.children}
      {info.verifiable && <VerifyPanel target={output.target} />}
    </section>
  );
}
