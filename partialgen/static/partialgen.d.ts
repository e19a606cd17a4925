// Types of partialgen.js, the browser side of partialgen's patch streams.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An RFC 6902 operation, or partialgen's `append` (a string added to a string). */
export type Operation =
  | { op: "add"; path: string; value: Json }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: Json }
  | { op: "move"; from: string; path: string }
  | { op: "copy"; from: string; path: string }
  | { op: "test"; path: string; value: Json }
  | { op: "append"; path: string; value: string };

/** An operation applyPatch could not carry out; `index` is its position. */
export class PatchError extends Error {
  readonly index: number;
  readonly op: unknown;
  constructor(message: string, index: number, op: unknown);
}

/**
 * The document `ops` make of `doc`. Neither `doc` nor anything in it is modified:
 * the containers on a changed path are new, every other subtree is shared.
 * Throws PatchError (and leaves `doc` as it was) for an operation it cannot apply.
 */
export function applyPatch<T = unknown>(doc: unknown, ops: readonly Operation[]): T;

/** Why a stream failed: the `error` event's data, or the client's own. */
export interface StreamErrorInfo {
  /**
   * partialgen's error class (`ImpossiblePrefixError`, `InvalidOutputError`,
   * `RefusalError`, `RetriesExhaustedError`, ...), or the client's: `HTTPError`,
   * `NetworkError`, `ConnectionClosed` (no `done`), `PatchError`, `ProtocolError`.
   */
  kind: string;
  /** A JSON Pointer to where it happened ("" is the root), or null. */
  path: string | null;
  message: string;
  /** The response status, for `HTTPError`. */
  status?: number;
}

/** What a stream's promise rejects with when the stream fails. */
export class StreamError extends Error implements StreamErrorInfo {
  readonly kind: string;
  readonly path: string | null;
  readonly status?: number;
  constructor(info: StreamErrorInfo);
}

/** One parsed Server-Sent Event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string;
}

/** The incremental event-stream parser streamObject uses (WHATWG rules). */
export class EventStreamParser {
  constructor(dispatch: (event: ServerSentEvent) => void);
  feed(text: string): void;
  readonly lastEventId: string;
  readonly retry: number | null;
}

/** The `attempt` event's error: why the last answer was rejected. */
export type AttemptError = StreamErrorInfo | null;

export interface StreamObjectOptions<Partial = unknown, Full = Partial, Item = unknown>
  extends Omit<RequestInit, "signal"> {
  /** After every `patch` event: a new document (the last one is left untouched). */
  onUpdate?: (doc: Partial) => void;
  /** A list item closed and validated (`path` like "/users/0"), once each. */
  onItem?: (path: string, item: Item) => void;
  /** The server asks the model again: the document and the items start over. */
  onAttempt?: (attempt: number, error: AttemptError) => void;
  /** The validated value; the stream has ended. */
  onDone?: (result: Full) => void;
  /** The stream failed and has ended (not called for an abort). */
  onError?: (error: StreamErrorInfo) => void;
  /** Aborts the request; the stream's promise rejects with the abort reason. */
  signal?: AbortSignal;
  /** Sent as the Last-Event-ID header (to continue the ids of an earlier stream). */
  lastEventId?: string | number | null;
  /** The fetch function to use (default: the global fetch). */
  fetch?: typeof fetch;
}

/** A running stream: await it for the validated value, or abort it. */
export interface ObjectStream<Partial = unknown, Full = Partial, Item = unknown>
  extends PromiseLike<Full> {
  /** Resolves to the `done` value; rejects with a StreamError or the abort reason. */
  readonly result: Promise<Full>;
  abort(reason?: unknown): void;
  /** The document after the last patch (null before the first). */
  readonly document: Partial | null;
  /** The items received so far, in order (of the current attempt). */
  readonly items: ReadonlyArray<{ path: string; item: Item }>;
  /** The id of the last event received. */
  readonly lastEventId: string | null;
  /** The attempt the document belongs to (1, then 2 after a re-ask, ...). */
  readonly attempt: number;
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Full | R>;
  finally(onfinally?: (() => void) | null): Promise<Full>;
}

/**
 * Stream a partial object from a partialgen patch endpoint (`sse_patches` /
 * `asse_patches`) over fetch. `Partial` is the type of the documents onUpdate gets,
 * `Full` the validated value's, `Item` the list items'.
 */
export function streamObject<Partial = unknown, Full = Partial, Item = unknown>(
  url: string | URL,
  options?: StreamObjectOptions<Partial, Full, Item>,
): ObjectStream<Partial, Full, Item>;
