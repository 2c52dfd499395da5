import type { MergeOutcome } from './merge-yaml.ts';

/**
 * Merging an export's settings into an INI file the admin already runs (Grafana's `grafana.ini`),
 * line by line, touching only the keys the export owns.
 *
 * @remarks
 * An INI file has no parser that prints it back unchanged, and its meaning is simple enough to
 * follow line by line the way go-ini (Grafana's reader) does: `[section]` headers, `key = value`
 * lines, `;` and `#` comments, and an inline comment starting at the first `;` or `#` of an
 * unquoted value. A key the file already sets to the export's value is left alone; one set to
 * another value has only its value replaced (its spacing and inline comment stay); a missing key
 * goes right after the file's commented-out sample of it (`;root_url = …`, as Grafana's shipped
 * file has for every key), else after the section's last key; a missing section is appended at
 * the end. Every other line is kept byte for byte, in its order, with the file's line endings.
 */

/** One section's keys, in the order a new section lists them. */
export interface IniSection {
  name: string;
  keys: readonly (readonly [key: string, value: string])[];
  /** Comment lines written under a section the merge creates (never into an existing one). */
  newSectionComments?: readonly string[];
}

/** The merged file and what the merge did (`[section] key` for each setting). */
export interface IniMergeResult extends MergeOutcome {
  content: string;
}

interface Line {
  text: string;
  eol: string;
}

/** The section name a `[name]` header line opens, or `undefined` for any other line. */
function headerName(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) {
    return undefined;
  }
  const close = trimmed.indexOf(']');
  return close === -1 ? undefined : trimmed.slice(1, close).trim();
}

function splitLines(source: string): Line[] {
  if (source === '') {
    return [];
  }
  return source.split(/(?<=\n)/).map((piece) => {
    const eol = piece.endsWith('\r\n') ? '\r\n' : piece.endsWith('\n') ? '\n' : '';
    return { text: piece.slice(0, piece.length - eol.length), eol };
  });
}

function joinLines(lines: readonly Line[]): string {
  return lines.map((line) => `${line.text}${line.eol}`).join('');
}

/** The section each line belongs to (`''` before the first header). */
function sectionsOf(lines: readonly Line[]): string[] {
  let current = '';
  return lines.map((line) => {
    current = headerName(line.text) ?? current;
    return current;
  });
}

function isBlank(character: string | undefined): boolean {
  return character === ' ' || character === '\t';
}

/** A `key = value` line's parts, the value split from an inline comment as go-ini splits it. */
function keyLine(
  text: string,
): { key: string; head: string; value: string; tail: string } | undefined {
  const start = text.length - text.trimStart().length;
  const first = text[start];
  if (first === undefined || first === ';' || first === '#' || first === '[') {
    return undefined;
  }
  const equals = text.indexOf('=', start);
  const colon = text.indexOf(':', start);
  const delimiter = equals === -1 ? colon : colon === -1 ? equals : Math.min(equals, colon);
  if (delimiter === -1) {
    return undefined;
  }
  const key = text.slice(start, delimiter).trim();
  if (key === '') {
    return undefined;
  }
  let valueStart = delimiter + 1;
  while (isBlank(text[valueStart])) {
    valueStart += 1;
  }
  const head = text.slice(0, valueStart);
  const rest = text.slice(valueStart);
  const quote = rest[0];
  if ((quote === '"' || quote === '`') && rest.indexOf(quote, 1) > 0) {
    const close = rest.indexOf(quote, 1);
    return { key, head, value: rest.slice(1, close), tail: rest.slice(close + 1) };
  }
  const semicolon = rest.indexOf(';');
  const hash = rest.indexOf('#');
  const comment = semicolon === -1 ? hash : hash === -1 ? semicolon : Math.min(semicolon, hash);
  const value = (comment === -1 ? rest : rest.slice(0, comment)).trimEnd();
  return { key, head, value, tail: rest.slice(value.length) };
}

/** Whether `text` is a commented-out sample of `key` (`;key = …`, `# key = …`). */
function isSampleOf(text: string, key: string): boolean {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith(';') && !trimmed.startsWith('#')) {
    return false;
  }
  let index = 0;
  while (trimmed[index] === ';' || trimmed[index] === '#') {
    index += 1;
  }
  return keyLine(trimmed.slice(index))?.key === key;
}

/**
 * `source` with `sections` merged in; see the module comment.
 *
 * @param eolFallback - the line ending for a file that has none yet.
 */
export function mergeIniSettings(
  source: string,
  sections: readonly IniSection[],
  eolFallback = '\n',
): IniMergeResult {
  const lines = splitLines(source);
  const eol = source.includes('\r\n') ? '\r\n' : eolFallback;
  const result: IniMergeResult = { content: source, added: [], changed: [], kept: [] };

  for (const section of sections) {
    for (const [key, value] of section.keys) {
      const label = `[${section.name}] ${key}`;
      const owners = sectionsOf(lines);
      const present = lines
        .map((line, index) => ({ index, parts: keyLine(line.text) }))
        .filter(({ index, parts }) => owners[index] === section.name && parts?.key === key);
      if (present.length > 0) {
        let changed = false;
        for (const { index, parts } of present) {
          const line = lines[index];
          if (parts === undefined || line === undefined || parts.value === value) {
            continue;
          }
          line.text = `${parts.head}${value}${parts.tail}`;
          changed = true;
        }
        result[changed ? 'changed' : 'kept'].push(label);
        continue;
      }
      const headers = lines
        .map((line, index) => ({ index, name: headerName(line.text) }))
        .filter(({ name }) => name === section.name);
      const lastHeader = headers.at(-1);
      if (lastHeader === undefined) {
        const last = lines.at(-1);
        if (last?.eol === '') {
          last.eol = eol;
        }
        if (last !== undefined && last.text.trim() !== '') {
          lines.push({ text: '', eol });
        }
        lines.push({ text: `[${section.name}]`, eol });
        for (const comment of section.newSectionComments ?? []) {
          lines.push({ text: comment, eol });
        }
        lines.push({ text: `${key} = ${value}`, eol });
        result.added.push(label);
        continue;
      }
      // Within the section's last occurrence: after the sample of this key, else after its last key.
      let end = lastHeader.index + 1;
      while (end < lines.length && headerName(lines[end]?.text ?? '') === undefined) {
        end += 1;
      }
      let at = lastHeader.index + 1;
      let sample: number | undefined;
      for (let index = lastHeader.index + 1; index < end; index += 1) {
        const text = lines[index]?.text ?? '';
        if (keyLine(text) !== undefined) {
          at = index + 1;
        }
        if (isSampleOf(text, key)) {
          sample = index;
        }
      }
      const insertAt = sample === undefined ? at : sample + 1;
      const before = lines[insertAt - 1];
      if (before?.eol === '') {
        before.eol = eol;
      }
      lines.splice(insertAt, 0, { text: `${key} = ${value}`, eol });
      result.added.push(label);
    }
  }
  result.content = joinLines(lines);
  return result;
}
