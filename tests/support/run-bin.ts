import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './demo-config.js';

/** What a finished `bin/storyfeed.js` process printed and how it exited. */
export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/storyfeed.js (the built dist/) as a real process and returns its output and exit code. With
 * `closeStdout` the read end of its stdout is closed at once, as `| head` does once it has enough.
 */
export function runBin(args: string[], options: { closeStdout?: boolean; env?: Record<string, string>; cwd?: string } = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/storyfeed.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
