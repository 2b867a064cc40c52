import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Cancelled, Conflict, DataLoss, FailedPrecondition, Forbidden, InvalidArgument, LocationError, NotFound, NotModified,
  SystemError, Unauthorized, Unavailable,
} from '../errdefs/index.js';
import { statusOf } from './errors.js';

describe('errdefs → HTTP status', () => {
  it('maps each kind as dockerd does', () => {
    const cases: [unknown, number][] = [
      [new NotModified('x'), 304],
      [new InvalidArgument('x'), 400],
      [new LocationError('x', 'Dockerfile', 1), 400],
      [new Unauthorized('x'), 401],
      [new Forbidden('x'), 403],
      [new NotFound('x'), 404],
      [new Conflict('x'), 409],
      [new FailedPrecondition('x'), 412],
      [new Cancelled('x'), 499],
      [new Unavailable('x'), 503],
      [new DataLoss('x'), 500],
      [new SystemError('x'), 500],
      [new Error('x'), 500],
    ];
    for (const [e, status] of cases) assert.equal(statusOf(e), status, (e as Error).constructor.name);
  });
});
