import type { AppErrorValue } from '../../../shared/errors.ts';
import type { ExportTargetId, ExportTargetInfo } from '../../../shared/export/export-targets.ts';
import type { BridgeApi } from '../../../shared/ipc/bridge.ts';
import { PRESETS } from '../../../shared/setup/presets.ts';
import type { PresetId } from '../../../shared/setup/setup-document.ts';
import { call } from '../../api/call.ts';
import type { ExportSliceCreator } from '../export-store.ts';

/** An existing file the admin picked to merge the export into (Kestra's application.yml). */
export interface MergeFile {
  target: ExportTargetId;
  /** The picked file's name, shown back to the admin; main never sees it. */
  fileName: string;
  content: string;
}

/** What can be written and what the admin asked for: the targets and the rendering's options. */
export interface ExportTargetsSlice {
  /** How the console runs: the desktop app saves through a dialog, browser mode downloads. */
  mode: 'electron' | 'browser' | null;
  catalogue: {
    status: 'idle' | 'loading' | 'ready' | 'error';
    targets: ExportTargetInfo[];
    error: AppErrorValue | null;
  };
  chosen: ExportTargetId[];
  /** Whether the admin changed the choice; until then it follows the setup's preset. */
  hasChosen: boolean;
  inlineSecret: boolean;
  mergeInto: MergeFile | null;
  /** Loads the catalogue and the console's mode, and picks the preset's target if none was. */
  load: (preset: PresetId) => Promise<void>;
  setChosen: (target: ExportTargetId, isChosen: boolean) => void;
  setInlineSecret: (inlineSecret: boolean) => void;
  setMergeInto: (merge: MergeFile | null) => void;
}

/**
 * The target the export starts with for a preset: its own app's config (the preset and the
 * export target are one choice, made on the target step), a `.env` for the generic presets,
 * whose apps are unknown.
 */
export function defaultExportTarget(preset: PresetId): ExportTargetId {
  return PRESETS[preset].exportTarget ?? 'dotenv';
}

/**
 * The export's targets: the catalogue main offers, the ones chosen, and the options the next
 * rendering uses.
 *
 * @remarks
 * The console's mode is loaded here too, with the catalogue, because the export step asks for
 * both once when it opens; the file delivery reads it to say "Save" or "Download".
 */
export function createTargetsSlice(api: BridgeApi): ExportSliceCreator<ExportTargetsSlice> {
  return (set, get) => ({
    mode: null,
    catalogue: { status: 'idle', targets: [], error: null },
    chosen: [],
    hasChosen: false,
    inlineSecret: false,
    mergeInto: null,

    async load(preset) {
      if (get().mode === null) {
        void call(api, 'app:get-info', {}).then((info) => {
          if (info.ok) {
            set({ mode: info.data.mode });
          }
        });
      }
      let targets = get().catalogue.targets;
      if (get().catalogue.status !== 'ready') {
        set({ catalogue: { status: 'loading', targets: [], error: null } });
        const answer = await call(api, 'export:targets', {});
        if (!answer.ok) {
          set({ catalogue: { status: 'error', targets: [], error: answer.error } });
          return;
        }
        targets = answer.data.targets;
        set({ catalogue: { status: 'ready', targets, error: null } });
      }
      if (!get().hasChosen) {
        const preferred = defaultExportTarget(preset);
        set({ chosen: targets.some((target) => target.id === preferred) ? [preferred] : [] });
      }
    },

    setChosen(target, isChosen) {
      const others = get().chosen.filter((id) => id !== target);
      // Kept in catalogue order, so the request and the cards follow the list on screen.
      const chosen = isChosen ? [...others, target] : others;
      const order = get().catalogue.targets.map((info) => info.id);
      chosen.sort((a, b) => order.indexOf(a) - order.indexOf(b));
      set({ chosen, hasChosen: true });
    },

    setInlineSecret(inlineSecret) {
      set({ inlineSecret });
    },

    setMergeInto(mergeInto) {
      set({ mergeInto });
    },
  });
}
