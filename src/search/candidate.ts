// What the search hands out for evaluation: a candidate program, where it came from and how it was made.

/** How a candidate was made from its parent. */
export type MutationKind = 'insert' | 'delete' | 'modify-variable' | 'modify-constant' | 'random' | 'seed';

export interface MutationRecord {
  /** One of MutationKind for optimizers; a block dialect names its own kinds (src/nas). */
  readonly kind: MutationKind | (string & {});
  /**
   * 1-based line of the changed statement in the canonical printed program (the `def` line is 1):
   * the child's line for insert and modify, the parent's line for delete; absent for whole programs.
   */
  readonly line?: number;
  /** Human-readable account of the change, e.g. "0.9 → 0.8123 in `m = interp(g, m, 0.8123)`". */
  readonly detail: string;
  /** The child behaves as its parent (same fingerprint) and took its parent's result untrained. */
  readonly neutral?: true;
}

export interface Candidate {
  /** Monotonic within a run: candidates are numbered in the order they are asked for. */
  readonly id: number;
  /** The population member it was mutated from; null for warm-start copies of the seeds. */
  readonly parentId: number | null;
  /** Canonical program text (printProgram's output): the candidate's identity in logs and files. */
  readonly program: string;
  readonly mutation: MutationRecord;
}
