import { type ReactNode, useState } from 'react';

/**
 * A field's background help, behind a small info button beside its label.
 *
 * @remarks
 * Issue 19 asked for help "shown where it is needed, not under every field". A field keeps a line
 * always visible only when it changes what the admin would do (a consequence, a warning, a value
 * that deviates from the preset; errors always show in place); the rest, what a field means, is
 * one click away, the way Okta's Admin Console puts it behind an info icon.
 *
 * The button is a real `<button type="button">` named "About …", with `aria-expanded` and
 * `aria-controls`; the paragraph it controls is always in the page (so `aria-controls` never
 * points at nothing) and `hidden` while closed. The field's input lists the paragraph in its
 * `aria-describedby` only while it is shown: a description that is hidden from sight must not
 * still be read out. Toggling never moves the keyboard: the button stays where it was.
 */
export function useFieldInfo(id: string): {
  infoId: string;
  isOpen: boolean;
  toggle: () => void;
} {
  const [isOpen, setIsOpen] = useState(false);
  return {
    infoId: `${id}-info`,
    isOpen,
    toggle: () => {
      setIsOpen((open) => !open);
    },
  };
}

/** The words after "About" in the info button's name: the label without "(one per line)". */
export function aboutTopic(label: ReactNode, about: string | undefined): string {
  if (about !== undefined) {
    return about;
  }
  if (typeof label !== 'string') {
    return 'this field';
  }
  const aside = label.lastIndexOf(' (');
  return label.endsWith(')') && aside > 0 ? label.slice(0, aside) : label;
}

/**
 * The round "i" button beside a label; see {@link useFieldInfo}.
 *
 * @remarks
 * Named "About …" by its icon's `<title>`, not by `aria-label`: a name given by `aria-label`
 * counts as a label for tools that find fields by label text (Playwright's `getByLabel` matches
 * "About App integration name" when asked for "App integration name"), and a visually hidden
 * span would add words to the page's text. The title is also the icon's tooltip.
 */
export function InfoButton(props: {
  topic: string;
  controls: string;
  isOpen: boolean;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      className="field__info-button"
      aria-expanded={props.isOpen}
      aria-controls={props.controls}
      onClick={props.onToggle}
    >
      <svg viewBox="0 0 16 16" width="16" height="16" role="img" focusable="false">
        <title>About {props.topic}</title>
        <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <circle cx="8" cy="4.75" r="1" fill="currentColor" />
        <path d="M8 7v4.75" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
    </button>
  );
}

/** The help an {@link InfoButton} shows: in the page always, `hidden` until asked for. */
export function InfoText(props: { id: string; isOpen: boolean; children: ReactNode }) {
  return (
    <p className="field__help field__info-text" id={props.id} hidden={!props.isOpen}>
      {props.children}
    </p>
  );
}

/**
 * A label with its info button, for a field built outside `fields.tsx` (the connect form's token,
 * the export's file picker): the same disclosure, wired by the caller.
 */
export function LabelWithInfo(props: {
  htmlFor: string;
  label: ReactNode;
  topic: string;
  info: ReturnType<typeof useFieldInfo>;
  children: ReactNode;
}) {
  return (
    <>
      <div className="field__label-row">
        <label htmlFor={props.htmlFor}>{props.label}</label>
        <InfoButton
          topic={props.topic}
          controls={props.info.infoId}
          isOpen={props.info.isOpen}
          onToggle={props.info.toggle}
        />
      </div>
      <InfoText id={props.info.infoId} isOpen={props.info.isOpen}>
        {props.children}
      </InfoText>
    </>
  );
}
