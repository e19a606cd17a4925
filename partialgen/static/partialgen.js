// partialgen.js: the browser side of partialgen's patch streams. No dependencies.
//
//   import { applyPatch, streamObject } from "./partialgen.js";
//
// applyPatch(doc, ops) applies JSON Patch operations (RFC 6902, plus partialgen's
// `append` for growing strings) and returns a new document. It never modifies `doc`
// nor anything inside it: only the containers on a changed path are copied, every
// other subtree is the same object as before (React and memo selectors rely on it).
//
// streamObject(url, options) reads the Server-Sent Events of partialgen's
// `sse_patches` / `asse_patches` over fetch and calls onUpdate(doc) with a new
// document per `patch` event, onItem(path, item), onAttempt(n, error),
// onDone(result) and onError({kind, path, message}). See docs/browser.md.

/** An operation applyPatch cannot carry out; `index` is its position in the list. */
export class PatchError extends Error {
  constructor(message, index, op) {
    super(`operation ${index}: ${message}`);
    this.name = "PatchError";
    this.index = index;
    this.op = op;
  }
}

/** The stream ended with an `error` event, or no `done`: {kind, path, message}. */
export class StreamError extends Error {
  constructor(info) {
    super(info.message);
    this.name = "StreamError";
    this.kind = info.kind;
    this.path = info.path;
    if (info.status !== undefined) this.status = info.status;
  }
}

const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const isObject = (value) =>
  value !== null && typeof value === "object" && !Array.isArray(value);

// A plain assignment of "__proto__" would set the prototype instead of a key.
function setKey(object, key, value) {
  if (key === "__proto__") {
    Object.defineProperty(object, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    object[key] = value;
  }
}

function parsePointer(path) {
  if (typeof path !== "string") throw new Error("a path is a string");
  if (path === "") return [];
  if (path[0] !== "/") throw new Error(`a JSON Pointer starts with '/': ${JSON.stringify(path)}`);
  if (/~(?![01])/.test(path)) {
    throw new Error(`a '~' is followed by 0 or 1 in a JSON Pointer: ${JSON.stringify(path)}`);
  }
  return path
    .slice(1)
    .split("/")
    .map((t) => (t.includes("~") ? t.replace(/~1/g, "/").replace(/~0/g, "~") : t));
}

function arrayIndex(token, length, adding) {
  if (adding && token === "-") return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`${JSON.stringify(token)} is not an array index`);
  const index = Number(token);
  if (index > length || (index === length && !adding)) {
    throw new Error(`index ${index} is out of range for an array of ${length}`);
  }
  return index;
}

function describe(value) {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.slice(0, 40);
}

// JSON equality, for `test`: key order does not matter, 1 equals 1.0.
function equal(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => hasOwn(b, k) && equal(a[k], b[k]))
    );
  }
  return false;
}

function clone(value) {
  if (Array.isArray(value)) return value.map(clone);
  if (isObject(value)) {
    const out = {};
    for (const key of Object.keys(value)) setKey(out, key, clone(value[key]));
    return out;
  }
  return value;
}

// Copy-on-write over one applyPatch call: a container is copied the first time an
// operation changes it or something below it; the copy (made here, never handed out
// yet) is then changed in place by the next operations.
class Patcher {
  constructor(doc) {
    this.doc = doc;
    this.fresh = new WeakSet();
  }

  own(value) {
    if (value !== null && typeof value === "object" && this.fresh.has(value)) return value;
    let copy;
    if (Array.isArray(value)) copy = value.slice();
    else if (isObject(value)) {
      copy = {};
      for (const key of Object.keys(value)) setKey(copy, key, value[key]);
    } else throw new Error(`cannot go into ${describe(value)}`);
    this.fresh.add(copy);
    return copy;
  }

  get(tokens) {
    let value = this.doc;
    for (const t of tokens) {
      if (Array.isArray(value)) value = value[arrayIndex(t, value.length, false)];
      else if (isObject(value)) {
        if (!hasOwn(value, t)) throw new Error(`no key ${JSON.stringify(t)}`);
        value = value[t];
      } else throw new Error(`cannot go into ${describe(value)}`);
    }
    return value;
  }

  // The container that holds the target, owned (copied if it was not yet).
  parent(tokens) {
    let container = (this.doc = this.own(this.doc));
    for (const t of tokens.slice(0, -1)) {
      let child;
      if (Array.isArray(container)) {
        const i = arrayIndex(t, container.length, false);
        child = container[i] = this.own(container[i]);
      } else {
        if (!hasOwn(container, t)) throw new Error(`no key ${JSON.stringify(t)}`);
        child = this.own(container[t]);
        setKey(container, t, child);
      }
      container = child;
    }
    return container;
  }

  add(tokens, value) {
    if (tokens.length === 0) {
      this.doc = value;
      return;
    }
    const container = this.parent(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(container)) container.splice(arrayIndex(last, container.length, true), 0, value);
    else setKey(container, last, value);
  }

  remove(tokens) {
    if (tokens.length === 0) throw new Error("the root cannot be removed");
    const container = this.parent(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(container)) return container.splice(arrayIndex(last, container.length, false), 1)[0];
    if (!hasOwn(container, last)) throw new Error(`no key ${JSON.stringify(last)}`);
    const value = container[last];
    delete container[last];
    return value;
  }

  replace(tokens, value) {
    if (tokens.length === 0) {
      this.doc = value;
      return;
    }
    const container = this.parent(tokens);
    const last = tokens[tokens.length - 1];
    if (Array.isArray(container)) container[arrayIndex(last, container.length, false)] = value;
    else {
      if (!hasOwn(container, last)) throw new Error(`no key ${JSON.stringify(last)}`);
      setKey(container, last, value);
    }
  }

  run(op) {
    if (!isObject(op)) throw new Error("an operation is an object");
    const name = op.op;
    const tokens = parsePointer(op.path);
    if (["add", "replace", "test", "append"].includes(name) && !hasOwn(op, "value")) {
      throw new Error(`'${name}' needs a value`);
    }
    switch (name) {
      case "add":
        return this.add(tokens, op.value);
      case "remove":
        return void this.remove(tokens);
      case "replace":
        return this.replace(tokens, op.value);
      case "append": {
        const current = this.get(tokens);
        if (typeof current !== "string" || typeof op.value !== "string") {
          throw new Error("'append' adds a string to a string");
        }
        return this.replace(tokens, current + op.value);
      }
      case "test":
        if (!equal(this.get(tokens), op.value)) throw new Error(`test failed at ${JSON.stringify(op.path)}`);
        return undefined;
      case "move": {
        const source = parsePointer(op.from);
        if (source.length === tokens.length && source.every((t, i) => t === tokens[i])) return undefined;
        if (tokens.length > source.length && source.every((t, i) => t === tokens[i])) {
          throw new Error("a value cannot be moved into itself");
        }
        return this.add(tokens, this.remove(source));
      }
      case "copy":
        // A copy, not the same object: a later operation may change one of the two.
        return this.add(tokens, clone(this.get(parsePointer(op.from))));
      default:
        throw new Error(`unknown op ${JSON.stringify(name)}`);
    }
  }
}

/**
 * The document `ops` make of `doc`. `doc` and everything in it are left as they were;
 * containers on a changed path are new, all others are shared with `doc`. Operations
 * are RFC 6902's add, remove, replace, move, copy and test, plus
 * `{op: "append", path, value}`, which appends a string to the string at `path`
 * (path "" for a string document). Throws PatchError for an operation it cannot
 * apply; `doc` is then unchanged.
 */
export function applyPatch(doc, ops) {
  if (!Array.isArray(ops)) throw new TypeError("applyPatch takes a list of operations");
  const patcher = new Patcher(doc);
  ops.forEach((op, index) => {
    try {
      patcher.run(op);
    } catch (error) {
      throw new PatchError(error.message, index, op);
    }
  });
  return patcher.doc;
}

// -- Server-Sent Events --------------------------------------------------------------

/**
 * An incremental event-stream parser (the WHATWG rules): feed it text as it arrives;
 * it calls `dispatch({event, data, id})` for every complete event. Lines end with
 * CRLF, LF or CR; a line starting with ":" is a comment; `id` persists across events.
 */
export class EventStreamParser {
  constructor(dispatch) {
    this.dispatch = dispatch;
    this.buffer = "";
    this.skipLF = false; // the last chunk ended with CR: a following LF is its pair
    this.type = "";
    this.data = [];
    this.lastEventId = "";
    this.retry = null;
  }

  feed(text) {
    if (this.skipLF && text[0] === "\n") text = text.slice(1);
    this.skipLF = false;
    let buffer = this.buffer + text;
    let start = 0;
    const pattern = /\r\n|\r|\n/g;
    let match;
    while ((match = pattern.exec(buffer)) !== null) {
      if (match[0] === "\r" && match.index === buffer.length - 1) {
        this.skipLF = true; // may be the first half of CRLF split across chunks
      }
      this.line(buffer.slice(start, match.index));
      start = pattern.lastIndex;
    }
    this.buffer = buffer.slice(start);
  }

  line(line) {
    if (line === "") {
      const data = this.data;
      const type = this.type;
      this.data = [];
      this.type = "";
      if (data.length) this.dispatch({ event: type || "message", data: data.join("\n"), id: this.lastEventId });
      return;
    }
    if (line[0] === ":") return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") {
      if (!value.includes("\0")) this.lastEventId = value;
    } else if (field === "retry") {
      if (/^[0-9]+$/.test(value)) this.retry = Number(value);
    }
  }
}

function abortError(signal) {
  if (signal && signal.reason !== undefined) return signal.reason;
  return new DOMException("The stream was aborted.", "AbortError");
}

// Options that are not fetch init.
const OWN = ["onUpdate", "onItem", "onAttempt", "onDone", "onError", "lastEventId", "fetch", "signal"];

/**
 * Stream a partial object from a partialgen patch endpoint.
 *
 * Options: onUpdate(doc) after every `patch` (a new document each time, `doc` of the
 * last call untouched), onItem(path, item) for every completed list item,
 * onAttempt(n, error) when the server asks the model again (the document and items
 * start over), onDone(result) with the validated value, onError({kind, path, message})
 * when the stream fails; `signal` (an AbortSignal), `lastEventId` (sent as
 * Last-Event-ID), and any other fetch init (method, body, headers, credentials...).
 *
 * Returns a handle: `await handle` (or `handle.result`) gives the result or rejects
 * with a StreamError (or the AbortError after `handle.abort()`); `handle.document`,
 * `handle.items` and `handle.lastEventId` tell the state so far.
 */
export function streamObject(url, options = {}) {
  const { onUpdate, onItem, onAttempt, onDone, onError, lastEventId, signal } = options;
  const init = {};
  for (const [key, value] of Object.entries(options)) {
    if (!OWN.includes(key)) init[key] = value;
  }
  const controller = new AbortController();
  const forward = () => controller.abort(abortError(signal));
  if (signal) {
    if (signal.aborted) forward();
    else signal.addEventListener("abort", forward, { once: true });
  }
  const headers = new Headers(init.headers);
  if (!headers.has("Accept")) headers.set("Accept", "text/event-stream");
  if (lastEventId !== undefined && lastEventId !== null) headers.set("Last-Event-ID", String(lastEventId));
  const request = { cache: "no-store", ...init, headers, signal: controller.signal };

  const state = { document: null, items: [], lastEventId: lastEventId ?? null, attempt: 1 };
  const fail = (info) => {
    if (onError) onError(info);
    throw new StreamError(info);
  };

  async function run() {
    let response;
    try {
      response = await (options.fetch || fetch)(url, request);
    } catch (error) {
      if (controller.signal.aborted) throw abortError(controller.signal);
      return fail({ kind: "NetworkError", path: null, message: String(error && error.message || error) });
    }
    if (!response.ok || !response.body) {
      if (response.body) response.body.cancel().catch(() => {});
      const info = { kind: "HTTPError", path: null, message: `HTTP ${response.status} ${response.statusText}`.trim(), status: response.status };
      return fail(info);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder("utf-8");
    let outcome = null; // {result} or {error}
    const parser = new EventStreamParser((event) => {
      if (outcome) return;
      if (event.id !== "") state.lastEventId = event.id;
      // What the server sent and this client cannot read ends the stream as an error
      // (a throw from a callback of the caller's rejects the stream as it is).
      const data = () => {
        try {
          return JSON.parse(event.data);
        } catch (error) {
          outcome = { error: { kind: "ProtocolError", path: null, message: `${event.event} event: ${error.message}` } };
          return undefined;
        }
      };
      switch (event.event) {
        case "patch": {
          const ops = data();
          if (outcome) return;
          try {
            state.document = applyPatch(state.document, ops);
          } catch (error) {
            const path = error instanceof PatchError && error.op && typeof error.op.path === "string" ? error.op.path : null;
            outcome = { error: { kind: "PatchError", path, message: error.message } };
            return;
          }
          if (onUpdate) onUpdate(state.document);
          break;
        }
        case "item": {
          const value = data();
          if (outcome) return;
          const { path, item } = value;
          state.items = [...state.items, { path, item }];
          if (onItem) onItem(path, item);
          break;
        }
        case "attempt": {
          const value = data();
          if (outcome) return;
          const { attempt, error } = value;
          state.document = null;
          state.items = [];
          state.attempt = attempt;
          if (onAttempt) onAttempt(attempt, error);
          break;
        }
        case "done": {
          const value = data();
          if (!outcome) outcome = { result: value };
          break;
        }
        case "error": {
          const value = data();
          if (!outcome) outcome = { error: value };
          break;
        }
        default: // events this version does not know are skipped
      }
    });
    try {
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (controller.signal.aborted) throw abortError(controller.signal);
          return fail({ kind: "NetworkError", path: null, message: String(error && error.message || error) });
        }
        if (chunk.done) {
          parser.feed(decoder.decode());
          break;
        }
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        if (outcome) break;
      }
    } finally {
      reader.cancel().catch(() => {}); // done or error arrived: nothing more to read
    }
    if (outcome && "result" in outcome) {
      if (onDone) onDone(outcome.result);
      return outcome.result;
    }
    if (outcome) return fail(outcome.error);
    return fail({ kind: "ConnectionClosed", path: null, message: "the stream ended before its done event" });
  }

  const result = run().finally(() => {
    if (signal) signal.removeEventListener("abort", forward);
  });
  result.catch(() => {}); // callers that only use the callbacks see no unhandled rejection
  return {
    result,
    abort(reason) {
      controller.abort(reason);
    },
    get document() {
      return state.document;
    },
    get items() {
      return state.items;
    },
    get lastEventId() {
      return state.lastEventId;
    },
    get attempt() {
      return state.attempt;
    },
    then(resolve, reject) {
      return result.then(resolve, reject);
    },
    catch(reject) {
      return result.catch(reject);
    },
    finally(callback) {
      return result.finally(callback);
    },
  };
}
