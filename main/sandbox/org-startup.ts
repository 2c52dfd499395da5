import { createAuthServer } from './routes/authorization-servers.ts';
import { createSandboxOrg } from './sandbox-org.ts';
import { type SeedOption, seedOrg, type SeedSummary } from './seed.ts';
import {
  createStatePersister,
  encodeState,
  readStateFile,
  type SandboxState,
  StateFileError,
  type StatePersister,
  writeFileAtomically,
} from './state-file.ts';

/** The org a sandbox starts with, where it came from, and what keeps it saved. */
export interface OpenedOrg extends SandboxState {
  seeded: SeedSummary | undefined;
  loadedFromState: boolean;
  /** Saves the org to the state file; `undefined` when the org lives in memory only. */
  persister: StatePersister | undefined;
}

/**
 * A fresh org: its super admin, the `default` authorization server every org has
 * (okta-behaviours.md §1), and the seed if one was asked for.
 */
function freshOrg(
  clock: () => Date,
  options: { seed?: SeedOption; onProgress?: (message: string) => void },
): SandboxState & { seeded: SeedSummary | undefined } {
  const { org, adminToken } = createSandboxOrg(clock);
  createAuthServer(org, {
    id: 'default',
    name: 'default',
    description: 'Default Authorization Server for your Applications',
    audiences: ['api://default'],
    now: clock(),
    withDefaultPolicy: true,
  });
  const { seed } = options;
  if (seed === undefined) {
    return { org, adminToken, seeded: undefined };
  }
  options.onProgress?.(
    seed.kind === 'demo'
      ? 'Seeding the demo org…'
      : `Seeding a large org: ${seed.users.toLocaleString('en-US')} users, ${seed.groups.toLocaleString('en-US')} groups, ${seed.apps.toLocaleString('en-US')} apps…`,
  );
  const admin = org.users.get(org.tokens.get(adminToken) ?? '');
  if (admin === undefined) {
    throw new Error('A fresh sandbox org has no super admin to seed it as.');
  }
  return { org, adminToken, seeded: seedOrg(org, seed, { admin, now: clock() }) };
}

/** Writes the state file of a fresh org right away, so a bad path fails at start, not later. */
async function createStateFile(filePath: string, state: SandboxState, now: Date): Promise<void> {
  try {
    await writeFileAtomically(filePath, encodeState(state, now));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StateFileError(
      `The sandbox state file ${filePath} cannot be created (${code}). Check that its folder exists and that you may write there, or pass another --state file.`,
      { cause: error },
    );
  }
}

function reportSaveError(filePath: string) {
  return (error: unknown) => {
    process.stderr.write(
      `sandbox: could not save the org to ${filePath} (${error instanceof Error ? error.message : String(error)}); changes since the last save are only in memory. The next change retries.\n`,
    );
  };
}

/**
 * Opens the org a sandbox serves: the one saved at `statePath` if that file exists, else a
 * fresh one (seeded if asked), saved there at once when a `statePath` is given.
 *
 * @remarks
 * The seed applies only to a fresh org: a state file already holds an org, and the sandbox
 * never replaces one. A state file that exists but cannot be used is an error
 * ({@link StateFileError}), never a reason to start over on top of it.
 */
export async function openOrg(options: {
  clock: () => Date;
  seed?: SeedOption;
  statePath?: string;
  onProgress?: (message: string) => void;
  onSaveError?: (error: unknown) => void;
}): Promise<OpenedOrg> {
  const { clock, statePath } = options;
  if (statePath === undefined) {
    return { ...freshOrg(clock, options), loadedFromState: false, persister: undefined };
  }
  const persisterFor = ({ org, adminToken }: SandboxState) =>
    createStatePersister({
      filePath: statePath,
      snapshot: () => encodeState({ org, adminToken }, clock()),
      onError: options.onSaveError ?? reportSaveError(statePath),
    });
  options.onProgress?.(`Opening ${statePath}…`);
  const loaded = readStateFile(statePath, () => createSandboxOrg(clock).org);
  if (loaded !== undefined) {
    return { ...loaded, seeded: undefined, loadedFromState: true, persister: persisterFor(loaded) };
  }
  const fresh = freshOrg(clock, options);
  await createStateFile(statePath, fresh, clock());
  return { ...fresh, loadedFromState: false, persister: persisterFor(fresh) };
}
