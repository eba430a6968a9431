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

const preview: Preview = {
  decorators: [withStrictMode],
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    options: { storySort: { order: ['Introduction', 'Playground', 'Components', 'Live'] } },
  },
};

export default preview;
