import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { VIRTUALIZE_FROM, VirtualList } from '../../../../renderer/components/virtual-list.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** jsdom lays nothing out: the scrolling box is given 200 pixels and each row 20. */
function layOut() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('virtual-list') ? 200 : 0;
  });
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (
    this: HTMLElement,
  ) {
    return this.classList.contains('virtual-list__row') ? 20 : 0;
  });
}

function renderSteps(count: number) {
  const steps = Array.from({ length: count }, (_, index) => ({
    key: `step-${String(index)}`,
    state: index === 0 ? 'done' : 'pending',
  }));
  render(
    <VirtualList
      label="Apply progress"
      className="verify-progress"
      isOrdered
      items={steps}
      itemKey={(step) => step.key}
      itemClassName="verify-progress__step"
      rowAttributes={(step) => ({
        className: `verify-progress__step--${step.state}`,
        label: `${step.key}: ${step.state}`,
      })}
      renderItem={(step) => step.key}
      estimatedRowHeight={20}
    />,
  );
  return screen.getByRole('list', { name: 'Apply progress' });
}

describe('VirtualList', () => {
  it('renders a short list whole, as the list it names, each row with its own class and name', () => {
    const list = renderSteps(3);
    expect(list.tagName).toBe('OL');
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(3);
    expect(rows[0]?.className).toBe('verify-progress__step verify-progress__step--done');
    expect(within(list).getByRole('listitem', { name: 'step-1: pending' })).toBeTruthy();
    expect(rows[0]?.hasAttribute('aria-setsize')).toBe(false);
  });

  it('keeps the same list, classes and names once virtualized, and says where each row stands', () => {
    layOut();
    const list = renderSteps(VIRTUALIZE_FROM * 50);
    expect(list.tagName).toBe('OL');
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeLessThan(VIRTUALIZE_FROM);
    expect(rows[0]?.className).toBe(
      'virtual-list__row verify-progress__step verify-progress__step--done',
    );
    expect(rows[0]?.getAttribute('aria-label')).toBe('step-0: done');
    expect(rows[1]?.getAttribute('aria-posinset')).toBe('2');
    expect(rows[1]?.getAttribute('aria-setsize')).toBe(String(VIRTUALIZE_FROM * 50));
    expect(screen.getByRole('group', { name: 'Apply progress, 5,000 in all' }).tabIndex).toBe(0);
  });
});
