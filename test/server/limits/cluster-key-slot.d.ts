/** cluster-key-slot (the hash slot ioredis routes a key by) ships no types. */
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0–16383) of a key: of its hash tag when it has one, else of the whole key. */
  export default function calculateSlot(key: string): number;
}
