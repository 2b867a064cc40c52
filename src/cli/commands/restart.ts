/**
 * @module cli/commands/restart
 * `berth restart [-t SECONDS] [-s SIGNAL] CONTAINER...`.
 */
import type { Command } from '../command.js';
import { stopLike } from './stop.js';

export const restart: Command = stopLike('restart', 'Restart one or more containers');
