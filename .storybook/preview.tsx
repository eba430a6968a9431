import {
  ArgTypes,
  Description,
  DocsContainer,
  Primary,
  Stories,
  Subtitle,
  Title,
  type DocsContainerProps,
} from '@storybook/addon-docs/blocks';
import type { Decorator, Preview } from '@storybook/react-vite';
import * as React from 'react';
import { configure } from 'storybook/test';
import '../src/styles.css';
import './preview.css';

// Play functions wait up to 10 s for what a story's scene does (participants joining, tokens
// minted in the page): on a busy CI machine that takes longer than Testing Library's 1 s default.
configure({ asyncUtilTimeout: 10_000 });

/** Every story runs in StrictMode, as the package promises to be StrictMode-safe. */
const withStrictMode: Decorator = (Story) => (
  <React.StrictMode>
    <Story />
  </React.StrictMode>
);

/**
 * On a docs page each story is one example among several, each a piece of an app's page: the
 * same landmark ("Token status") again and again, a call page's `<h1>` under the story's own
 * heading. There a story's landmarks are named after it ("Token status (Expired)"), and its
 * headings are set below the page's heading before it (`aria-level`): the docs page reads as one
 * document, in which a screen reader's list of landmarks and outline of headings make sense.
 */
const withDocsOutline: Decorator = (Story, { name, viewMode }) =>
  viewMode === 'docs' ? (
    <DocsOutline storyName={name}>
      <Story />
    </DocsOutline>
  ) : (
    <Story />
  );

function DocsOutline({ storyName, children }: { storyName: string; children: React.ReactNode }) {
  const wrapper = React.useRef<HTMLDivElement>(null);
  React.useLayoutEffect(() => {
    const story = wrapper.current!;
    const suffix = ` (${storyName})`;
    const outline = () => {
      for (const landmark of story.querySelectorAll<HTMLElement>('[aria-label]:is(section, form, nav, aside, [role="region"])')) {
        const label = landmark.getAttribute('aria-label')!;
        if (!label.endsWith(suffix)) landmark.setAttribute('aria-label', label + suffix);
      }
      const headings = story.querySelectorAll<HTMLElement>('h1, h2, h3, h4, h5, h6');
      if (headings.length === 0) return;
      const before = [...story.ownerDocument.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(
        (heading) => !story.contains(heading) && heading.compareDocumentPosition(story) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
      const base = Number(before.at(-1)?.tagName.slice(1) ?? 0);
      for (const heading of headings) heading.setAttribute('aria-level', String(Math.min(6, base + Number(heading.tagName.slice(1)))));
    };
    outline();
    // The story renders on: a call page's sections come once it connects.
    const observer = new MutationObserver(outline);
    observer.observe(story, { subtree: true, childList: true, attributeFilter: ['aria-label'] });
    return () => observer.disconnect();
  }, [storyName]);
  return (
    <div ref={wrapper} style={{ display: 'contents' }}>
      {children}
    </div>
  );
}

/** The docs pages' container, their text and stories in the page's one `<main>`. */
function DocsInMain({ children, ...props }: React.PropsWithChildren<DocsContainerProps>) {
  return (
    <DocsContainer {...props}>
      <main>{children}</main>
    </DocsContainer>
  );
}

type ArgTypesEnhancer = NonNullable<Preview['argTypesEnhancers']>[number];

/**
 * The props tables read TSDoc: move each `@defaultValue …` into the Default column (without
 * its code spans' backticks: the column is plain text), and name types as a reader writes them (`ReactNode`, not the
 * docgen's `ReactReactNode`; `string`, not `string | undefined` or `union`).
 */
const readableArgTypes: ArgTypesEnhancer = ({ argTypes, component }) => {
  // Storybook's JSDoc parser drops a tag on a line of its own from `description`: read the docgen's own text.
  const docgen = (
    component as { __docgenInfo?: { props?: Record<string, { description?: string; tsType?: { raw?: string } }> } } | undefined
  )?.__docgenInfo?.props;
  return Object.fromEntries(
    Object.entries(argTypes).map(([name, argType]) => {
      const table = { ...argType.table };
      let description = argType.description;
      const match = (docgen?.[name]?.description ?? description)?.match(/^([\s\S]*?)\s*@defaultValue\s+([\s\S]+)$/);
      if (match) {
        description = match[1];
        // The Default column is plain text: code spans lose their backticks ("a new `Room`" reads "a new Room").
        table.defaultValue = { summary: match[2]!.trim().replace(/`([^`]*)`/g, '$1') };
      }
      if (table.type?.summary) {
        // An optional prop's `| undefined` (there for exactOptionalPropertyTypes) says nothing the table does not.
        const raw = docgen?.[name]?.tsType?.raw;
        const written = table.type.summary === 'union' && raw ? raw : table.type.summary;
        table.type = {
          ...table.type,
          summary: written
            .replace(/\s*\|\s*undefined\b/g, '')
            .replace(/^\((.*)\)$/, '$1')
            .replace(/\bReact\.?React(\w+)/g, 'React$1')
            .replace(/\bReact\.(\w+)/g, '$1')
            // Texts an app may give some of (`labels`): "any of CameraGridLabels".
            .replace(/\bPartial<(\w+)>/g, 'any of $1'),
        };
      }
      return [name, { ...argType, description, table }];
    }),
  );
};

/**
 * A component's docs page: what it does, a first story showing it at work with the code that
 * runs it, its props (a reference table — the stories run snippets, so there is nothing to
 * control), then every other story (the first one not again: one copy of each on the page).
 */
function DocsPage() {
  return (
    <>
      <Title />
      <Subtitle />
      <Description />
      <Description of="story" />
      <Primary />
      <ArgTypes />
      <Stories includePrimary={false} />
    </>
  );
}

const preview: Preview = {
  decorators: [withStrictMode, withDocsOutline],
  argTypesEnhancers: [readableArgTypes],
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { disable: true },
    docs: { page: DocsPage, container: DocsInMain },
    options: { storySort: { order: ['Introduction', 'Playground', 'Components', 'Examples'] } },
  },
};

export default preview;
