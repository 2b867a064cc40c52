/**
 * @module builder/errors
 * The builder's own error: a RUN whose process exited non-zero. Its `code` is the exit status
 * the API sends as `errorDetail.code` and the docker CLI exits with.
 */
import { SystemError } from '../errdefs/index.js';

export class StepFailed extends SystemError {
  readonly code: number;
  readonly stepFailed = true;
  constructor(message: string, code: number) {
    super(message);
    this.code = code;
  }
}
