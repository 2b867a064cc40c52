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
 *
 * The events are declared once, in api/types/build.ts: the API sends them unchanged to clients
 * that ask for them (`events=1`), so the CLI reads the same union.
 */
import type { BuildProgressEvent } from '../api/types/build.js';

/** One event; the union is declared with the API's wire shapes, which carry it as is. */
export type BuildEvent = BuildProgressEvent;

/** Receives events; must not throw. */
export type BuildEventSink = (e: BuildEvent) => void;
