import { createStore } from 'zustand/vanilla';

import { createSetupDocument, PRESETS } from '../../shared/setup/presets.ts';
import {
  parseSetupDocument,
  type PresetId,
  type SetupDocument,
  setupDocumentSchema,
} from '../../shared/setup/setup-document.ts';

/** Where the document is kept between runs: the renderer's local storage, under one key. */
export const SETUP_DOCUMENT_STORAGE_KEY = 'sso-console.setup-document';

/**
 * Where a kept document that could not be restored is set aside, as it was, so starting fresh
 * never destroys it: the admin can still find it (and a later console may read it).
 */
export const UNRESTORED_DOCUMENT_STORAGE_KEY = 'sso-console.setup-document.unrestored';

/**
 * Problems a half-filled setup has while the admin fills it in: a blank name, an email being
 * typed, no grant type ticked yet, an address without its scheme. A document with only these
 * is the admin's draft, and is restored as it is; anything else (a wrong type, an unknown preset,
 * a newer format) means the kept value is not a draft of this console's document.
 */
const DRAFT_ISSUE_CODES: ReadonlySet<string> = new Set([
  'too_small',
  'too_big',
  'invalid_format',
  'custom',
]);

/**
 * Reads a kept document: a complete one through the schema, a draft with only
 * {@link DRAFT_ISSUE_CODES} problems as it was kept (the wizard shows those problems in place).
 */
function restoreKept(value: unknown): SetupDocument {
  try {
    return parseSetupDocument(value);
  } catch (error) {
    const result = setupDocumentSchema.safeParse(value);
    if (
      !result.success &&
      result.error.issues.every((issue) => DRAFT_ISSUE_CODES.has(issue.code))
    ) {
      // Structurally the document (every type, enum and literal is right): the failures are
      // the values the admin has not finished, which the store holds while they are typed.
      return value as SetupDocument;
    }
    throw error;
  }
}

/** The setup document store's state and actions. */
export interface SetupDocumentState {
  document: SetupDocument;
  /** Why the kept document could not be restored (it was set aside and a fresh one started). */
  restoreProblem: string | null;
  /** Starts a fresh document for a preset, replacing the current one. */
  startFromPreset: (preset: PresetId, options?: { baseUrl?: string; label?: string }) => void;
  /**
   * Changes the target's base URL or client key, and the URIs derived from them with it.
   *
   * @remarks
   * Only URIs that still equal what the preset derived from the old values follow; a URI the
   * admin edited by hand is theirs and stays.
   */
  setTarget: (target: { baseUrl?: string; clientKey?: string }) => void;
  /** Edits the document: `recipe` changes a copy, which replaces the document. */
  update: (recipe: (draft: SetupDocument) => void) => void;
  /** Replaces the document with one opened from a file (already parsed). */
  replace: (document: SetupDocument) => void;
  /** The admin has read {@link SetupDocumentState.restoreProblem}; it is no longer shown. */
  dismissRestoreProblem: () => void;
}

/**
 * The setup document the wizard edits, kept in local storage between runs.
 *
 * @remarks
 * A factory taking the storage and the id source, so tests pass in-memory ones. The document
 * holds no secret by design (see `setup-document.ts`), which is what makes local storage an
 * acceptable home for it. A kept document that no longer parses (an older console's, a hand
 * edit) is not silently dropped: the store starts fresh, sets the old one aside and says why. A
 * half-filled one (blank fields, an address being typed) is a draft, not a failure: it is
 * restored as it was, so a reload in the middle of a setup loses nothing.
 */
export function createSetupDocumentStore(deps: {
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  newId: () => string;
}) {
  function fresh(preset: PresetId, options: { baseUrl?: string; label?: string } = {}) {
    return createSetupDocument({ id: deps.newId(), preset, ...options });
  }

  function restore(): { document: SetupDocument; restoreProblem: string | null } {
    const kept = deps.storage.getItem(SETUP_DOCUMENT_STORAGE_KEY);
    if (kept === null) {
      return { document: fresh('kestra'), restoreProblem: null };
    }
    try {
      return { document: restoreKept(JSON.parse(kept)), restoreProblem: null };
    } catch (error) {
      deps.storage.setItem(UNRESTORED_DOCUMENT_STORAGE_KEY, kept);
      return {
        document: fresh('kestra'),
        restoreProblem: `The setup kept from the last run could not be restored (${error instanceof Error ? error.message : String(error)}), so a new one was started. The old one was set aside in this window's storage under ${UNRESTORED_DOCUMENT_STORAGE_KEY}; open a setup file to continue from a saved copy.`,
      };
    }
  }

  const store = createStore<SetupDocumentState>()((set, get) => ({
    ...restore(),

    startFromPreset(preset, options) {
      set({ document: fresh(preset, options), restoreProblem: null });
    },

    setTarget(target) {
      const before = get().document;
      const preset = PRESETS[before.target.preset];
      const baseUrl = target.baseUrl ?? before.target.baseUrl;
      const clientKey = target.clientKey ?? before.target.clientKey;
      const oldUris = preset.uris(before.target.baseUrl, before.target.clientKey);
      const newUris = preset.uris(baseUrl, clientKey);
      const follow = (uris: string[], oldUri: string | undefined, newUri: string | undefined) =>
        uris.map((uri) => (uri === oldUri && newUri !== undefined ? newUri : uri));
      const document = structuredClone(before);
      document.target.baseUrl = baseUrl;
      if (clientKey !== undefined) {
        document.target.clientKey = clientKey;
      }
      document.app.redirectUris = follow(
        document.app.redirectUris,
        oldUris.callback,
        newUris.callback,
      );
      document.app.postLogoutRedirectUris = follow(
        document.app.postLogoutRedirectUris,
        oldUris.signOut,
        newUris.signOut,
      );
      const oldOrigin = originOf(before.target.baseUrl);
      const newOrigin = originOf(baseUrl);
      for (const trusted of document.trustedOrigins) {
        if (oldOrigin !== undefined && trusted.origin === oldOrigin && newOrigin !== undefined) {
          trusted.origin = newOrigin;
          trusted.name = trusted.name.replace(oldOrigin, newOrigin);
        }
      }
      set({ document });
    },

    update(recipe) {
      const document = structuredClone(get().document);
      recipe(document);
      set({ document });
    },

    replace(document) {
      set({ document, restoreProblem: null });
    },

    dismissRestoreProblem() {
      set({ restoreProblem: null });
    },
  }));

  store.subscribe((state, previous) => {
    if (state.document !== previous.document) {
      deps.storage.setItem(SETUP_DOCUMENT_STORAGE_KEY, JSON.stringify(state.document));
    }
  });
  return store;
}

function originOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin : undefined;
}

/** A setup document store; see {@link createSetupDocumentStore}. */
export type SetupDocumentStore = ReturnType<typeof createSetupDocumentStore>;
