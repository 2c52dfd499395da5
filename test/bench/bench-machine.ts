/**
 * The machine a benchmark ran on, as every benchmark's JSON records it: figures mean little
 * without the CPU, the load and the commit they were measured on.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

import { ROOT } from '../support/processes.ts';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** CPU, cores, memory, load, platform, Node and the commit, plus what a benchmark adds. */
export function benchMachine<Extra extends Record<string, string> = Record<string, never>>(
  extra?: Extra,
) {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    // Not a git checkout: the commit is just left out.
  }
  const base = {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 1e9),
    loadAverage1m: round(os.loadavg()[0] ?? 0, 2),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    commit,
  };
  return { ...base, ...extra } as typeof base & Extra;
}
