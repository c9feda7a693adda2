/**
 * node:http, taken with process.getBuiltinModule rather than an ES import: the ES module facade
 * reads every export of node:http, and reading `WebSocket` loads undici, 40–60 ms of every
 * start-up on a 2-core machine. Import it from here; `import type` from 'node:http' is free.
 */
export const http = process.getBuiltinModule('node:http');
