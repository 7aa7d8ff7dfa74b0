/**
 * A named part of `npm run bench`. Each later issue adds its own section (qualification latency,
 * sequence throughput, ...) to the list in bench/run.ts; the runner prints each section's table and
 * ends with one JSON line holding every section's figures.
 */
export interface BenchSection {
  /** Short id, used to pick sections: `npm run bench -- import`. */
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}

export interface BenchContext {
  /** A scratch directory for this run, removed afterwards. */
  tmpDir: string;
  /** Progress for a person watching (stderr); the results go to stdout. */
  log(message: string): void;
}

export interface SectionResult {
  tables: { title: string; columns: string[]; rows: (string | number)[][] }[];
  /** Lines printed under the table: targets met or missed, skipped parts and why. */
  notes: string[];
  /** Everything measured, for the final JSON line. */
  figures: Record<string, unknown>;
}
