/**
 * @module engine/containers/testing/harness
 * The container engine on a runtime the test gives (the fake one from the runtime's testing
 * helpers, for unit tests without root): the services built as daemon/wire.ts builds them, over
 * a temporary records directory and one make-believe image.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ContainerCreateRequest, ContainerInspect } from '../../../api/types/containers.js';
import { NotFound } from '../../../errdefs/index.js';
import type { Digest } from '../../../image/digest.js';
import type { ContainerRuntime } from '../../../runtime/types.js';
import type { StoredImage } from '../../../store/images/types.js';
import { DefaultContainerIO } from '../container-io.js';
import { DefaultContainerService } from '../container-service.js';
import { ContainerStore } from '../container-store.js';
import { newContainerContext } from '../context.js';
import type { ContainerRecord } from '../record.js';
import { DefaultExecService } from '../exec.js';
import type { ContainerNetworking } from '../networking.js';
import type { ClientStreams } from '../types.js';

export const IMAGE_ID = `sha256:${'ab'.repeat(32)}` as Digest;

const image = {
  record: { id: IMAGE_ID },
  config: { config: { Cmd: ['sleep', 'forever'], Env: ['PATH=/bin'] } },
  chainIds: [],
  topChainId: null,
} as unknown as StoredImage;

export interface Harness<R extends ContainerRuntime> {
  runtime: R;
  containers: DefaultContainerService;
  io: DefaultContainerIO;
  execs: DefaultExecService;
  /** Creates a container from the test image; returns its ID. */
  create(req?: Partial<ContainerCreateRequest>): Promise<string>;
  inspect(id: string): Promise<ContainerInspect>;
  /** Polls until `cond` holds (fails after 10 s). */
  until(cond: () => boolean | Promise<boolean>, what: string): Promise<void>;
  /** A new engine over the same records and runtime, as after a berthd restart; `whileAway` runs in between. */
  restartDaemon(whileAway?: () => void | Promise<void>): Promise<void>;
  /** The container's record as saved on disk. */
  saved(id: string): ContainerRecord;
  close(): Promise<void>;
}

export async function harness<R extends ContainerRuntime>(runtime: R, opts: { networking?: ContainerNetworking } = {}): Promise<Harness<R>> {
  const root = mkdtempSync(join(tmpdir(), 'berth-engine-'));
  let store: ContainerStore;
  const build = () => {
    store = new ContainerStore(join(root, 'containers'));
    const ctx = newContainerContext(store, {
      runtime,
      resolveImage: (name) => {
        if (name !== 'test' && name !== IMAGE_ID) throw new NotFound(`No such image: ${name}`);
        return image;
      },
      imageById: (id) => (id === IMAGE_ID ? image : undefined),
      layers: { root: join(root, 'layers'), lowerLinks: () => [], get: () => undefined },
      volumes: {
        ensure: async (name) => ({ volume: { Name: name, Mountpoint: join(root, 'volumes', name) } as never, created: true }),
        remove: async () => {},
      },
      networking: opts.networking,
      ncpu: 2,
      hostName: 'host',
    });
    return { containers: new DefaultContainerService(ctx), io: new DefaultContainerIO(ctx), execs: new DefaultExecService(ctx) };
  };
  let services = build();
  await services.containers.recover();
  const h: Harness<R> = {
    runtime,
    ...services,
    create: async (req = {}) => (await h.containers.create({ Image: 'test', ...req } as ContainerCreateRequest, {})).Id,
    inspect: (id) => h.containers.inspect(id),
    until: async (cond, what) => {
      const end = Date.now() + 10_000;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    restartDaemon: async (whileAway) => {
      await services.containers.close();
      await whileAway?.();
      services = build();
      Object.assign(h, services);
      await services.containers.recover();
    },
    saved: (id) => JSON.parse(readFileSync(store.recordFile(id), 'utf8')) as ContainerRecord,
    close: async () => {
      await services.containers.close();
      // A test may end before its last exit is saved: let the exit handling and its writes finish.
      for (let i = 0; i < 3; i++) {
        await store.flush();
        await new Promise((r) => setTimeout(r, 50));
      }
      rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
    },
  };
  return h;
}

/** A client connection for attach and exec: what the process writes, and input to send. */
export function client(): { streams: ClientStreams; input: PassThrough; output: () => Buffer; closed: Promise<void> } {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  let close!: () => void;
  const closed = new Promise<void>((r) => (close = r));
  return {
    streams: {
      input,
      output,
      close: () => {
        output.end();
        close();
      },
    },
    input,
    output: () => Buffer.concat(chunks),
    closed,
  };
}
