import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // This folder is the app's root: it has its own lock file, inside a repository that has another.
  turbopack: { root: __dirname },
  outputFileTracingRoot: __dirname,
};

export default nextConfig;
