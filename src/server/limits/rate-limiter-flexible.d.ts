/**
 * The two rate-limiter-flexible modules the handler loads, by their own paths: the package's
 * index also loads its cluster, database and cloud backends (and `node:cluster`), which edge
 * runtimes do not have. Types come from the package's own declarations.
 */
declare module 'rate-limiter-flexible/lib/RateLimiterMemory.js' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export default RateLimiterMemory;
}

declare module 'rate-limiter-flexible/lib/RateLimiterRedis.js' {
  import { RateLimiterRedis } from 'rate-limiter-flexible';
  export default RateLimiterRedis;
}
