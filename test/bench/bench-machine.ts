/**
 * The machine a benchmark ran on, as every benchmark's JSON records it: figures mean little
 * without the CPU, the load and the commit they were measured on.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';

import { ROOT } from '../support/processes.ts';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * How long this machine takes for one fixed piece of single-threaded JavaScript — JSON written and
 * read back, and SHA-256 over the text — in ms, the median of five. The same CPU model name
 * covers machines (and shared hosts) whose speed differs by two times and more; a figure that is
 * time on the machine's clock is compared across runs with this beside it.
 */
export function referenceWorkMs(): number {
  const record = Array.from({ length: 2_000 }, (_, index) => ({
    id: `00u${String(index).padStart(17, '0')}`,
    status: index % 7 === 0 ? 'SUSPENDED' : 'ACTIVE',
    profile: { login: `user${String(index)}@example.com`, firstName: 'Ada', lastName: 'Lovelace' },
  }));
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    for (let round = 0; round < 20; round += 1) {
      const text = JSON.stringify(record);
      createHash('sha256').update(text).digest('hex');
      JSON.parse(text);
    }
    times.push(performance.now() - started);
  }
  return round(times.sort((a, b) => a - b)[2] ?? NaN);
}

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
    referenceWorkMs: referenceWorkMs(),
  };
  return { ...base, ...extra } as typeof base & Extra;
}
