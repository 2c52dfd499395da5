import { useMemo } from 'react';

import type { FileLanguage } from '../../../shared/export/export-targets.ts';
import { tokenize } from './highlight.ts';

/**
 * A config file shown with its comments, keys and strings coloured.
 *
 * @remarks
 * Every run is a React text node inside a span (see {@link tokenize}), never HTML, so the file's
 * content cannot turn into markup. The block is a focusable, labelled region because it scrolls:
 * a keyboard user must be able to reach it to scroll it (WCAG 2.1.1).
 */
export function CodeBlock(props: { content: string; language: FileLanguage; label: string }) {
  const lines = useMemo(
    () => tokenize(props.content, props.language),
    [props.content, props.language],
  );
  return (
    <pre
      className="code-block"
      role="region"
      aria-label={props.label}
      tabIndex={0}
      data-language={props.language}
    >
      <code>
        {lines.map((tokens, lineIndex) => (
          // Lines have no identity beyond their position, and the list is rebuilt as a whole.
          <span key={lineIndex} className="code-block__line">
            {tokens.map((token, tokenIndex) =>
              token.kind === 'plain' ? (
                token.text
              ) : (
                <span key={tokenIndex} className={`code-token code-token--${token.kind}`}>
                  {token.text}
                </span>
              ),
            )}
            {lineIndex < lines.length - 1 && '\n'}
          </span>
        ))}
      </code>
    </pre>
  );
}
