/**
 * @module engine/distribution/distribution-service
 * The distribution service: pull, push, login and registry inspection over one registry client.
 */
import { NotFound, SystemError, Unauthorized } from '../../errdefs/index.js';
import { isIndexMediaType, parseIndex, parseManifest } from '../../image/manifest.js';
import { decodeImageConfig } from '../../image/config.js';
import type { AuthConfig } from '../../registry/types.js';
import { requestRef, type DistributionDeps } from './context.js';
import { pull } from './pull.js';
import { push } from './push.js';
import type { DistributionInspect, DistributionService, ProgressSink, PullRequest, PushRequest } from './types.js';
import { familiarName, familiarString, tagNameOnly, type Reference } from '../../image/reference.js';
import type { EventSink } from '../events/event-log.js';

export class DefaultDistributionService implements DistributionService {
  readonly #d: DistributionDeps;
  readonly #events: EventSink | undefined;

  constructor(deps: DistributionDeps & { events?: EventSink }) {
    this.#d = deps;
    this.#events = deps.events;
  }

  /**
   * dockerd's pull and push events: the reference as Actor (the bare repository when every tag
   * went), its repository as `name`.
   */
  #event(action: string, ref: Reference): void {
    this.#events?.({ type: 'image', action, id: familiarString(ref), attributes: { name: familiarName(ref) } });
  }

  async pull(req: PullRequest, progress: ProgressSink): Promise<void> {
    this.#event('pull', await pull(this.#d, req, progress));
  }

  async push(req: PushRequest, progress: ProgressSink): Promise<void> {
    await push(this.#d, req, progress);
    this.#event('push', requestRef(req.name, req.tag));
  }

  async login(auth: AuthConfig): Promise<{ IdentityToken: string; Status: string }> {
    const r = await this.#d.registry.login(auth);
    // dockerd's field order.
    return { IdentityToken: r.identityToken ?? '', Status: r.status };
  }

  async inspect(name: string, auth: AuthConfig | undefined): Promise<DistributionInspect> {
    const ref = tagNameOnly(requestRef(name, undefined));
    const repo = this.#d.registry.repository(ref.domain, ref.path, auth, ['pull']);
    // dockerd shows a missing manifest with the registry's words alone (a pull names the reference).
    // Refused credentials are dockerd's plain error (500), as in a pull.
    const m = await repo.getManifest(ref.digest ?? ref.tag!).catch((e) => {
      if (e instanceof Unauthorized) throw new SystemError(e.message, { cause: e });
      throw e instanceof NotFound && e.cause instanceof NotFound ? e.cause : e;
    });
    const Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (isIndexMediaType(m.mediaType)) {
      const Platforms = parseIndex(m.bytes).manifests.filter((x) => x.platform).map((x) => x.platform!);
      return { Descriptor, Platforms };
    }
    const config = decodeImageConfig(await repo.readBlob(parseManifest(m.bytes).config));
    const p = { architecture: config.architecture ?? '', os: config.os ?? '', ...(config.variant ? { variant: config.variant } : {}) };
    return { Descriptor, Platforms: [p] };
  }
}
