// Tests import server modules directly; Next's "server-only" guard is only meaningful in a bundle.
export {};
