import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  parsePythonConfig,
  PythonConfigError,
  pythonString,
  type PythonValue,
} from '../../../../main/export/python-config.ts';
import { asPythonWouldHaveIt, configAsPythonRunsIt } from '../../../support/run-config-files.ts';

/** What the reader found, in the shape python3 reports, environment reads resolved. */
function asRead(source: string, environment: Record<string, string>) {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of parsePythonConfig(source).assignments) {
    const [className = '', trait = ''] = key.split('.');
    tree[className] = { ...tree[className], [trait]: asPythonWouldHaveIt(value, environment) };
  }
  return tree;
}

const CONFIG = String.raw`# A config file with every form the reader takes.
import os

c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.client_id = 'single \'quoted\' \x41\u00e9\U0001F600 \101'
c.GenericOAuthenticator.client_secret = os.environ["SECRET"]
c.GenericOAuthenticator.fallback = os.environ.get("UNSET", "the default")
c.GenericOAuthenticator.getenv = os.getenv("SECRET")
c.GenericOAuthenticator.none = os.getenv("UNSET")
c.GenericOAuthenticator.raw = r"C:\path\n"
c.GenericOAuthenticator.joined = "one" 'two' \
    "three"
c.GenericOAuthenticator.scope = [
    "openid",  # a comment inside brackets
    "profile",
]
c.GenericOAuthenticator.groups = {"b", "a", "b"}
c.GenericOAuthenticator.pair = ("x", 1)
c.GenericOAuthenticator.single = ("x",)
c.GenericOAuthenticator.parenthesized = ("x")
c.GenericOAuthenticator.mapping = {"key": [True, False, None], "n": -42, "big": 1_000}
c.GenericOAuthenticator.empty = {}
c.GenericOAuthenticator.client_id = "assigned again: the last one counts"
c.OAuthenticator.inherited = True
`;

describe('parsePythonConfig', () => {
  it('reads every assignment as python3 executing the file leaves it', () => {
    const environment = { SECRET: 'from the environment' };
    expect(asRead(CONFIG, environment)).toEqual(configAsPythonRunsIt(CONFIG, environment));
    const assignments = parsePythonConfig(CONFIG).assignments;
    expect(assignments.get('GenericOAuthenticator.client_secret')).toEqual({
      type: 'environ',
      variable: 'SECRET',
      required: true,
    });
    expect(assignments.get('GenericOAuthenticator.client_id')).toEqual({
      type: 'str',
      value: 'assigned again: the last one counts',
    });
  });

  it.each([
    ['c.A.b = f"{x}"\n', 'f-strings'],
    ['c.A.b = """doc"""\n', 'triple-quoted'],
    ['c.A.b = os.environ["X"]\n', 'before "import os"'],
    ['import os\nc.A.b = os.path.join("a")\n', 'os.path is not read'],
    ['x = 1\n', 'only "import os"'],
    ['c.A.b = open("f").read()\n', 'open is not read'],
    ['c.A.b = 1.5\n', 'is not read by the console'],
    ['c.A.b = [1,\n', 'not closed'],
    ['if True:\n    c.A.b = 1\n', 'unexpected indent'],
    ['  c.A.b = 1\n', 'unexpected indent'],
    ['c.A.b = "unclosed\n', 'not closed'],
    ['c.A.b = 1 c.A.d = 2\n', 'end of the statement'],
  ])('refuses what it does not evaluate (%#)', (source, message) => {
    expect(() => parsePythonConfig(source)).toThrow(PythonConfigError);
    expect(() => parsePythonConfig(source)).toThrow(message);
  });

  it('says which line a problem is on', () => {
    expect(() => parsePythonConfig('import os\n\nc.A.b = x\n')).toThrow('line 3:');
  });
});

describe('pythonString', () => {
  it('writes literals that python3 and the reader both read back exactly', () => {
    const values = fc.sample(
      fc.string({ unit: 'binary', minLength: 0, maxLength: 16 }).filter(
        // Python source cannot hold a NUL or a lone surrogate.
        (value) => !value.includes('\0') && !/\p{Cs}/u.test(value),
      ),
      { numRuns: 60, seed: 21 },
    );
    const source = values
      .map((value, index) => `c.T.v${String(index)} = ${pythonString(value)}`)
      .join('\n');
    const read = parsePythonConfig(source).assignments;
    expect(values.map((_, index) => read.get(`T.v${String(index)}`))).toEqual(
      values.map((value): PythonValue => ({ type: 'str', value })),
    );
    const executed = configAsPythonRunsIt(source, {}).T ?? {};
    expect(values.map((_, index) => executed[`v${String(index)}`])).toEqual(values);
  });
});
