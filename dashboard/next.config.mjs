import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// npm workspaces hoist next/react to the monorepo root: tell Next where the root is.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  outputFileTracingRoot: root,
  turbopack: { root },
  // The SDK's protocol (parseDuration in lib/heatmap-metric.ts) is a workspace package
  // shipped as TypeScript source (sdk/package.json `exports`): Next compiles it.
  transpilePackages: ['@flowtrail/sdk'],
};

export default nextConfig;
