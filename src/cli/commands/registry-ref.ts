/**
 * @module cli/commands/registry-ref
 * Image names as pull and push send them to the daemon: the repository as the user wrote it
 * (the daemon normalizes it) and the tag or digest apart, and the fully qualified name the
 * docker CLI prints after a pull (`docker.io/library/busybox:latest`).
 */
import { ExitError } from '../command.js';
import { registryOf } from '../credentials.js';

export interface SplitRef {
  repo: string;
  tag?: string;
  digest?: string;
}

/** `name[:tag][@digest]` apart; the tag may follow a registry port (`localhost:5000/x:1`). */
export function splitRef(ref: string): SplitRef {
  const at = ref.indexOf('@');
  let base = ref;
  let digest: string | undefined;
  if (at >= 0) {
    base = ref.slice(0, at);
    digest = ref.slice(at + 1);
  }
  const i = base.lastIndexOf(':');
  if (i > 0 && !base.slice(i).includes('/')) {
    return { repo: base.slice(0, i), tag: base.slice(i + 1), ...(digest ? { digest } : {}) };
  }
  return { repo: base, ...(digest ? { digest } : {}) };
}

/** `busybox` → `docker.io/library/busybox` */
export function fullRepo(repo: string): string {
  const host = registryOf(repo);
  if (host === 'docker.io') {
    const rest = repo.replace(/^(docker\.io|index\.docker\.io)\//, '');
    return `docker.io/${rest.includes('/') ? rest : `library/${rest}`}`;
  }
  return repo;
}

/** Rejects what cannot be a reference before anything is sent, with docker's wording. */
export function checkRef(ref: string): void {
  if (ref === '' || /\s/.test(ref)) throw new ExitError(1, `invalid reference format`);
  const { repo } = splitRef(ref);
  const path = repo.includes('/') && registryOf(repo) !== 'docker.io' ? repo.slice(repo.indexOf('/') + 1) : repo;
  if (path !== path.toLowerCase()) throw new ExitError(1, 'invalid reference format: repository name must be lowercase');
}
