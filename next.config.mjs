/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM database drivers stay outside the server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "@node-rs/argon2", "@prisma/client"],
  poweredByHeader: false,
  typedRoutes: false,
};
export default nextConfig;
