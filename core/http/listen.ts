import type { Server } from 'node:http';
import { BootError } from '../boot-error.ts';

/** Listens, or stops boot with the reason an operator can act on (a port in use, a port not allowed). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        return reject(
          new BootError({
            problem: `port ${port} is already in use by another program (maybe another gateway)`,
            fix: `stop that program, or start on a free port: PORT=${port + 1} npm start`,
          }),
        );
      }
      if (error.code === 'EACCES') {
        return reject(
          new BootError({
            problem: `port ${port} may not be opened by this user`,
            fix: 'use a port above 1023 (PORT=4000) and put a reverse proxy in front for 80 or 443',
          }),
        );
      }
      reject(error);
    };
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
}
