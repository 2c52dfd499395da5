/**
 * Globals that every runtime of the console provides: Electron's main and preload, Node, the
 * renderer. `shared/` is compiled without the DOM and Node libraries so a runtime-specific global
 * is a type error there; the WHATWG `URL` is the one exception it needs, declared here with only
 * the members `shared/` reads.
 */
declare class URL {
  constructor(url: string, base?: string);
  readonly hash: string;
  readonly host: string;
  readonly hostname: string;
  readonly origin: string;
  readonly password: string;
  readonly pathname: string;
  readonly port: string;
  readonly protocol: string;
  readonly search: string;
  readonly username: string;
  toString(): string;
  static canParse(url: string, base?: string): boolean;
}

/** The structured clone algorithm, in every runtime the console has. */
declare function structuredClone<T>(value: T): T;
