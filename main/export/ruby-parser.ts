import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { ProgramNode } from '@ruby/prism/src/nodes.js';
import { parsePrism } from '@ruby/prism/src/parsePrism.js';

/**
 * Ruby's own parser (prism, compiled to WebAssembly), loaded synchronously for exporters' readers.
 *
 * @remarks
 * `@ruby/prism`'s `loadPrism()` is asynchronous, but `Exporter.read` is synchronous, so this
 * module compiles the same `prism.wasm` with the synchronous WebAssembly API and hands the
 * instance to prism's own `parsePrism`. It loads on the first call only: importing the exporters
 * must not cost every command a WebAssembly compile (and Node's one-time WASI notice).
 */

/** A syntax error prism reported, with its 1-based line. */
export interface RubySyntaxError {
  message: string;
  line: number;
}

/** The parsed program and any syntax errors. */
export interface RubyParse {
  program: ProgramNode;
  errors: RubySyntaxError[];
}

/**
 * The part of the WebAssembly API used here. `main/` compiles without the DOM library, which is
 * where TypeScript declares it, though Node and Electron's main process provide it at run time.
 */
interface SynchronousWebAssembly {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

let parseWithPrism: ((source: string) => ReturnType<typeof parsePrism>) | undefined;

function loadPrismSync(): (source: string) => ReturnType<typeof parsePrism> {
  const require = createRequire(import.meta.url);
  const wasmPath = join(dirname(require.resolve('@ruby/prism')), 'prism.wasm');
  const webAssembly = (globalThis as unknown as { WebAssembly: SynchronousWebAssembly })
    .WebAssembly;
  const module = new webAssembly.Module(readFileSync(wasmPath));
  // Loaded here, not imported at the top: importing node:wasi prints Node's "experimental"
  // notice, which would otherwise open the output of every command that loads the exporters.
  const { WASI } = process.getBuiltinModule('node:wasi');
  const wasi = new WASI({ version: 'preview1' });
  const instance = new webAssembly.Instance(module, wasi.getImportObject());
  wasi.initialize(instance);
  return (source) => parsePrism(instance.exports, source);
}

/** The 1-based line of a byte offset into `source` (prism's locations count UTF-8 bytes). */
function lineAt(sourceBytes: Uint8Array, byteOffset: number): number {
  let line = 1;
  for (let index = 0; index < byteOffset && index < sourceBytes.length; index += 1) {
    if (sourceBytes[index] === 0x0a) {
      line += 1;
    }
  }
  return line;
}

/** Parses Ruby source with prism; syntax errors come back as values, never thrown. */
export function parseRubySync(source: string): RubyParse {
  parseWithPrism ??= loadPrismSync();
  const result = parseWithPrism(source);
  const bytes = new TextEncoder().encode(source);
  return {
    program: result.value,
    errors: result.errors.map((error) => ({
      message: error.message,
      line: lineAt(bytes, error.location.startOffset),
    })),
  };
}
