/**
 * The service (or any script) in its own Node process, for benchmarks: started with an environment, known by
 * the port its "listening" log line names, stopped with SIGTERM like a container runtime would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { projectPath } from '../src/paths.js';

/** Load benchmarks send from one IP and a few visitors: the web channel's flood limits would refuse most of it. */
export const NO_FLOOD_LIMITS = { WEB_MESSAGES_PER_VISITOR_PER_MINUTE: '0', WEB_MESSAGES_PER_IP_PER_MINUTE: '0' } as const;

export interface Server {
  child: ChildProcess;
  url: string;
  startupMs: number;
}

/**
 * Starts a script in its own Node process and waits for its "listening" log line to learn the port. A `.ts`
 * script runs through tsx; a compiled `.js` one (dist/src/main.js, as `npm start` runs it) as it is.
 */
export async function startServer(script: string, env: Record<string, string>, options: { cwd?: string } = {}): Promise<Server> {
  const started = performance.now();
  // BENCH_CPU_PROF=<dir> profiles every child (node --cpu-prof); the profile is written when it exits.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...profile, ...loader, projectPath(script)], {
    cwd: options.cwd ?? projectPath(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (!line.includes('switchboard listening')) continue;
    const { port } = JSON.parse(line) as { port: number };
    // Keep draining its log, or a full pipe would stall the child mid-benchmark.
    child.stdout!.resume();
    return { child, url: `http://127.0.0.1:${port}`, startupMs: performance.now() - started };
  }
  throw new Error(`${script} exited before it listened`);
}

export async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** CPU time (user + system) the process has used so far, in milliseconds, from /proc (Linux). */
export function cpuMs(server: Server): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name; in clock ticks (100/s).
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}
