import { ArgTypes, Description, Primary, Stories, Subtitle, Title } from '@storybook/addon-docs/blocks';
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
 * control), then every other story.
 */
function DocsPage() {
  return (
    <>
      <Title />
      <Subtitle />
      <Description />
      <Primary />
      <ArgTypes />
      <Stories />
    </>
  );
}

const preview: Preview = {
  decorators: [withStrictMode],
  argTypesEnhancers: [readableArgTypes],
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { disable: true },
    docs: { page: DocsPage },
    options: { storySort: { order: ['Introduction', 'Playground', 'Components', 'Examples'] } },
  },
};

export default preview;
