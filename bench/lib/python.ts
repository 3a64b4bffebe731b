/** Runs a reference script with Debian's Python (where python3-opencv lives) and parses its JSON stdout. */
import { spawn } from 'node:child_process';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export function runPythonJson<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}
