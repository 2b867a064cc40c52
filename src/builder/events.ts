/**
 * @module builder/events
 * The builder's progress, as a stream of events. Renderers turn them into text: the classic
 * renderer (progress/classic.ts) prints exactly what Docker's legacy builder prints; the CLI's
 * tty and plain views draw them differently.
 *
 * Terms:
 * - *step*: one numbered line of the classic output (`Step 3/7 : RUN make`), counted over the
 *   whole build: meta ARGs, each stage's FROM and each of its instructions. ONBUILD triggers
 *   run inside their FROM step and are not counted, as in Docker.
 * - *stage*: index of the Dockerfile stage (0-based, in file order) a step belongs to; -1 for
 *   meta ARGs before the first FROM.
 *
 * Order within a step: `step` → (`triggers`)? → (`cached` | `container` `output`* `removed`?)* →
 * `note`* → (`image` | `folded`). A failed step has neither; the build ends with an error instead.
 */

export type BuildEvent =
  /** A step begins: `Step N/M : TEXT`. */
  | { kind: 'step'; step: number; total: number; stage: number; text: string }
  /** ONBUILD triggers of the base image are about to run: `# Executing N build trigger(s)`. */
  | { kind: 'triggers'; step: number; count: number }
  /** The step's result comes from the cache: ` ---> Using cache`. */
  | { kind: 'cached'; step: number }
  /** An intermediate container was created for the step: ` ---> Running in <id>`. */
  | { kind: 'container'; step: number; id: string }
  /** Output of a RUN, as it comes. */
  | { kind: 'output'; step: number; stream: 'stdout' | 'stderr'; data: string }
  /** The intermediate container was removed: `Removing intermediate container <id>`. */
  | { kind: 'removed'; step: number; id: string }
  /** A line the builder prints during a step (download progress, overridden HEALTHCHECK, warnings). */
  | { kind: 'note'; step: number; text: string }
  /** The step is done; `id` is the image it produced ('' for `FROM scratch`): ` ---> <id>`. */
  | { kind: 'image'; step: number; id: string }
  /**
   * The step is done and folded into the image its run of config-only steps commits at its
   * end (solver/fold.ts): no image of its own, nothing printed.
   */
  | { kind: 'folded'; step: number }
  /** A stage is complete (the API's `aux` message with the image ID). */
  | { kind: 'stage'; stage: number; id: string }
  /** A build-wide warning, e.g. build args nobody consumed. */
  | { kind: 'warning'; text: string }
  /** The build produced this image: `Successfully built <id>`. */
  | { kind: 'built'; id: string }
  /** A tag was applied: `Successfully tagged <name>`. */
  | { kind: 'tagged'; name: string };

/** Receives events; must not throw. */
export type BuildEventSink = (e: BuildEvent) => void;
