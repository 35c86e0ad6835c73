import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** user + system time of a process (and, with `children`, of its exited children), in ms. */
function processCpuMs(pid: number, children = false): number {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (children ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** All PostgreSQL processes: the postmaster, its live backends, and those that exited meanwhile. */
function databaseCpuMs(postmasterPid: number): number {
  let total = processCpuMs(postmasterPid, true);
  for (const pid of childPids(postmasterPid)) {
    try {
      total += processCpuMs(pid);
    } catch {
      // exited between the listing and the read: counted in the postmaster's children next time
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine, in ms, from /proc/stat. */
function machineMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

interface Snapshot {
  gateway: number;
  database: number;
  loadGenerator: number;
  busy: number;
  total: number;
}

export interface CpuUse {
  /** CPU milliseconds per request, by who spent them. */
  gateway_ms: number;
  database_ms: number;
  load_generator_ms: number;
  /** Share of the machine's CPU time that was busy during the phase (all processes). */
  machine_busy: number;
}

/**
 * Where the CPU went during a phase of the benchmark: the gateway process, PostgreSQL (this
 * machine's server), and this process (autocannon or the `pg` clients), per request. It tells a
 * CPU-bound phase from one that waits (on locks or on the disk), and which side to make cheaper.
 */
export class CpuMeter {
  readonly #gatewayPid: number;
  readonly #postmasterPid: number;

  constructor(gatewayPid: number, postmasterPid: number) {
    this.#gatewayPid = gatewayPid;
    this.#postmasterPid = postmasterPid;
  }

  snapshot(): Snapshot {
    const own = process.cpuUsage();
    return {
      gateway: processCpuMs(this.#gatewayPid),
      database: databaseCpuMs(this.#postmasterPid),
      loadGenerator: (own.user + own.system) / 1000,
      ...machineMs(),
    };
  }

  /** CPU per request since `start`, for `requests` requests. */
  since(start: Snapshot, requests: number): CpuUse {
    const end = this.snapshot();
    const per = (ms: number) => Math.round((ms / Math.max(1, requests)) * 1000) / 1000;
    return {
      gateway_ms: per(end.gateway - start.gateway),
      database_ms: per(end.database - start.database),
      load_generator_ms: per(end.loadGenerator - start.loadGenerator),
      machine_busy: Math.round(((end.busy - start.busy) / Math.max(1, end.total - start.total)) * 100) / 100,
    };
  }
}

/** The postmaster's pid, from any backend's parent; undefined when the server is not on this machine. */
export function postmasterPid(backendPid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
