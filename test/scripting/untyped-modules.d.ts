// The few members the library tests use of dev dependencies that ship no types.

declare module 'redlock' {
  interface Lock {
    extend(ttlMs: number): Promise<Lock>;
    unlock(): Promise<void>;
  }
  export default class Redlock {
    constructor(clients: unknown[], options?: { retryCount?: number; retryDelay?: number });
    lock(resource: string, ttlMs: number): Promise<Lock>;
  }
}

declare module 'express' {
  import type { Server } from 'node:http';
  interface Response {
    send(body: string): void;
  }
  interface App {
    use(handler: unknown): void;
    get(path: string, handler: (req: unknown, res: Response) => void): void;
    listen(port: number): Server;
  }
  export default function express(): App;
}
