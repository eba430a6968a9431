import type { Decorator, Preview } from '@storybook/react-vite';
import * as React from 'react';
import '../src/styles.css';
import './preview.css';

/** Every story runs in StrictMode, as the package promises to be StrictMode-safe. */
const withStrictMode: Decorator = (Story) => (
  <React.StrictMode>
    <Story />
  </React.StrictMode>
);

type ArgTypesEnhancer = NonNullable<Preview['argTypesEnhancers']>[number];

/**
 * The props tables read TSDoc descriptions, where defaults are written `@defaultValue …`: move
 * each into the table's Default column instead of leaving the tag in the description.
 */
const withTsDocDefaults: ArgTypesEnhancer = ({ argTypes }) =>
  Object.fromEntries(
    Object.entries(argTypes).map(([name, argType]) => {
      const match = argType.description?.match(/^([\s\S]*?)\s*@defaultValue\s+([\s\S]+)$/);
      if (!match) return [name, argType];
      const [, description, defaultValue] = match;
      return [name, { ...argType, description, table: { ...argType.table, defaultValue: { summary: defaultValue!.trim() } } }];
    }),
  );

const preview: Preview = {
  decorators: [withStrictMode],
  argTypesEnhancers: [withTsDocDefaults],
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    options: { storySort: { order: ['Introduction', 'Playground', 'Components', 'Live'] } },
  },
};

export default preview;
