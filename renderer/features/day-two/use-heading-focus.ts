import { type RefObject, useEffect, useRef } from 'react';

/**
 * Moves the keyboard to a view's heading when the view opens, so a screen reader says where the
 * admin now is; the heading needs `tabIndex={-1}`.
 */
export function useHeadingFocus(): RefObject<HTMLHeadingElement | null> {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return heading;
}
