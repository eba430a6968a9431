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
 * What is checked:
 * - `story`: a story is a fragment of an app's page, rendered in Storybook's frame; the app's page
 *   — not the component — has the one `<h1>`, the one `<main>`, and the landmarks all content
 *   sits in, so those rules are not checked on it;
 * - `page`: a story that is a whole page (the Playground), every rule;
 * - `docs`: a docs page as a reader gets it — Storybook's text around the stories too — every rule,
 *   and every impact: several stories share the page, each with its landmarks and headings.
 */
export type Scope = 'story' | 'page' | 'docs';

const PAGE_RULES = ['page-has-heading-one', 'landmark-one-main', 'region'];

/** axe-core's serious and critical impacts: what fails a story or a page (docs pages fail on any). */
const SERIOUS = new Set(['serious', 'critical']);

/**
 * Runs axe-core (WCAG 2.x A and AA, and best practices) in the page, on the story Storybook
 * rendered (`#storybook-root`) or on the whole docs page, and returns the violations that fail `scope`.
 */
export async function checkAccessibility(page: Page, scope: Scope): Promise<Violation[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(
    async ({ root, disabled }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const { violations } = await axe.run(root ?? document, {
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
    { root: scope === 'docs' ? null : '#storybook-root', disabled: scope === 'story' ? PAGE_RULES : [] },
  );
  return scope === 'docs' ? violations : violations.filter((violation) => SERIOUS.has(violation.impact));
}
