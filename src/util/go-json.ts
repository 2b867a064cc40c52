/**
 * @module util/go-json
 * JSON text as Go's encoding/json writes it, for bytes that must match dockerd's: image
 * configs (whose sha256 is the image ID) and the API's JSON message streams.
 */

/** JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
