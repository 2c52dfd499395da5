import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { ConsoleUnderTest } from './console-fixture.ts';

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Lists every place outside the keychain where `secret` shows up.
 *
 * @remarks
 * Looks where a leak could land: the page's DOM and text in every frame, local and session
 * storage, IndexedDB, cookies, every contract response the page received, the page's console,
 * every line the console process printed or logged, and every file under the console's data
 * folder and the test's output folder.
 */
export async function findSecretOutsideKeychain(
  secret: string,
  app: ConsoleUnderTest,
  extraFolders: readonly string[],
): Promise<string[]> {
  const places: string[] = [];
  const check = (where: string, text: string) => {
    if (text.includes(secret)) {
      places.push(where);
    }
  };
  for (const frame of app.page.frames()) {
    check(`DOM of ${frame.url()}`, await frame.content());
    check(
      `form values of ${frame.url()}`,
      await frame.evaluate(() =>
        [...document.querySelectorAll('input, textarea')]
          .map((field) => (field as HTMLInputElement).value)
          .join('\n'),
      ),
    );
  }
  const storage = await app.page.evaluate(async () => {
    const dump = (store: Storage) => JSON.stringify(Object.entries(store));
    const databases = 'databases' in indexedDB ? await indexedDB.databases() : [];
    const idb: string[] = [];
    for (const info of databases) {
      if (info.name === undefined) {
        continue;
      }
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name ?? '');
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(new Error(String(request.error)));
        };
      });
      for (const storeName of db.objectStoreNames) {
        const all = await new Promise<unknown[]>((resolve) => {
          const request = db.transaction(storeName).objectStore(storeName).getAll();
          request.onsuccess = () => {
            resolve(request.result as unknown[]);
          };
          request.onerror = () => {
            resolve([]);
          };
        });
        idb.push(JSON.stringify(all));
      }
      db.close();
    }
    return {
      local: dump(localStorage),
      session: dump(sessionStorage),
      idb: idb.join('\n'),
      databases: databases.length,
    };
  });
  check('localStorage', storage.local);
  check('sessionStorage', storage.session);
  check('IndexedDB', storage.idb);
  check('cookies', JSON.stringify(await app.page.context().cookies()));
  app.contractResponses.forEach((body, index) => {
    check(`contract response #${String(index)}`, body);
  });
  check('page console', app.pageConsole.join('\n'));
  check('console process output', app.outputLines().join('\n'));
  for (const folder of [app.dataDir, ...extraFolders]) {
    for (const file of await filesUnder(folder)) {
      check(`file ${file}`, await readFile(file, 'latin1'));
    }
  }
  return places;
}
