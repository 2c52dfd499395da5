import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  parseShellScript,
  shellQuote,
  ShellSyntaxError,
  type ShellWord,
} from '../../../../main/export/shell-words.ts';
import { wordsAsShellRunsThem } from '../../../support/run-config-files.ts';

/** The words of every command as strings, variables resolved from `environment`. */
function expanded(script: string, environment: Record<string, string>): string[][] {
  return parseShellScript(script).map((command) =>
    command.words.map((word: ShellWord) =>
      word.kind === 'literal' ? word.value : `${word.prefix}${environment[word.name] ?? ''}`,
    ),
  );
}

const SCRIPT = [
  '#!/bin/sh',
  '# a comment; with "quotes" and $VARIABLES',
  'set -eu',
  'tool admin auth add-oauth \\',
  "  --name 'it''s' \\",
  '  --secret "${SECRET:?Set SECRET first}" \\',
  '  --plain $PLAIN --braced "${PLAIN}" --joined="$PLAIN" --joined2=\'x\'${PLAIN} \\',
  '  --escaped a\\ b\\$c --dq "a \\"b\\" \\$c \\\\ \\x" --hash a#b # trailing comment',
  'tool one; tool two && tool "" \'\'',
  'tool "multi',
  'line" \'also',
  "multi'",
  '',
].join('\n');

const ENVIRONMENT = { SECRET: 's3cr3t value', PLAIN: 'plain' };

describe('parseShellScript', () => {
  it('splits commands and words as /bin/sh does', () => {
    const ours = expanded(SCRIPT, ENVIRONMENT).filter((words) => words[0] === 'tool');
    expect(ours.map((words) => words.slice(1))).toEqual(
      wordsAsShellRunsThem(SCRIPT, 'tool', ENVIRONMENT),
    );
    expect(ours[0]).toEqual([
      ...['tool', 'admin', 'auth', 'add-oauth', '--name', 'its', '--secret', 's3cr3t value'],
      ...['--plain', 'plain', '--braced', 'plain', '--joined=plain', '--joined2=xplain'],
      ...['--escaped', 'a b$c'],
      ...['--dq', 'a "b" $c \\ \\x', '--hash', 'a#b'],
    ]);
  });

  it('keeps a whole-word expansion as the variable it names, and says whether it is required', () => {
    const [command] = parseShellScript('tool "${A:?missing}" $B "${C}" --d="$D"\n');
    expect(command?.words.slice(1)).toEqual([
      { kind: 'variable', name: 'A', required: true, prefix: '' },
      { kind: 'variable', name: 'B', required: false, prefix: '' },
      { kind: 'variable', name: 'C', required: false, prefix: '' },
      { kind: 'variable', name: 'D', required: false, prefix: '--d=' },
    ]);
    expect(command?.line).toBe(1);
  });

  it('numbers commands by the line they start on', () => {
    const commands = parseShellScript('# one\n\ntool a \\\n  b\ntool c\n');
    expect(commands.map((command) => command.line)).toEqual([3, 5]);
  });

  it.each([
    ['tool $(cat secret)', 'command substitution'],
    ['tool `cat secret`', 'command substitution'],
    ['tool "$VAR-post"', 'mixes $VAR with other text'],
    ['tool "$A$B"', 'mixes $A with other text'],
    ['tool a | other', 'pipe'],
    ['tool > file', 'redirection'],
    ['tool "unclosed', 'not closed'],
    ["tool 'unclosed", 'not closed'],
    ['tool ${A:-default}', 'is not read by the console'],
    ['tool $1', 'special parameter'],
  ])('refuses what it does not evaluate: %s', (script, message) => {
    expect(() => parseShellScript(script)).toThrow(ShellSyntaxError);
    expect(() => parseShellScript(script)).toThrow(message);
  });
});

describe('shellQuote', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('0oa1fixture2client3')).toBe('0oa1fixture2client3');
    expect(shellQuote('https://acme.okta.com/.well-known/openid-configuration')).toBe(
      'https://acme.okta.com/.well-known/openid-configuration',
    );
    expect(shellQuote("it's $x")).toBe("'it'\\''s $x'");
  });

  it('reads back as the same word, for us and for /bin/sh', () => {
    const values = fc.sample(
      fc
        .string({ unit: 'binary', minLength: 0, maxLength: 12 })
        .filter((value) => !value.includes('\0')),
      { numRuns: 80, seed: 21 },
    );
    const script = `tool ${values.map(shellQuote).join(' ')}\n`;
    const [ours] = expanded(script, {});
    expect(ours?.slice(1)).toEqual(values);
    expect(wordsAsShellRunsThem(script, 'tool', {})).toEqual([values]);
  });
});
