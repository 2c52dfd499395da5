import path from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Runs axe (WCAG 2.x A and AA) on the page as it is now and expects no violation. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  expect(summary).toEqual([]);
}

/** Where the steps' screenshots go: committed, and pointed at from the README. */
const SCREENSHOTS = path.join(import.meta.dirname, '..', 'screenshots');

/**
 * Checks one state of the console in both system themes: axe finds nothing, and a screenshot of
 * the window (1280×800) is kept as `test/e2e/screenshots/<name>-<light|dark>.png`. The page is
 * left in the theme it was in.
 *
 * @remarks
 * The screenshots are the README's picture of every step; taking them where the tests already
 * stand on each step keeps them true to what ships.
 */
export async function checkStateInBothThemes(page: Page, name: string): Promise<void> {
  const before = await page.evaluate(() =>
    window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  );
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoAxeViolations(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: before });
}
