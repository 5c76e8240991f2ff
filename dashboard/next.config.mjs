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
};

export default nextConfig;
