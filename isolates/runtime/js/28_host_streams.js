// Streams between the host (C++) and JS: the JS half of isolates/instance_streams.cc.
//
// Host bodies (bytes the host produces: an incoming request's body, a fetch() response's body)
// are named by a handle. createHostReadableStream(handle) wraps one in a byte ReadableStream
// whose pull is one ops.bodyRead(handle): the host reads its source (a socket) only when JS asks,
// so a function that reads slowly slows the sender. While such a stream is untouched (never
// read, locked or cancelled), takeHostStream() gives the host its handle back instead, so a body
// passed on unread (`return fetch(request)`, `return await fetch(url)`, `new Response(r.body)`)
// goes from socket to socket without its bytes entering V8.
//
// Exports on `internals`:
//   createHostReadableStream(handle) -> ReadableStream (type "bytes")
//   errorHostReadableStream(stream, reason): errors it (unless it ended) and cancels the body
//   takeHostStream(stream) -> number | reader: for a host-backed stream nobody touched, its
//       handle (the stream becomes locked and disturbed, so JS cannot read it after the host took
//       it); for any other stream, a default reader record the host reads with readChunk(). A
//       TypeError when the stream is locked or disturbed.
//   transferHostStream(stream) -> ReadableStream | null: moves an untouched host stream's handle
//       to a new stream (new Request(request)), locking the old one; null for other streams.
//   readChunk(reader) -> Promise<Uint8Array | null | string>: the next non-empty chunk, null at
//       the end, or an error message (the stream errored, or produced something other than a
//       Uint8Array, which also cancels it). Never rejects.
//   cancelReader(reader): cancels the stream (the host's consumer went away).

const {
  TypeError,
  TypedArrayPrototypeGetByteLength,
  WeakMap,
  WeakMapPrototypeDelete,
  WeakMapPrototypeGet,
  WeakMapPrototypeSet,
} = primordials;
const {
  acquireReader,
  controllerByobView,
  controllerClose,
  controllerEnqueue,
  controllerError,
  controllerRespond,
  createReadableByteStream,
  isDisturbed,
  isLocked,
  isReadableStream,
  readerCancel,
  readerRead,
} = internals.streams;
const { describeException } = internals;

const { isUint8Array } = internals.webidl;

// Host-backed streams not yet touched by JS -> their handle. An entry goes once JS pulls.
const untouched = new WeakMap();

// Host-backed streams -> { controller, handle, done }, for errorHostReadableStream.
const hostStreams = new WeakMap();

function createHostReadableStream(handle) {
  let stream;
  const state = { __proto__: null, controller: null, handle, done: false };
  stream = createReadableByteStream(
    {
      __proto__: null,
      start(controller) {
        state.controller = controller;
      },
      pull(controller) {
        WeakMapPrototypeDelete(untouched, stream);
        return pullFromHost(state, controller);
      },
      cancel() {
        WeakMapPrototypeDelete(untouched, stream);
        if (!state.done) {
          state.done = true;
          ops.bodyCancel(handle);
        }
      },
    },
    0,
  );
  WeakMapPrototypeSet(untouched, stream, handle);
  WeakMapPrototypeSet(hostStreams, stream, state);
  return stream;
}

// Errors a host-backed stream with `reason` and gives its host body up (fetch()'s abort after
// the response: https://fetch.spec.whatwg.org/#abort-fetch). Nothing happens once it ended, or
// once the host took it back.
function errorHostReadableStream(stream, reason) {
  const state = WeakMapPrototypeGet(hostStreams, stream);
  if (state === undefined || state.done) return;
  state.done = true;
  try {
    controllerError(state.controller, reason);
  } catch {
    // Already closed or errored.
  }
  ops.bodyCancel(state.handle);
}

// One host read per pull. A BYOB read gets the bytes copied into its view (what does not fit is
// enqueued after), a default read gets the host's chunk itself (no copy).
async function pullFromHost(state, controller) {
  let chunk;
  try {
    chunk = await ops.bodyRead(state.handle);
  } catch (error) {
    if (state.done) return;
    state.done = true;
    controllerError(controller, error);
    return;
  }
  if (state.done) return;  // errored meanwhile (an abort)
  if (chunk === undefined) {
    state.done = true;
    controllerClose(controller);
    const view = controllerByobView(controller);
    if (view !== null) controllerRespond(controller, 0);
    return;
  }
  controllerEnqueue(controller, chunk);
}

function takeHostStream(stream) {
  if (!isReadableStream(stream)) throw new TypeError("The body is not a ReadableStream");
  if (isLocked(stream)) throw new TypeError("The body stream is locked");
  if (isDisturbed(stream)) throw new TypeError("The body stream has already been read");
  const handle = WeakMapPrototypeGet(untouched, stream);
  const reader = acquireReader(stream);
  if (handle === undefined) return reader;
  WeakMapPrototypeDelete(untouched, stream);
  WeakMapPrototypeGet(hostStreams, stream).done = true;  // the host owns the body now
  // Locked for good (the reader is dropped) and disturbed, as a body that was sent should be.
  return handle;
}

// For new Request(request) (22_body.js transfer()): an untouched host stream's handle moves to a
// new host stream and the old stream is locked; null for any other stream.
function transferHostStream(stream) {
  const handle = WeakMapPrototypeGet(untouched, stream);
  if (handle === undefined || isLocked(stream) || isDisturbed(stream)) return null;
  acquireReader(stream);
  WeakMapPrototypeDelete(untouched, stream);
  WeakMapPrototypeGet(hostStreams, stream).done = true;
  return createHostReadableStream(handle);
}

async function readChunk(reader) {
  for (;;) {
    let result;
    try {
      result = await readerRead(reader);
    } catch (error) {
      return `The stream errored: ${describeException(error)}`;
    }
    if (result.done) return null;
    const value = result.value;
    if (!isUint8Array(value)) {
      const error = new TypeError("The stream produced a chunk that is not a Uint8Array");
      cancelReader(reader, error);
      return `The stream errored: TypeError: ${error.message}`;
    }
    if (TypedArrayPrototypeGetByteLength(value) > 0) return value;
  }
}

// The promise settles when the source's cancel steps are done; nobody waits for it, and a
// failure there has nobody to be reported to (the consumer is gone).
async function cancelReader(reader, reason = undefined) {
  try {
    await readerCancel(reader, reason);
  } catch {
    // Ignored: see above.
  }
}

internals.createHostReadableStream = createHostReadableStream;
internals.takeHostStream = takeHostStream;
internals.transferHostStream = transferHostStream;
internals.errorHostReadableStream = errorHostReadableStream;
internals.readChunk = readChunk;
internals.cancelReader = cancelReader;
