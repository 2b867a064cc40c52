/**
 * @module bench/types
 * A benchmark workload measures one figure for berth and, where it has one, the floor (the
 * same work done by the plain system tools) and Docker's figure measured in the same run.
 */
import type { TestDaemon } from '../test/helpers/daemon.js';
import type { Dockerd } from './dockerd.js';

export interface BenchContext {
  /** A berthd on a temporary data root, started for the run. */
  berth: TestDaemon;
  /** A dockerd (Debian docker.io) on a temporary data root, when installed. */
  docker?: Omit<Dockerd, 'stop'>;
  /** A scratch directory removed after the run. */
  scratch: string;
}

export interface Figure {
  /** What was measured, e.g. "import 1 GB layer". */
  name: string;
  value: number;
  /** e.g. "MB/s" or "ms". */
  unit: string;
  /** true when a larger value is better (throughput), false for times. */
  higherIsBetter: boolean;
  floor?: number;
  docker?: number;
  /** The goal as text, e.g. "≤ 1.5× floor". */
  goal?: string;
}

export interface Workload {
  name: string;
  /** Runs only when its name is asked for (`npm run bench crash`), never in the default run. */
  onlyWhenNamed?: boolean;
  /** false when it never compares with Docker: dockerd is not started for it alone. */
  usesDocker?: boolean;
  run(ctx: BenchContext): Promise<Figure[]>;
}
