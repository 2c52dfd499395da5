/**
 * Whether the keyboard is still on something on the page, rather than dropped to the body.
 *
 * @remarks
 * A control that disappears with the focus on it (a button replaced by its result, a form
 * removed once it has done its work) leaves `document.activeElement` on `<body>`, and the next
 * Tab starts from the top of the page. Steps check this before moving the keyboard themselves,
 * so they never take it away from where the admin has put it.
 */
export function isFocusKept(): boolean {
  const focused = document.activeElement;
  return focused !== null && focused !== document.body && focused.isConnected;
}
