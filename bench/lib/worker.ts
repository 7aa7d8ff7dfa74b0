import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs one measurement in a fresh Node process (with --expose-gc, through tsx), so each starts from
 * the same heap and no run's garbage or JIT state leaks into the next. The worker prints its result
 * as the last line of stdout, one JSON object.
 */
export function runBenchWorker<I, R>(script: string, input: I, what: string): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, JSON.stringify(input)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`${what} failed with exit code ${code}`));
      else resolve(JSON.parse(last) as R);
    });
  });
}
