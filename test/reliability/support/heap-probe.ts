import WebSocket from 'ws';

/**
 * The gateway's live heap, measured from outside: over the V8 inspector of a process started with
 * `--inspect=127.0.0.1:0`, a full collection (`HeapProfiler.collectGarbage`), then
 * `process.memoryUsage().heapUsed`. What the program still holds, without the garbage not yet
 * collected and without the pages V8 keeps mapped after its heap shrinks (which RSS counts: see
 * docs/reliability.md).
 */
export async function liveHeapBytes(inspectorUrl: string): Promise<number> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let id = 0;
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const mine = ++id;
      const onMessage = (raw: WebSocket.RawData) => {
        const message = JSON.parse(raw.toString()) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: unknown;
        };
        if (message.id !== mine) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id: mine, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const evaluated = await call('Runtime.evaluate', {
      expression: 'process.memoryUsage().heapUsed',
      returnByValue: true,
    });
    return Number((evaluated.result as { value: number }).value);
  } finally {
    socket.close();
  }
}
