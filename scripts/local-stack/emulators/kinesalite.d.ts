/** Minimal types of kinesalite 3.x (CommonJS, ships none): a factory returning an HTTP server. */
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    /** Milliseconds a stream stays CREATING; 0 makes it ACTIVE at once. */
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    /** LevelDB directory; in memory when absent. */
    path?: string;
    ssl?: boolean;
  }

  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}
