/**
 * @module engine/containers/status
 * The human `Status` column the daemon builds for `GET /containers/json` ("Up 3 seconds",
 * "Exited (0) 2 minutes ago", "Created", "Up 5 minutes (Paused)"), with go-units'
 * HumanDuration wording.
 */

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

export interface StatusInput {
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  startedAt: string;
  finishedAt: string;
  exitCode: number;
}

const ZERO = '0001-01-01T00:00:00Z';

export function statusText(s: StatusInput, now = Date.now()): string {
  const since = (t: string) => humanDuration(Math.max(0, now - Date.parse(t)));
  switch (s.status) {
    case 'running':
      return `Up ${since(s.startedAt)}`;
    case 'paused':
      return `Up ${since(s.startedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${s.exitCode}) ${since(s.finishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'created':
      return 'Created';
    case 'exited':
      if (!s.finishedAt || s.finishedAt === ZERO) return `Exited (${s.exitCode})`;
      return `Exited (${s.exitCode}) ${since(s.finishedAt)} ago`;
  }
}
