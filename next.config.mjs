/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM database drivers stay outside the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "@node-rs/argon2", "@prisma/client"],
  // Separate build folders let several e2e runs (different E2E_PORT) build side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // The build checks the app's own code; `npm test` type-checks everything, tests and bench included.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  typedRoutes: false,
  // A provider photo may be 2 MB, ≈2.7 MB as base64 inside the action's arguments (Next's default is 1 MB).
  // Keep equal to ACTION_BODY_LIMIT_BYTES in lib/security/action-request.ts, which the proxy enforces with a 400.
  experimental: { serverActions: { bodySizeLimit: "3mb" } },
};
export default nextConfig;
