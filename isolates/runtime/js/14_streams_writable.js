// WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController
// (https://streams.spec.whatwg.org/#ws), and ReadableStream's pipeTo/pipeThrough
// (https://streams.spec.whatwg.org/#readable-stream-pipe-to), which need both sides.
//
// Same shape as 14_streams_readable.js: public objects hold a private field pointing at an
// internal record; the abstract operations work on the records.
//
// Deviations: pipeTo always reads with a default reader (the spec allows a BYOB reader for byte
// sources; the reference implementation does the same); a finished pipe's abort algorithm is
// disarmed rather than removed from its AbortSignal (the signal keeps a small closure until it
// aborts or is collected).
//
// Contract additions to `internals.streams`:
//   isWritableStream(x)
//   createWritableStream({ start, write, close, abort }, highWaterMark = 1, sizeAlgorithm)
//       -> WritableStream; start(c) gets an opaque controller handle, write(chunk, c), close(),
//       abort(reason) may return promises.
//   writableControllerError(c, e), writableControllerSignal(c) -> AbortSignal
//   acquireWriter(stream) -> writer record (TypeError if locked)
//   writerWrite(writer, chunk) -> Promise, writerClose(writer) -> Promise (with error
//   propagation: fulfilled at once when already closing or closed),
//   writerAbort(writer, reason) -> Promise, writerReleaseLock(writer),
//   writerReady(writer) -> Promise, writerClosed(writer) -> Promise,
//   writerDesiredSize(writer) -> number | null
//   pipeTo(readable, writable, { preventClose, preventAbort, preventCancel, signal }) -> Promise

const { ReflectApply, RangeError, TypeError } = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isObject,
  toDictionary,
} = internals.webidl;
const S = internals.streamsImpl;
const {
  Deferred,
  List,
  dequeueValue,
  enqueueValueWithSize,
  extractHighWaterMark,
  extractSizeAlgorithm,
  noop,
  peekQueueValue,
  promiseCall,
  promiseRejectedWith,
  promiseResolvedWith,
  resetQueue,
  setPromiseIsHandledToTrue,
  sizeOne,
  toCallback,
  toQueuingStrategy,
  transformPromiseWith,
  uponPromise,
} = S;
const {
  acquireReadableStreamDefaultReader,
  isReadableStreamLocked,
  isReadableStreamObject,
  readableStreamCancel,
  readableStreamDefaultReaderRead,
  readableStreamDefaultReaderRelease,
  ReadRequest,
  streamSlots,
  streamWrapper,
} = S;
const { abortSignalAborted, addAbortAlgorithm, isAbortSignal, newAbortSignal, signalAbort } = internals;

const kInternal = { __proto__: null };
const closeSentinel = { __proto__: null }; // https://streams.spec.whatwg.org/#close-sentinel

// A promise whose state the runtime can ask (the writer's [[readyPromise]] and [[closedPromise]]).
class PromiseSlot {
  promise;
  state = "pending";
  #resolve;
  #reject;
  constructor() {
    this.promise = new primordials.Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }
  resolve(value) {
    if (this.state !== "pending") return;
    this.state = "fulfilled";
    this.#resolve(value);
  }
  reject(reason) {
    if (this.state !== "pending") return;
    this.state = "rejected";
    this.#reject(reason);
  }
}

function resolvedSlot() {
  const slot = new PromiseSlot();
  slot.resolve(undefined);
  return slot;
}

function rejectedSlot(reason) {
  const slot = new PromiseSlot();
  slot.reject(reason);
  setPromiseIsHandledToTrue(slot.promise);
  return slot;
}

class WritableStreamSlots {
  state = "writable"; // "writable" | "closed" | "erroring" | "errored"
  storedError = undefined;
  writer = undefined;
  controller = undefined;
  inFlightWriteRequest = undefined; // Deferred
  closeRequest = undefined;
  inFlightCloseRequest = undefined;
  pendingAbortRequest = undefined; // { promise: Deferred, reason, wasAlreadyErroring }
  writeRequests = new List();
  backpressure = false;
  wrapper = undefined;
}

class WriterSlots {
  stream = undefined;
  ready = undefined; // PromiseSlot
  closed = undefined; // PromiseSlot
  wrapper = undefined;
}

class WritableControllerSlots {
  stream = undefined;
  queue = new List();
  queueTotalSize = 0;
  abortSignal = undefined;
  started = false;
  strategySizeAlgorithm = undefined;
  strategyHWM = 1;
  writeAlgorithm = undefined;
  closeAlgorithm = undefined;
  abortAlgorithm = undefined;
  wrapper = undefined;
}

class PendingAbortRequest {
  promise;
  reason;
  wasAlreadyErroring;
  constructor(promise, reason, wasAlreadyErroring) {
    this.promise = promise;
    this.reason = reason;
    this.wasAlreadyErroring = wasAlreadyErroring;
  }
}

let WritableStream;
let isWritableStreamObject;
let writableSlots;

function writableWrapper(stream) {
  if (stream.wrapper === undefined) stream.wrapper = new WritableStream(kInternal, stream);
  return stream.wrapper;
}

// --- WritableStream abstract operations (https://streams.spec.whatwg.org/#ws-abstract-ops) ---

function acquireWritableStreamDefaultWriter(stream) {
  const writer = new WriterSlots();
  setUpWritableStreamDefaultWriter(writer, stream);
  return writer;
}

// https://streams.spec.whatwg.org/#create-writable-stream
function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm,
  highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = new WritableStreamSlots();
  const controller = new WritableControllerSlots();
  setUpWritableStreamDefaultController(stream, controller, startAlgorithm, writeAlgorithm,
    closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

function isWritableStreamLocked(stream) {
  return stream.writer !== undefined;
}

// https://streams.spec.whatwg.org/#set-up-writable-stream-default-writer
function setUpWritableStreamDefaultWriter(writer, stream) {
  if (isWritableStreamLocked(stream)) throw new TypeError("The WritableStream is locked to a writer.");
  writer.stream = stream;
  stream.writer = writer;
  const state = stream.state;
  if (state === "writable") {
    if (!writableStreamCloseQueuedOrInFlight(stream) && stream.backpressure) writer.ready = new PromiseSlot();
    else writer.ready = resolvedSlot();
    writer.closed = new PromiseSlot();
  } else if (state === "erroring") {
    writer.ready = rejectedSlot(stream.storedError);
    writer.closed = new PromiseSlot();
  } else if (state === "closed") {
    writer.ready = resolvedSlot();
    writer.closed = resolvedSlot();
  } else {
    writer.ready = rejectedSlot(stream.storedError);
    writer.closed = rejectedSlot(stream.storedError);
  }
}

// https://streams.spec.whatwg.org/#writable-stream-abort
function writableStreamAbort(stream, reason) {
  if (stream.state === "closed" || stream.state === "errored") return promiseResolvedWith(undefined);
  signalAbort(stream.controller.abortSignal, reason);
  const state = stream.state;
  if (state === "closed" || state === "errored") return promiseResolvedWith(undefined);
  if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.promise.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const promise = new Deferred();
  stream.pendingAbortRequest = new PendingAbortRequest(promise, reason, wasAlreadyErroring);
  if (!wasAlreadyErroring) writableStreamStartErroring(stream, reason);
  return promise.promise;
}

// https://streams.spec.whatwg.org/#writable-stream-close
function writableStreamClose(stream) {
  const state = stream.state;
  if (state === "closed" || state === "errored") {
    return promiseRejectedWith(new TypeError("The stream is already closed or errored and cannot be closed."));
  }
  const promise = new Deferred();
  stream.closeRequest = promise;
  const writer = stream.writer;
  if (writer !== undefined && stream.backpressure && state === "writable") writer.ready.resolve(undefined);
  writableStreamDefaultControllerClose(stream.controller);
  return promise.promise;
}

function writableStreamAddWriteRequest(stream) {
  const promise = new Deferred();
  stream.writeRequests.push(promise);
  return promise.promise;
}

function writableStreamCloseQueuedOrInFlight(stream) {
  return stream.closeRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function writableStreamDealWithRejection(stream, error) {
  if (stream.state === "writable") {
    writableStreamStartErroring(stream, error);
    return;
  }
  writableStreamFinishErroring(stream);
}

// https://streams.spec.whatwg.org/#writable-stream-finish-erroring
function writableStreamFinishErroring(stream) {
  stream.state = "errored";
  resetQueue(stream.controller); // [[ErrorSteps]]
  const storedError = stream.storedError;
  const writeRequests = stream.writeRequests;
  stream.writeRequests = new List();
  while (writeRequests.length > 0) writeRequests.shift().reject(storedError);
  if (stream.pendingAbortRequest === undefined) {
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const abortRequest = stream.pendingAbortRequest;
  stream.pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.promise.reject(storedError);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  // [[AbortSteps]]
  const controller = stream.controller;
  const promise = controller.abortAlgorithm(abortRequest.reason);
  writableStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(promise, () => {
    abortRequest.promise.resolve(undefined);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  }, (reason) => {
    abortRequest.promise.reject(reason);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(stream);
  });
}

function writableStreamFinishInFlightClose(stream) {
  stream.inFlightCloseRequest.resolve(undefined);
  stream.inFlightCloseRequest = undefined;
  if (stream.state === "erroring") {
    stream.storedError = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.promise.resolve(undefined);
      stream.pendingAbortRequest = undefined;
    }
  }
  stream.state = "closed";
  const writer = stream.writer;
  if (writer !== undefined) writer.closed.resolve(undefined);
}

function writableStreamFinishInFlightCloseWithError(stream, error) {
  stream.inFlightCloseRequest.reject(error);
  stream.inFlightCloseRequest = undefined;
  if (stream.pendingAbortRequest !== undefined) {
    stream.pendingAbortRequest.promise.reject(error);
    stream.pendingAbortRequest = undefined;
  }
  writableStreamDealWithRejection(stream, error);
}

function writableStreamFinishInFlightWrite(stream) {
  stream.inFlightWriteRequest.resolve(undefined);
  stream.inFlightWriteRequest = undefined;
}

function writableStreamFinishInFlightWriteWithError(stream, error) {
  stream.inFlightWriteRequest.reject(error);
  stream.inFlightWriteRequest = undefined;
  writableStreamDealWithRejection(stream, error);
}

function writableStreamHasOperationMarkedInFlight(stream) {
  return stream.inFlightWriteRequest !== undefined || stream.inFlightCloseRequest !== undefined;
}

function writableStreamMarkCloseRequestInFlight(stream) {
  stream.inFlightCloseRequest = stream.closeRequest;
  stream.closeRequest = undefined;
}

function writableStreamMarkFirstWriteRequestInFlight(stream) {
  stream.inFlightWriteRequest = stream.writeRequests.shift();
}

function writableStreamRejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream.closeRequest !== undefined) {
    stream.closeRequest.reject(stream.storedError);
    stream.closeRequest = undefined;
  }
  const writer = stream.writer;
  if (writer !== undefined) {
    writer.closed.reject(stream.storedError);
    setPromiseIsHandledToTrue(writer.closed.promise);
  }
}

// https://streams.spec.whatwg.org/#writable-stream-start-erroring
function writableStreamStartErroring(stream, reason) {
  const controller = stream.controller;
  stream.state = "erroring";
  stream.storedError = reason;
  const writer = stream.writer;
  if (writer !== undefined) writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, reason);
  if (!writableStreamHasOperationMarkedInFlight(stream) && controller.started) {
    writableStreamFinishErroring(stream);
  }
}

function writableStreamUpdateBackpressure(stream, backpressure) {
  const writer = stream.writer;
  if (writer !== undefined && backpressure !== stream.backpressure) {
    if (backpressure) writer.ready = new PromiseSlot();
    else writer.ready.resolve(undefined);
  }
  stream.backpressure = backpressure;
}

// --- writers (https://streams.spec.whatwg.org/#ws-default-writer-abstract-ops) ---

function writableStreamDefaultWriterAbort(writer, reason) {
  return writableStreamAbort(writer.stream, reason);
}

function writableStreamDefaultWriterClose(writer) {
  return writableStreamClose(writer.stream);
}

function writableStreamDefaultWriterCloseWithErrorPropagation(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (writableStreamCloseQueuedOrInFlight(stream) || state === "closed") return promiseResolvedWith(undefined);
  if (state === "errored") return promiseRejectedWith(stream.storedError);
  return writableStreamDefaultWriterClose(writer);
}

function writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, error) {
  if (writer.closed.state === "pending") {
    writer.closed.reject(error);
    setPromiseIsHandledToTrue(writer.closed.promise);
  } else {
    writer.closed = rejectedSlot(error);
  }
}

function writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, error) {
  if (writer.ready.state === "pending") {
    writer.ready.reject(error);
    setPromiseIsHandledToTrue(writer.ready.promise);
  } else {
    writer.ready = rejectedSlot(error);
  }
}

function writableStreamDefaultWriterGetDesiredSize(writer) {
  const stream = writer.stream;
  const state = stream.state;
  if (state === "errored" || state === "erroring") return null;
  if (state === "closed") return 0;
  return writableStreamDefaultControllerGetDesiredSize(stream.controller);
}

function writableStreamDefaultWriterRelease(writer) {
  const stream = writer.stream;
  const releasedError = new TypeError("The writer's lock on the stream was released.");
  writableStreamDefaultWriterEnsureReadyPromiseRejected(writer, releasedError);
  writableStreamDefaultWriterEnsureClosedPromiseRejected(writer, releasedError);
  stream.writer = undefined;
  writer.stream = undefined;
}

// https://streams.spec.whatwg.org/#writable-stream-default-writer-write
function writableStreamDefaultWriterWrite(writer, chunk) {
  const stream = writer.stream;
  const controller = stream.controller;
  const chunkSize = writableStreamDefaultControllerGetChunkSize(controller, chunk);
  if (stream !== writer.stream) {
    return promiseRejectedWith(new TypeError("The writer's lock on the stream was released."));
  }
  const state = stream.state;
  if (state === "errored") return promiseRejectedWith(stream.storedError);
  if (writableStreamCloseQueuedOrInFlight(stream) || state === "closed") {
    return promiseRejectedWith(new TypeError("The stream is closing or closed and cannot be written to."));
  }
  if (state === "erroring") return promiseRejectedWith(stream.storedError);
  const promise = writableStreamAddWriteRequest(stream);
  writableStreamDefaultControllerWrite(controller, chunk, chunkSize);
  return promise;
}

// --- controllers (https://streams.spec.whatwg.org/#ws-default-controller-abstract-ops) ---

// https://streams.spec.whatwg.org/#set-up-writable-stream-default-controller
function setUpWritableStreamDefaultController(stream, controller, startAlgorithm, writeAlgorithm,
  closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  controller.stream = stream;
  stream.controller = controller;
  resetQueue(controller);
  controller.abortSignal = newAbortSignal();
  controller.started = false;
  controller.strategySizeAlgorithm = sizeAlgorithm;
  controller.strategyHWM = highWaterMark;
  controller.writeAlgorithm = writeAlgorithm;
  controller.closeAlgorithm = closeAlgorithm;
  controller.abortAlgorithm = abortAlgorithm;
  writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(controller));
  const startResult = startAlgorithm();
  uponPromise(promiseResolvedWith(startResult), () => {
    controller.started = true;
    writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
  }, (r) => {
    controller.started = true;
    writableStreamDealWithRejection(stream, r);
  });
}

function setUpWritableStreamDefaultControllerFromUnderlyingSink(stream, underlyingSink, sinkDict,
  highWaterMark, sizeAlgorithm) {
  const controller = new WritableControllerSlots();
  const wrapper = controllerWrapper(controller);
  const { abort, close, start, write } = sinkDict;
  const startAlgorithm = start === undefined ? noop : () => ReflectApply(start, underlyingSink, [wrapper]);
  const writeAlgorithm = write === undefined
    ? () => promiseResolvedWith(undefined)
    : (chunk) => promiseCall(write, underlyingSink, [chunk, wrapper]);
  const closeAlgorithm = close === undefined
    ? () => promiseResolvedWith(undefined)
    : () => promiseCall(close, underlyingSink, []);
  const abortAlgorithm = abort === undefined
    ? () => promiseResolvedWith(undefined)
    : (reason) => promiseCall(abort, underlyingSink, [reason]);
  setUpWritableStreamDefaultController(stream, controller, startAlgorithm, writeAlgorithm,
    closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
}

function writableStreamDefaultControllerAdvanceQueueIfNeeded(controller) {
  const stream = controller.stream;
  if (!controller.started) return;
  if (stream.inFlightWriteRequest !== undefined) return;
  if (stream.state === "erroring") {
    writableStreamFinishErroring(stream);
    return;
  }
  if (controller.queue.length === 0) return;
  const value = peekQueueValue(controller);
  if (value === closeSentinel) writableStreamDefaultControllerProcessClose(controller);
  else writableStreamDefaultControllerProcessWrite(controller, value);
}

function writableStreamDefaultControllerClearAlgorithms(controller) {
  controller.writeAlgorithm = undefined;
  controller.closeAlgorithm = undefined;
  controller.abortAlgorithm = undefined;
  controller.strategySizeAlgorithm = undefined;
}

function writableStreamDefaultControllerClose(controller) {
  enqueueValueWithSize(controller, closeSentinel, 0);
  writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

function writableStreamDefaultControllerError(controller, error) {
  writableStreamDefaultControllerClearAlgorithms(controller);
  writableStreamStartErroring(controller.stream, error);
}

function writableStreamDefaultControllerErrorIfNeeded(controller, error) {
  if (controller.stream.state === "writable") writableStreamDefaultControllerError(controller, error);
}

function writableStreamDefaultControllerGetBackpressure(controller) {
  return writableStreamDefaultControllerGetDesiredSize(controller) <= 0;
}

function writableStreamDefaultControllerGetChunkSize(controller, chunk) {
  if (controller.strategySizeAlgorithm === undefined) return 1;
  try {
    return controller.strategySizeAlgorithm(chunk);
  } catch (chunkSizeE) {
    writableStreamDefaultControllerErrorIfNeeded(controller, chunkSizeE);
    return 1;
  }
}

function writableStreamDefaultControllerGetDesiredSize(controller) {
  return controller.strategyHWM - controller.queueTotalSize;
}

function writableStreamDefaultControllerProcessClose(controller) {
  const stream = controller.stream;
  writableStreamMarkCloseRequestInFlight(stream);
  dequeueValue(controller);
  const sinkClosePromise = controller.closeAlgorithm();
  writableStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(sinkClosePromise, () => {
    writableStreamFinishInFlightClose(stream);
  }, (reason) => {
    writableStreamFinishInFlightCloseWithError(stream, reason);
  });
}

function writableStreamDefaultControllerProcessWrite(controller, chunk) {
  const stream = controller.stream;
  writableStreamMarkFirstWriteRequestInFlight(stream);
  const sinkWritePromise = controller.writeAlgorithm(chunk);
  uponPromise(sinkWritePromise, () => {
    writableStreamFinishInFlightWrite(stream);
    const state = stream.state;
    dequeueValue(controller);
    if (!writableStreamCloseQueuedOrInFlight(stream) && state === "writable") {
      writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(controller));
    }
    writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
  }, (reason) => {
    if (stream.state === "writable") writableStreamDefaultControllerClearAlgorithms(controller);
    writableStreamFinishInFlightWriteWithError(stream, reason);
  });
}

function writableStreamDefaultControllerWrite(controller, chunk, chunkSize) {
  try {
    enqueueValueWithSize(controller, chunk, chunkSize);
  } catch (enqueueE) {
    writableStreamDefaultControllerErrorIfNeeded(controller, enqueueE);
    return;
  }
  const stream = controller.stream;
  if (!writableStreamCloseQueuedOrInFlight(stream) && stream.state === "writable") {
    writableStreamUpdateBackpressure(stream, writableStreamDefaultControllerGetBackpressure(controller));
  }
  writableStreamDefaultControllerAdvanceQueueIfNeeded(controller);
}

// --- the public interfaces ---

// https://streams.spec.whatwg.org/#dictdef-underlyingsink (lexicographic order)
function toUnderlyingSink(value, prefix) {
  const result = { __proto__: null, abort: undefined, close: undefined, start: undefined, type: undefined, write: undefined };
  if (value === null) return result;
  const abort = value.abort;
  if (abort !== undefined) result.abort = toCallback(abort, prefix, "The underlying sink's abort");
  const close = value.close;
  if (close !== undefined) result.close = toCallback(close, prefix, "The underlying sink's close");
  const start = value.start;
  if (start !== undefined) result.start = toCallback(start, prefix, "The underlying sink's start");
  result.type = value.type;
  const write = value.write;
  if (write !== undefined) result.write = toCallback(write, prefix, "The underlying sink's write");
  return result;
}

WritableStream = class WritableStream {
  #slots;

  // https://streams.spec.whatwg.org/#ws-constructor
  constructor(underlyingSink = undefined, strategy = undefined) {
    if (underlyingSink === kInternal) {
      this.#slots = arguments[1];
      return;
    }
    const prefix = "Failed to construct 'WritableStream'";
    if (underlyingSink !== undefined && !isObject(underlyingSink)) {
      throw new TypeError(`${prefix}: parameter 1 is not an object.`);
    }
    const strategyDict = toQueuingStrategy(strategy, prefix);
    const sink = underlyingSink === undefined ? null : underlyingSink;
    const sinkDict = toUnderlyingSink(sink, prefix);
    if (sinkDict.type !== undefined) throw new RangeError(`${prefix}: Invalid type is specified.`);
    const stream = new WritableStreamSlots();
    stream.wrapper = this;
    this.#slots = stream;
    const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
    const highWaterMark = extractHighWaterMark(strategyDict, 1);
    setUpWritableStreamDefaultControllerFromUnderlyingSink(stream, sink, sinkDict, highWaterMark, sizeAlgorithm);
  }

  static {
    isWritableStreamObject = (value) => isObject(value) && #slots in value;
    writableSlots = (value) => value.#slots;
  }

  get locked() {
    if (!isWritableStreamObject(this)) throw illegalInvocation();
    return isWritableStreamLocked(this.#slots);
  }

  abort(reason = undefined) {
    if (!isWritableStreamObject(this)) return promiseRejectedWith(illegalInvocation());
    const stream = this.#slots;
    if (isWritableStreamLocked(stream)) {
      return promiseRejectedWith(new TypeError("Failed to execute 'abort' on 'WritableStream': Cannot abort a locked stream."));
    }
    return writableStreamAbort(stream, reason);
  }

  close() {
    if (!isWritableStreamObject(this)) return promiseRejectedWith(illegalInvocation());
    const stream = this.#slots;
    if (isWritableStreamLocked(stream)) {
      return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStream': Cannot close a locked stream."));
    }
    if (writableStreamCloseQueuedOrInFlight(stream)) {
      return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStream': The stream is already closing."));
    }
    return writableStreamClose(stream);
  }

  getWriter() {
    if (!isWritableStreamObject(this)) throw illegalInvocation();
    return writerWrapper(acquireWritableStreamDefaultWriter(this.#slots));
  }
};

let isWriter;

class WritableStreamDefaultWriter {
  #slots;

  constructor(stream) {
    if (stream === kInternal) {
      this.#slots = arguments[1];
      return;
    }
    if (!isWritableStreamObject(stream)) {
      throw new TypeError("Failed to construct 'WritableStreamDefaultWriter': parameter 1 is not of type 'WritableStream'.");
    }
    const writer = new WriterSlots();
    setUpWritableStreamDefaultWriter(writer, writableSlots(stream));
    writer.wrapper = this;
    this.#slots = writer;
  }

  static {
    isWriter = (value) => isObject(value) && #slots in value;
  }

  get closed() {
    if (!isWriter(this)) return promiseRejectedWith(illegalInvocation());
    return this.#slots.closed.promise;
  }

  get desiredSize() {
    if (!isWriter(this)) throw illegalInvocation();
    const writer = this.#slots;
    if (writer.stream === undefined) {
      throw new TypeError("Failed to read the 'desiredSize' property from 'WritableStreamDefaultWriter': The writer has been released.");
    }
    return writableStreamDefaultWriterGetDesiredSize(writer);
  }

  get ready() {
    if (!isWriter(this)) return promiseRejectedWith(illegalInvocation());
    return this.#slots.ready.promise;
  }

  abort(reason = undefined) {
    if (!isWriter(this)) return promiseRejectedWith(illegalInvocation());
    const writer = this.#slots;
    if (writer.stream === undefined) {
      return promiseRejectedWith(new TypeError("Failed to execute 'abort' on 'WritableStreamDefaultWriter': The writer has been released."));
    }
    return writableStreamDefaultWriterAbort(writer, reason);
  }

  close() {
    if (!isWriter(this)) return promiseRejectedWith(illegalInvocation());
    const writer = this.#slots;
    const stream = writer.stream;
    if (stream === undefined) {
      return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStreamDefaultWriter': The writer has been released."));
    }
    if (writableStreamCloseQueuedOrInFlight(stream)) {
      return promiseRejectedWith(new TypeError("Failed to execute 'close' on 'WritableStreamDefaultWriter': The stream is already closing."));
    }
    return writableStreamDefaultWriterClose(writer);
  }

  releaseLock() {
    if (!isWriter(this)) throw illegalInvocation();
    const writer = this.#slots;
    if (writer.stream === undefined) return;
    writableStreamDefaultWriterRelease(writer);
  }

  write(chunk = undefined) {
    if (!isWriter(this)) return promiseRejectedWith(illegalInvocation());
    const writer = this.#slots;
    if (writer.stream === undefined) {
      return promiseRejectedWith(new TypeError("Failed to execute 'write' on 'WritableStreamDefaultWriter': The writer has been released."));
    }
    return writableStreamDefaultWriterWrite(writer, chunk);
  }
}

function writerWrapper(writer) {
  if (writer.wrapper === undefined) writer.wrapper = new WritableStreamDefaultWriter(kInternal, writer);
  return writer.wrapper;
}

let isWritableController;

class WritableStreamDefaultController {
  #slots;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    this.#slots = arguments[1];
  }

  static {
    isWritableController = (value) => isObject(value) && #slots in value;
  }

  get signal() {
    if (!isWritableController(this)) throw illegalInvocation();
    return this.#slots.abortSignal;
  }

  error(e = undefined) {
    if (!isWritableController(this)) throw illegalInvocation();
    const controller = this.#slots;
    if (controller.stream.state !== "writable") return;
    writableStreamDefaultControllerError(controller, e);
  }
}

function controllerWrapper(controller) {
  if (controller.wrapper === undefined) {
    controller.wrapper = new WritableStreamDefaultController(kInternal, controller);
  }
  return controller.wrapper;
}

configureInterface(WritableStream, "WritableStream");
configureInterface(WritableStreamDefaultWriter, "WritableStreamDefaultWriter");
configureInterface(WritableStreamDefaultController, "WritableStreamDefaultController");
installGlobal("WritableStream", WritableStream);
installGlobal("WritableStreamDefaultWriter", WritableStreamDefaultWriter);
installGlobal("WritableStreamDefaultController", WritableStreamDefaultController);

internals.registerInspector(isWritableStreamObject, (stream) =>
  internals.makeDisplayObject(WritableStream.prototype, ["locked"], [isWritableStreamLocked(writableSlots(stream))]));

// --- pipeTo (https://streams.spec.whatwg.org/#readable-stream-pipe-to) ---

// https://streams.spec.whatwg.org/#dictdef-streampipeoptions (lexicographic order)
function toStreamPipeOptions(value, prefix) {
  const dictionary = toDictionary(value, prefix, "options");
  const result = { __proto__: null, preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
  if (dictionary === null) return result;
  result.preventAbort = !!dictionary.preventAbort;
  result.preventCancel = !!dictionary.preventCancel;
  result.preventClose = !!dictionary.preventClose;
  const signal = dictionary.signal;
  if (signal !== undefined) {
    if (!isAbortSignal(signal)) {
      throw new TypeError(`${prefix}: Failed to read the 'signal' property from 'StreamPipeOptions': Failed to convert value to 'AbortSignal'.`);
    }
    result.signal = signal;
  }
  return result;
}

function readableStreamPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal = undefined) {
  const reader = acquireReadableStreamDefaultReader(source);
  const writer = acquireWritableStreamDefaultWriter(dest);
  source.disturbed = true;
  let shuttingDown = false;
  let currentWrite = promiseResolvedWith(undefined);
  const promise = new Deferred();
  let abortAlgorithm;

  if (signal !== undefined) {
    abortAlgorithm = () => {
      if (abortAlgorithm === undefined) return; // "removed" by finalize
      const error = internals.abortSignalReason(signal);
      const actions = new List();
      if (!preventAbort) {
        actions.push(() => (dest.state === "writable" ? writableStreamAbort(dest, error) : promiseResolvedWith(undefined)));
      }
      if (!preventCancel) {
        actions.push(() => (source.state === "readable" ? readableStreamCancel(source, error) : promiseResolvedWith(undefined)));
      }
      shutdownWithAnAction(() => waitForAll(actions), true, error);
    };
    if (abortSignalAborted(signal)) {
      abortAlgorithm();
      return promise.promise;
    }
    addAbortAlgorithm(signal, abortAlgorithm);
  }

  // Runs every action and waits for all of them (a rejection rejects, after all have started).
  function waitForAll(actions) {
    const deferred = new Deferred();
    let remaining = actions.length;
    let failed = false;
    let failure;
    if (remaining === 0) return promiseResolvedWith(undefined);
    while (actions.length > 0) {
      uponPromise(actions.shift()(), () => {
        if (--remaining === 0) {
          if (failed) deferred.reject(failure);
          else deferred.resolve(undefined);
        }
      }, (reason) => {
        if (!failed) {
          failed = true;
          failure = reason;
        }
        if (--remaining === 0) deferred.reject(failure);
      });
    }
    return deferred.promise;
  }

  function pipeStep() {
    if (shuttingDown) return;
    uponPromise(writer.ready.promise, () => {
      if (shuttingDown) return;
      readableStreamDefaultReaderRead(reader, new ReadRequest((chunk) => {
        currentWrite = transformPromiseWith(writableStreamDefaultWriterWrite(writer, chunk), undefined, noop);
        pipeStep();
      }, noop, noop));
    }, noop);
  }

  function isOrBecomesErrored(stream, closedPromise, action) {
    if (stream.state === "errored") action(stream.storedError);
    else uponPromise(closedPromise, undefined, action);
  }

  function isOrBecomesClosed(stream, closedPromise, action) {
    if (stream.state === "closed") action();
    else uponPromise(closedPromise, action, undefined);
  }

  // Errors must be propagated forward.
  isOrBecomesErrored(source, reader.closed.promise, (storedError) => {
    if (!preventAbort) shutdownWithAnAction(() => writableStreamAbort(dest, storedError), true, storedError);
    else shutdown(true, storedError);
  });
  // Errors must be propagated backward.
  isOrBecomesErrored(dest, writer.closed.promise, (storedError) => {
    if (!preventCancel) shutdownWithAnAction(() => readableStreamCancel(source, storedError), true, storedError);
    else shutdown(true, storedError);
  });
  // Closing must be propagated forward.
  isOrBecomesClosed(source, reader.closed.promise, () => {
    if (!preventClose) shutdownWithAnAction(() => writableStreamDefaultWriterCloseWithErrorPropagation(writer), false);
    else shutdown(false);
  });
  // Closing must be propagated backward.
  if (writableStreamCloseQueuedOrInFlight(dest) || dest.state === "closed") {
    const destClosed = new TypeError("The destination writable stream closed before all data could be piped to it.");
    if (!preventCancel) shutdownWithAnAction(() => readableStreamCancel(source, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  }

  // Once shutdown starts, every chunk already read must be written first.
  function waitForWritesToFinish() {
    const oldCurrentWrite = currentWrite;
    return transformPromiseWith(currentWrite, () =>
      (oldCurrentWrite !== currentWrite ? waitForWritesToFinish() : undefined));
  }

  function shutdownWithAnAction(action, hasError, originalError) {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      uponPromise(action(), () => finalize(hasError, originalError), (newError) => finalize(true, newError));
    };
    if (dest.state === "writable" && !writableStreamCloseQueuedOrInFlight(dest)) {
      uponPromise(waitForWritesToFinish(), doTheRest, undefined);
    } else {
      doTheRest();
    }
  }

  function shutdown(hasError, error) {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest.state === "writable" && !writableStreamCloseQueuedOrInFlight(dest)) {
      uponPromise(waitForWritesToFinish(), () => finalize(hasError, error), undefined);
    } else {
      finalize(hasError, error);
    }
  }

  function finalize(hasError, error) {
    writableStreamDefaultWriterRelease(writer);
    readableStreamDefaultReaderRelease(reader);
    abortAlgorithm = undefined;
    if (hasError) promise.reject(error);
    else promise.resolve(undefined);
  }

  pipeStep();
  return promise.promise;
}

// ReadableStream.prototype.pipeTo(destination, options) after the brand check on `this`.
function pipeToMethod(source, destination, options) {
  const prefix = "Failed to execute 'pipeTo' on 'ReadableStream'";
  if (!isWritableStreamObject(destination)) {
    return promiseRejectedWith(new TypeError(`${prefix}: parameter 1 is not of type 'WritableStream'.`));
  }
  let pipeOptions;
  try {
    pipeOptions = toStreamPipeOptions(options, prefix);
  } catch (error) {
    return promiseRejectedWith(error);
  }
  if (isReadableStreamLocked(source)) {
    return promiseRejectedWith(new TypeError(`${prefix}: Cannot pipe a locked stream.`));
  }
  const dest = writableSlots(destination);
  if (isWritableStreamLocked(dest)) {
    return promiseRejectedWith(new TypeError(`${prefix}: Cannot pipe to a locked stream.`));
  }
  return readableStreamPipeTo(source, dest, pipeOptions.preventClose, pipeOptions.preventAbort,
    pipeOptions.preventCancel, pipeOptions.signal);
}

// https://streams.spec.whatwg.org/#rs-pipe-through
function pipeThrough(source, transform, options) {
  const prefix = "Failed to execute 'pipeThrough' on 'ReadableStream'";
  const pair = toDictionary(transform, prefix, "Argument 1");
  const readable = pair === null ? undefined : pair.readable;
  if (readable === undefined) {
    throw new TypeError(`${prefix}: Failed to read the 'readable' property from 'ReadableWritablePair': Required member is undefined.`);
  }
  if (!isReadableStreamObject(readable)) {
    throw new TypeError(`${prefix}: Failed to read the 'readable' property from 'ReadableWritablePair': Failed to convert value to 'ReadableStream'.`);
  }
  const writable = pair.writable;
  if (writable === undefined) {
    throw new TypeError(`${prefix}: Failed to read the 'writable' property from 'ReadableWritablePair': Required member is undefined.`);
  }
  if (!isWritableStreamObject(writable)) {
    throw new TypeError(`${prefix}: Failed to read the 'writable' property from 'ReadableWritablePair': Failed to convert value to 'WritableStream'.`);
  }
  const pipeOptions = toStreamPipeOptions(options, prefix);
  if (isReadableStreamLocked(source)) throw new TypeError(`${prefix}: Cannot pipe a locked stream.`);
  const dest = writableSlots(writable);
  if (isWritableStreamLocked(dest)) throw new TypeError(`${prefix}: Cannot pipe to a locked stream.`);
  const promise = readableStreamPipeTo(source, dest, pipeOptions.preventClose, pipeOptions.preventAbort,
    pipeOptions.preventCancel, pipeOptions.signal);
  setPromiseIsHandledToTrue(promise);
  return readable;
}

S.createWritableStream = createWritableStream;
S.writableStreamDefaultControllerErrorIfNeeded = writableStreamDefaultControllerErrorIfNeeded;
S.writableWrapper = writableWrapper;
S.pipeToMethod = pipeToMethod;
S.pipeThrough = pipeThrough;
S.isWritableStreamObject = isWritableStreamObject;

// --- internals.streams additions ---

function hostCreateWritableStream(sink, highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = new WritableStreamSlots();
  const controller = new WritableControllerSlots();
  const { abort, close, start, write } = sink;
  setUpWritableStreamDefaultController(stream, controller,
    start === undefined ? noop : () => start(controller),
    write === undefined ? () => promiseResolvedWith(undefined) : (chunk) => promiseCall(write, undefined, [chunk, controller]),
    close === undefined ? () => promiseResolvedWith(undefined) : () => promiseCall(close, undefined, []),
    abort === undefined ? () => promiseResolvedWith(undefined) : (reason) => promiseCall(abort, undefined, [reason]),
    highWaterMark, sizeAlgorithm);
  return writableWrapper(stream);
}

function toWritableSlots(stream) {
  if (!isWritableStreamObject(stream)) throw new TypeError("Expected a WritableStream.");
  return writableSlots(stream);
}

function checkWriter(writer) {
  if (writer.stream === undefined) return promiseRejectedWith(new TypeError("The writer has been released."));
  return undefined;
}

const streams = internals.streams;
streams.isWritableStream = isWritableStreamObject;
streams.createWritableStream = hostCreateWritableStream;
streams.writableControllerError = (controller, e) => writableStreamDefaultControllerErrorIfNeeded(controller, e);
streams.writableControllerSignal = (controller) => controller.abortSignal;
streams.acquireWriter = (stream) => acquireWritableStreamDefaultWriter(toWritableSlots(stream));
streams.writerWrite = (writer, chunk) => checkWriter(writer) ?? writableStreamDefaultWriterWrite(writer, chunk);
streams.writerClose = (writer) => checkWriter(writer) ?? writableStreamDefaultWriterCloseWithErrorPropagation(writer);
streams.writerAbort = (writer, reason) => checkWriter(writer) ?? writableStreamDefaultWriterAbort(writer, reason);
streams.writerReleaseLock = (writer) => {
  if (writer.stream !== undefined) writableStreamDefaultWriterRelease(writer);
};
streams.writerReady = (writer) => writer.ready.promise;
streams.writerClosed = (writer) => writer.closed.promise;
streams.writerDesiredSize = (writer) =>
  (writer.stream === undefined ? null : writableStreamDefaultWriterGetDesiredSize(writer));
streams.pipeTo = (readable, writable, options = undefined) => {
  const source = streamSlots(readable);
  return pipeToMethod(source, writable, options);
};
