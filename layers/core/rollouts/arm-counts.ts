/** One arm's cumulative counts in a rollout run, kept atomically by the experiment store. */
export interface ArmCounts {
  /** Users assigned to the arm (at the moment they would be, or were, messaged). */
  exposed: number;
  /** Of those, users who purchased within the attribution window after their exposure. */
  converted: number;
  /** Of those, users who opened or clicked a message of the campaign (treatment only: control gets none). */
  clicked: number;
}

/** The counts of a run: the control group and each variant of the treatment. */
export interface RunCounts {
  control: ArmCounts;
  variants: Record<string, ArmCounts>;
}

export const emptyArm = (): ArmCounts => ({ exposed: 0, converted: 0, clicked: 0 });

/** All treatment variants together. */
export const treatmentOf = (counts: RunCounts): ArmCounts =>
  Object.values(counts.variants).reduce((sum, arm) => ({ exposed: sum.exposed + arm.exposed, converted: sum.converted + arm.converted, clicked: sum.clicked + arm.clicked }), emptyArm());
