/**
 * @module engine/distribution/types
 * Pull, push, login and registry inspection (POST /images/create?fromImage=,
 * POST /images/{name}/push, POST /auth, GET /distribution/{name}/json). Progress goes out as
 * Docker's JSON messages; errors before the first message are thrown (the API answers with
 * a status), later ones end the stream as an `errorDetail` message.
 */
import type { JsonMessage } from '../../api/types/images.js';
import type { Digest } from '../../image/digest.js';
import type { AuthConfig } from '../../registry/types.js';

export type { AuthConfig };

export type ProgressSink = (m: JsonMessage) => void;

export interface PullRequest {
  /** `fromImage`: a name, possibly with a tag or digest. */
  image: string;
  /** `tag`: a tag or a digest. Empty with `all` pulls every tag. */
  tag?: string;
  all?: boolean;
  /** `os/arch[/variant]`; default the daemon's. */
  platform?: string;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

export interface PushRequest {
  /** The repository (`127.0.0.1:5000/app`), possibly with a tag. */
  name: string;
  /** One tag; none pushes every tag of the repository. */
  tag?: string;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

/** GET /distribution/{name}/json */
export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: Digest; size: number };
  Platforms: { architecture: string; os: string; variant?: string; 'os.version'?: string; 'os.features'?: string[] }[];
}

export interface DistributionService {
  pull(req: PullRequest, progress: ProgressSink): Promise<void>;
  push(req: PushRequest, progress: ProgressSink): Promise<void>;
  login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }>;
  inspect(name: string, auth: AuthConfig | undefined): Promise<DistributionInspect>;
}
