/** Runs the real `shopiq` command in a child process, as an operator would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
export const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only what is given: the child never inherits the developer's DATABASE_URL or keys. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // no metrics port unless a test asks: services started side by side would share 9464
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', METRICS_PORT: '0', ...env };
}

/** `input`: written to the command's standard input, which then ends (a pipe, not a terminal). */
export function runCli(args: string[], env: Record<string, string>, cwd?: string, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv(env),
      cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningService {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** `shopiq start` as a child process, on a port of its own choosing, its output piped. */
export function spawnStart(env: Record<string, string>, cwd?: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [CLI, 'start', ...args], {
    env: cliEnv({ PORT: '0', ...env }),
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts `shopiq start` and resolves once its log says it is up. */
export function startService(
  env: Record<string, string>,
  cwd?: string,
  timeoutMs = 60_000,
  args: string[] = [],
): Promise<RunningService> {
  return untilUp(spawnStart(env, cwd, args), timeoutMs);
}

/**
 * Starts the service the way the README says, `npm start` in the project folder, as the
 * leader of its own process group: a terminal's Ctrl-C is `process.kill(-child.pid, 'SIGINT')`.
 */
export function startWithNpm(
  env: Record<string, string>,
  timeoutMs = 60_000,
  project = PROJECT,
): Promise<RunningService> {
  const child = spawn('npm', ['start'], {
    env: cliEnv({ PORT: '0', ...env }),
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return untilUp(child, timeoutMs);
}

function untilUp(child: ChildProcess, timeoutMs: number): Promise<RunningService> {
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not come up in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const up = output.split('\n').find((l) => l.includes('"msg":"ShopIQ is up"'));
      if (up) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(up).url ?? '', output: () => output, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before coming up:\n${output}`));
    });
  });
}
