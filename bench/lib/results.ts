/**
 * Writing benchmark results: bench/results/<name>.json, atomically, with the
 * machine context that makes a timing interpretable (cores, load, Node).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/main/workers/paths';

export interface MachineContext {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  /** 1, 5 and 15 minute load averages when the run ended; noisy timings if well above 0. */
  readonly loadavg: number[];
  readonly totalMemoryBytes: number;
}

export function machineContext(): MachineContext {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    loadavg: os.loadavg(),
    totalMemoryBytes: os.totalmem(),
  };
}

/** Writes the JSON and returns its path. */
export function writeBenchResults(name: string, results: object): string {
  const dir = path.join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ machine: machineContext(), ...results }, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Warns when the machine is busy (e.g. training at nice 19): timings then overstate. */
export function loadWarning(): string | null {
  const [one] = os.loadavg();
  if (one !== undefined && one > 0.5) {
    return `warning: load average ${one.toFixed(2)} -- other work is running; run the bench on an idle machine for stable timings`;
  }
  return null;
}
