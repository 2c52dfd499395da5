import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { AppError } from '../../shared/errors.ts';
import { profileSummarySchema } from '../../shared/profiles/profile.ts';

const profilesFileSchema = z.object({
  version: z.literal(1),
  activeProfileId: z.string().nullable(),
  profiles: z.array(profileSummarySchema),
});

/** The saved list of org profiles; holds no secret (tokens live in the keychain). */
export type ProfilesFile = z.infer<typeof profilesFileSchema>;

const EMPTY: ProfilesFile = { version: 1, activeProfileId: null, profiles: [] };

/**
 * Writes `contents` to `filePath` so that a crash leaves the old or the new file, never a torn one.
 *
 * @remarks
 * Temp file in the same folder, fsync, then rename (atomic on POSIX and NTFS). Mode 0600 because
 * profile files name orgs and admins even though they hold no secret.
 */
export async function writeFileAtomic(filePath: string, contents: string): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
  const temporary = `${filePath}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Reads and writes `profiles.json` in the console's data folder. */
export interface ProfileRepository {
  load(): Promise<ProfilesFile>;
  save(file: ProfilesFile): Promise<void>;
}

/**
 * A {@link ProfileRepository} on a JSON file.
 *
 * @remarks
 * A file written by a newer console is refused, never rewritten, so downgrading cannot destroy
 * it. A file that fails to parse is kept aside as `profiles.json.corrupt-<time>` (and reported
 * through `onSetAside`) rather than overwritten, so nothing an admin set up is silently lost.
 */
export function createFileProfileRepository(
  dataDir: string,
  options: { onSetAside?: (movedTo: string) => void } = {},
): ProfileRepository {
  const filePath = path.join(dataDir, 'profiles.json');
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(filePath, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return structuredClone(EMPTY);
        }
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const version = (json as { version?: unknown } | undefined)?.version;
      if (typeof version === 'number' && version > 1) {
        throw new AppError({
          code: 'PROFILES_FILE_NEWER',
          message: `${filePath} was written by a newer version of the console (format ${String(version)}); this version reads format 1.`,
          hint: 'Update SSO Setup Console. The file was left untouched.',
        });
      }
      const parsed = profilesFileSchema.safeParse(json);
      if (parsed.success) {
        return parsed.data;
      }
      const movedTo = `${filePath}.corrupt-${String(Date.now())}`;
      try {
        await rename(filePath, movedTo);
        options.onSetAside?.(movedTo);
      } catch (error) {
        // Another load set it aside first.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw error;
        }
      }
      return structuredClone(EMPTY);
    },
    async save(file) {
      await writeFileAtomic(
        filePath,
        `${JSON.stringify(profilesFileSchema.parse(file), null, 2)}\n`,
      );
    },
  };
}
