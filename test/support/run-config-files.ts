import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { PythonValue } from '../../main/export/python-config.ts';

/**
 * The real interpreters, for checking the console's readers of shell and Python config files:
 * `/bin/sh` running a script with its commands replaced by a function that prints their words,
 * and `python3` executing a traitlets config file against a stand-in `c`, as JupyterHub's
 * `PyFileConfigLoader` does. Both ship with the machines the tests run on (CI installs python3).
 */

function inTemporaryFile<T>(name: string, content: string, use: (file: string) => T): T {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-config-'));
  try {
    const file = path.join(folder, name);
    writeFileSync(file, content);
    return use(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Runs `script` with `/bin/sh`, where `command` is a function that prints its arguments; answers
 * each call's arguments, as the shell expanded them with `environment`.
 */
export function wordsAsShellRunsThem(
  script: string,
  command: string,
  environment: Record<string, string>,
): string[][] {
  return inTemporaryFile('script.sh', script, (file) => {
    const result = spawnSync(
      '/bin/sh',
      ['-c', `${command}() { printf '%s\\0' "$#" "$@"; }; . "$1"`, 'sh', file],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...environment }, encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(`sh failed (${String(result.status)}): ${result.stderr}`);
    }
    // Each call prints its argument count, then its arguments, each ended by a NUL.
    const fields = result.stdout.split('\0').slice(0, -1);
    const calls: string[][] = [];
    for (let index = 0; index < fields.length;) {
      const count = Number(fields[index]);
      calls.push(fields.slice(index + 1, index + 1 + count));
      index += 1 + count;
    }
    return calls;
  });
}

const PYTHON_HARNESS = String.raw`
import json, sys
class Section(dict):
    def __getattr__(self, key):
        if key.startswith('__'):
            raise AttributeError(key)
        return self.setdefault(key, Section())
    def __setattr__(self, key, value):
        self[key] = value
def encode(value):
    if isinstance(value, Section):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, bool):
        return {'bool': value}
    if isinstance(value, (set, frozenset)):
        return {'set': sorted((encode(item) for item in value), key=lambda item: json.dumps(item, separators=(',', ':'), ensure_ascii=False))}
    if isinstance(value, tuple):
        return {'tuple': [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {'dict': [[encode(key), encode(item)] for key, item in value.items()]}
    return value
c = Section()
with open(sys.argv[1], encoding='utf-8') as source:
    exec(compile(source.read(), sys.argv[1], 'exec'), {'c': c, 'get_config': lambda: c})
sys.stdout.write(json.dumps(encode(c), ensure_ascii=False))
`;

/** What python3 leaves in `c` after executing `source` with `environment`: `{Class: {trait: value}}`. */
export function configAsPythonRunsIt(
  source: string,
  environment: Record<string, string>,
): Record<string, Record<string, unknown>> {
  return inTemporaryFile('jupyterhub_config.py', source, (file) => {
    const result = spawnSync('python3', ['-c', PYTHON_HARNESS, file], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...environment },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`python3 failed (${String(result.status)}): ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
  });
}

/**
 * A value the console's Python reader found, in the shape {@link configAsPythonRunsIt} gives,
 * with environment reads resolved from `environment` as Python would resolve them.
 */
export function asPythonWouldHaveIt(
  value: PythonValue,
  environment: Record<string, string>,
): unknown {
  const encode = (item: PythonValue): unknown => asPythonWouldHaveIt(item, environment);
  switch (value.type) {
    case 'str':
    case 'int':
      return value.value;
    case 'bool':
      return { bool: value.value };
    case 'none':
      return null;
    case 'list':
      return value.items.map(encode);
    case 'tuple':
      return { tuple: value.items.map(encode) };
    case 'set': {
      const unique = new Map(
        value.items.map((item) => [JSON.stringify(encode(item)), encode(item)]),
      );
      return {
        set: [...unique.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([, item]) => item),
      };
    }
    case 'dict':
      return { dict: value.entries.map(([key, item]) => [encode(key), encode(item)]) };
    case 'environ': {
      const found = environment[value.variable];
      if (found !== undefined) {
        return found;
      }
      if (value.required) {
        throw new Error(`KeyError: ${value.variable}`);
      }
      return encode(value.fallback ?? { type: 'none' });
    }
  }
}
