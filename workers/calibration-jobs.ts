/**
 * Names and options of the calibration jobs, shared by the web process (producer) and the workers,
 * without pulling the workers' code into the web bundle.
 */
export const CALIBRATE = 'calibrate';
export const CHECK_NEW_ANSWERS = 'check-new-answers';
export const SCHEDULED_CALIBRATION = 'scheduled-calibration';

export interface CalibrateJobData {
  runId: string;
}

/** Options of every calibration job (one attempt: an error in a run is not cured by retrying it). */
export const CALIBRATE_JOB_OPTIONS = { attempts: 1, removeOnComplete: { count: 500 }, removeOnFail: { count: 500 } } as const;
