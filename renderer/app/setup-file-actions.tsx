import { useRef, useState } from 'react';

import { parseSetupDocument, SetupDocumentError } from '../../shared/setup/setup-document.ts';
import { useSetupDocument, useSetupRun, useWizard } from '../stores/store-context.tsx';

/** `Kestra (prod)` → `kestra-prod`: a file name from the app's label. */
function fileNameFor(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug === '' ? 'setup' : slug}.sso-setup.json`;
}

/**
 * Save the setup document to a file, open one, or start over.
 *
 * @remarks
 * Uses the web platform's download and file input rather than Electron dialogs, so the same code
 * runs in the desktop app and in browser mode; the file never passes through main. The document
 * has no secrets, so saving it anywhere is safe. An opened file is validated with the same
 * schema the command line uses, and its problems are listed here, by path.
 */
export function SetupFileActions() {
  const document = useSetupDocument((state) => state.document);
  const replace = useSetupDocument((state) => state.replace);
  const startFromPreset = useSetupDocument((state) => state.startFromPreset);
  const resetRun = useSetupRun((state) => state.reset);
  const goTo = useWizard((state) => state.goTo);
  const inputRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'status'; lines: string[] } | null>(
    null,
  );

  async function open(file: File) {
    try {
      const opened = parseSetupDocument(JSON.parse(await file.text()));
      replace(opened);
      resetRun();
      setMessage({ kind: 'status', lines: [`Opened ${file.name}.`] });
      goTo('target');
    } catch (error) {
      setMessage({
        kind: 'error',
        lines:
          error instanceof SetupDocumentError
            ? [`${file.name}: ${error.message}`, ...error.problems]
            : [
                `${file.name} is not JSON (${error instanceof Error ? error.message : String(error)}). Choose a setup file saved by the console or written by sso-console init.`,
              ],
      });
    }
  }

  return (
    <div className="file-actions">
      <button
        type="button"
        className="button"
        onClick={() => {
          const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], {
            type: 'application/json',
          });
          const link = window.document.createElement('a');
          link.href = URL.createObjectURL(blob);
          link.download = fileNameFor(document.app.label);
          link.click();
          URL.revokeObjectURL(link.href);
          setMessage({ kind: 'status', lines: [`Saved as ${link.download}.`] });
        }}
      >
        Save setup file
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          inputRef.current?.click();
        }}
      >
        Open setup file…
      </button>
      <input
        ref={inputRef}
        hidden
        aria-label="Setup file to open"
        type="file"
        accept=".json,application/json"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file !== undefined) {
            void open(file);
          }
        }}
      />
      <button
        type="button"
        className="button"
        onClick={() => {
          startFromPreset(document.target.preset);
          resetRun();
          setMessage({ kind: 'status', lines: ['Started a new setup.'] });
          goTo('target');
        }}
      >
        New setup
      </button>
      <div role={message?.kind === 'error' ? 'alert' : 'status'} className="file-actions__message">
        {message?.lines.map((line) => (
          <p key={line} className={message.kind === 'error' ? 'field__error' : 'field__help'}>
            {line}
          </p>
        ))}
      </div>
    </div>
  );
}
