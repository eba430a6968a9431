import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** One axe-core violation, as much of it as a failing test needs to say what and where. */
export interface Violation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Rules about the whole page, not checked on a story: a story is a fragment of an app's page,
 * rendered in Storybook's frame, and the app's page — not the component — has the one `<h1>`,
 * the one `<main>`, and the landmarks all content sits in. Full pages (the Playground) keep them.
 */
const PAGE_RULES = ['page-has-heading-one', 'landmark-one-main', 'region'];

/** Impacts that fail a check: axe-core's serious and critical. */
const FAILING = new Set(['serious', 'critical']);

/**
 * Runs axe-core (WCAG 2.x A and AA, and best practices) in the page on the story Storybook
 * rendered (`#storybook-root`) and returns the serious and critical violations.
 */
export async function checkAccessibility(page: Page, { wholePage = false } = {}): Promise<Violation[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(
    async ({ disabled }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const { violations } = await axe.run('#storybook-root', {
        resultTypes: ['violations'],
        rules: Object.fromEntries(disabled.map((rule) => [rule, { enabled: false }])),
      });
      return violations.map((violation) => ({
        rule: violation.id,
        impact: violation.impact ?? 'unknown',
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
    },
    { disabled: wholePage ? [] : PAGE_RULES },
  );
  return violations.filter((violation) => FAILING.has(violation.impact));
}
