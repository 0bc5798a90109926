// ReadableStream and its readers and controllers (https://streams.spec.whatwg.org/#rs):
// ReadableStream (default and byte streams, tee, async iteration, ReadableStream.from),
// ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamDefaultController,
// ReadableByteStreamController, ReadableStreamBYOBRequest. pipeTo/pipeThrough live in
// 14_streams_writable.js (they need the writable side).
//
// Shape: every public object (stream, reader, controller, BYOB request) holds one private field
// pointing at an internal record (the classes ending in "Slots" below) that carries the spec's
// internal slots; the abstract operations work on the records only, so user code can neither
// read nor change a slot, and the host can drive a stream without any public (patchable) method.
//
// The file is long because the readable side is most of the standard (byte streams and their
// BYOB machinery, both tees, from(), async iteration); it follows the spec's section order.
//
// Deviations: see 14_streams_common.js on microtask timing; TransferArrayBuffer goes through
// V8's serializer (ops.structuredClone with a transfer list), so the runtime skips it for chunks
// only it references (controllerEnqueue, readableStreamFromChunks, the byte tee); streams are not
// host objects, so structuredClone(stream) gives {} rather than a DataCloneError (as for Headers,
// see 41_structured_clone.js).
//
// Contract for the host and the other runtime files: `internals.streams` (null prototype; the
// transform and writable files add their parts).
//   createReadableStream({ start, pull, cancel }, highWaterMark = 1, sizeAlgorithm = () => 1)
//       -> ReadableStream with a default controller. start(c) / pull(c) get an opaque controller
//       handle `c`; pull and cancel(reason) may return a promise; a throw errors the stream.
//   createReadableByteStream({ start, pull, cancel }, highWaterMark = 0) -> byte ReadableStream;
//       pull(c) gets the same kind of handle.
//   controllerEnqueue(c, chunk)   chunk: any value (default) / an ArrayBufferView (byte: given
//                                 away, neither copied nor detached: the caller must not touch it
//                                 again); throws a TypeError if the stream cannot take it
//                                 (closed, errored, close requested)
//   controllerClose(c) (byte: also answers a pending BYOB read as done), controllerError(c, e),
//   controllerDesiredSize(c) -> number | null
//   controllerByobView(c) -> Uint8Array | null  (byte: the pending BYOB request's view, to fill)
//   controllerRespond(c, bytesWritten)          (byte: after filling controllerByobView(c))
//   acquireReader(stream) -> reader (a default reader record; TypeError if locked)
//   readerRead(reader) -> Promise<{ value, done }> (null-prototype result, internal promise)
//   readerReleaseLock(reader), readerCancel(reader, reason) -> Promise, readerClosed(reader) -> Promise
//   cancelStream(stream, reason) -> Promise<undefined>
//   isReadableStream(x), isLocked(stream), isDisturbed(stream), isErrored(stream),
//   isClosed(stream), storedError(stream)
//   readAllBytes(stream) -> Promise<Uint8Array> (TypeError if a chunk is not a Uint8Array; the
//       stream stays locked, as "fully read" leaves it)
//   tee(stream) -> [a, b]
//   readableStreamFromBytes(uint8array) -> byte stream yielding the bytes (not copied) then closing
//   readableStreamFromChunks(list of Uint8Array, copy = false) -> byte stream yielding each chunk
//       (given away, or copied as it is pulled when `copy`)
//   markHandled(promise): marks an internal promise as handled (no unhandledrejection)
//   createTransformStream({ start, transform, flush, cancel }, ...) (14_streams_transform.js)
//   isWritableStream(x), createWritableStream, acquireWriter, writerWrite, writerClose,
//   writerAbort, writerReleaseLock, writerReady, writerClosed, writerDesiredSize
//   (14_streams_writable.js), isTransformStream(x)

const {
  ArrayBuffer,
  AsyncGeneratorFunctionPrototype,
  ObjectCreate,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectGetPrototypeOf,
  ObjectSetPrototypeOf,
  RangeError,
  ReflectApply,
  SymbolAsyncIterator,
  SymbolIterator,
  SymbolToStringTag,
  TypeError,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeSet,
  Uint8Array,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isObject,
  isSharedArrayBuffer,
  isUint8Array,
  toDictionary,
  toDOMString,
  toEnum,
} = internals.webidl;
const S = internals.streamsImpl;
const {
  Deferred,
  List,
  canTransferArrayBuffer,
  cloneArrayBuffer,
  copyDataBlockBytes,
  dequeueValue,
  enqueueValueWithSize,
  extractHighWaterMark,
  extractSizeAlgorithm,
  isArrayBufferViewValue,
  isDetachedBuffer,
  noop,
  promiseCall,
  promiseRejectedWith,
  promiseResolvedWith,
  queueMicrotaskSafe,
  resetQueue,
  resolveWithPromise,
  setPromiseIsHandledToTrue,
  sizeOne,
  toCallback,
  toEnforcedUnsignedLongLong,
  toQueuingStrategy,
  transferArrayBuffer,
  transformPromiseToValue,
  transformPromiseWith,
  uponPromise,
  viewBuffer,
  viewByteLength,
  viewByteOffset,
  viewKind,
} = S;

const kInternal = { __proto__: null }; // constructs the public objects without their IDL steps

// --- internal records ---

class ReadableStreamSlots {
  state = "readable"; // "readable" | "closed" | "errored"
  reader = undefined; // DefaultReaderSlots | BYOBReaderSlots | undefined
  storedError = undefined;
  disturbed = false;
  controller = undefined; // DefaultControllerSlots | ByteControllerSlots
  wrapper = undefined; // the ReadableStream
}

class DefaultReaderSlots {
  isBYOB = false;
  stream = undefined;
  closed = undefined; // Deferred
  readRequests = new List();
  wrapper = undefined;
}

class BYOBReaderSlots {
  isBYOB = true;
  stream = undefined;
  closed = undefined;
  readIntoRequests = new List();
  wrapper = undefined;
}

class DefaultControllerSlots {
  isByte = false;
  stream = undefined;
  queue = new List();
  queueTotalSize = 0;
  started = false;
  closeRequested = false;
  pullAgain = false;
  pulling = false;
  strategySizeAlgorithm = undefined;
  strategyHWM = 1;
  pullAlgorithm = undefined;
  cancelAlgorithm = undefined;
  wrapper = undefined;
}

class ByteControllerSlots {
  isByte = true;
  stream = undefined;
  queue = new List(); // of ByteQueueEntry
  queueTotalSize = 0;
  started = false;
  closeRequested = false;
  pullAgain = false;
  pulling = false;
  strategyHWM = 0;
  pullAlgorithm = undefined;
  cancelAlgorithm = undefined;
  autoAllocateChunkSize = undefined;
  byobRequest = null; // BYOBRequestSlots | null
  pendingPullIntos = new List(); // of PullIntoDescriptor
  wrapper = undefined;
}

class BYOBRequestSlots {
  controller = undefined;
  view = null;
  wrapper = undefined;
}

class ByteQueueEntry {
  buffer;
  byteOffset;
  byteLength;
  constructor(buffer, byteOffset, byteLength) {
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
  }
}

class PullIntoDescriptor {
  buffer;
  bufferByteLength;
  byteOffset;
  byteLength;
  bytesFilled = 0;
  minimumFill;
  elementSize;
  viewConstructor;
  readerType; // "default" | "byob" | "none"
  constructor(buffer, byteOffset, byteLength, minimumFill, elementSize, viewConstructor, readerType) {
    this.buffer = buffer;
    this.bufferByteLength = ArrayBufferPrototypeGetByteLengthSafe(buffer);
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
    this.minimumFill = minimumFill;
    this.elementSize = elementSize;
    this.viewConstructor = viewConstructor;
    this.readerType = readerType;
  }
}

function ArrayBufferPrototypeGetByteLengthSafe(buffer) {
  return primordials.ArrayBufferPrototypeGetByteLength(buffer);
}

// A read request (https://streams.spec.whatwg.org/#read-request) / read-into request.
class ReadRequest {
  chunkSteps;
  closeSteps;
  errorSteps;
  constructor(chunkSteps, closeSteps, errorSteps) {
    this.chunkSteps = chunkSteps;
    this.closeSteps = closeSteps;
    this.errorSteps = errorSteps;
  }
}

// --- public wrappers (created lazily for records the host made) ---

let ReadableStream;
let isReadableStreamObject;
let streamSlots;

function streamWrapper(stream) {
  if (stream.wrapper === undefined) stream.wrapper = new ReadableStream(kInternal, stream);
  return stream.wrapper;
}

// --- ReadableStream abstract operations (https://streams.spec.whatwg.org/#rs-abstract-ops) ---

// https://streams.spec.whatwg.org/#acquire-readable-stream-reader
function acquireReadableStreamDefaultReader(stream) {
  const reader = new DefaultReaderSlots();
  setUpReadableStreamDefaultReader(reader, stream);
  return reader;
}

// https://streams.spec.whatwg.org/#acquire-readable-stream-byob-reader
function acquireReadableStreamBYOBReader(stream) {
  const reader = new BYOBReaderSlots();
  setUpReadableStreamBYOBReader(reader, stream);
  return reader;
}

// https://streams.spec.whatwg.org/#create-readable-stream
function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1,
  sizeAlgorithm = sizeOne) {
  const stream = new ReadableStreamSlots();
  const controller = new DefaultControllerSlots();
  setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
    cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

// https://streams.spec.whatwg.org/#abstract-opdef-createreadablebytestream
function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 0) {
  const stream = new ReadableStreamSlots();
  const controller = new ByteControllerSlots();
  setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
    cancelAlgorithm, highWaterMark, undefined);
  return stream;
}

// https://streams.spec.whatwg.org/#is-readable-stream-locked
function isReadableStreamLocked(stream) {
  return stream.reader !== undefined;
}

// https://streams.spec.whatwg.org/#readable-stream-add-read-into-request
function readableStreamAddReadIntoRequest(stream, readRequest) {
  stream.reader.readIntoRequests.push(readRequest);
}

// https://streams.spec.whatwg.org/#readable-stream-add-read-request
function readableStreamAddReadRequest(stream, readRequest) {
  stream.reader.readRequests.push(readRequest);
}

// https://streams.spec.whatwg.org/#readable-stream-cancel
function readableStreamCancel(stream, reason) {
  stream.disturbed = true;
  if (stream.state === "closed") return promiseResolvedWith(undefined);
  if (stream.state === "errored") return promiseRejectedWith(stream.storedError);
  readableStreamClose(stream);
  const reader = stream.reader;
  if (reader !== undefined && reader.isBYOB) {
    const readIntoRequests = reader.readIntoRequests;
    reader.readIntoRequests = new List();
    while (readIntoRequests.length > 0) readIntoRequests.shift().closeSteps(undefined);
  }
  const sourceCancelPromise = controllerCancelSteps(stream.controller, reason);
  return transformPromiseWith(sourceCancelPromise, noop);
}

// https://streams.spec.whatwg.org/#readable-stream-close
function readableStreamClose(stream) {
  stream.state = "closed";
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.resolve(undefined);
  if (!reader.isBYOB) {
    const readRequests = reader.readRequests;
    reader.readRequests = new List();
    while (readRequests.length > 0) readRequests.shift().closeSteps();
  }
}

// https://streams.spec.whatwg.org/#readable-stream-error
function readableStreamError(stream, e) {
  stream.state = "errored";
  stream.storedError = e;
  const reader = stream.reader;
  if (reader === undefined) return;
  reader.closed.reject(e);
  setPromiseIsHandledToTrue(reader.closed.promise);
  if (!reader.isBYOB) readableStreamDefaultReaderErrorReadRequests(reader, e);
  else readableStreamBYOBReaderErrorReadIntoRequests(reader, e);
}

// https://streams.spec.whatwg.org/#readable-stream-fulfill-read-into-request
function readableStreamFulfillReadIntoRequest(stream, chunk, done) {
  const readIntoRequest = stream.reader.readIntoRequests.shift();
  if (done) readIntoRequest.closeSteps(chunk);
  else readIntoRequest.chunkSteps(chunk);
}

// https://streams.spec.whatwg.org/#readable-stream-fulfill-read-request
function readableStreamFulfillReadRequest(stream, chunk, done) {
  const readRequest = stream.reader.readRequests.shift();
  if (done) readRequest.closeSteps();
  else readRequest.chunkSteps(chunk);
}

function readableStreamGetNumReadIntoRequests(stream) {
  return stream.reader.readIntoRequests.length;
}

function readableStreamGetNumReadRequests(stream) {
  return stream.reader.readRequests.length;
}

function readableStreamHasBYOBReader(stream) {
  return stream.reader !== undefined && stream.reader.isBYOB;
}

function readableStreamHasDefaultReader(stream) {
  return stream.reader !== undefined && !stream.reader.isBYOB;
}

// --- readers (https://streams.spec.whatwg.org/#rs-reader-abstract-ops) ---

// https://streams.spec.whatwg.org/#readable-stream-reader-generic-cancel
function readableStreamReaderGenericCancel(reader, reason) {
  return readableStreamCancel(reader.stream, reason);
}

// https://streams.spec.whatwg.org/#readable-stream-reader-generic-initialize
function readableStreamReaderGenericInitialize(reader, stream) {
  reader.stream = stream;
  stream.reader = reader;
  reader.closed = new Deferred();
  if (stream.state === "closed") {
    reader.closed.resolve(undefined);
  } else if (stream.state === "errored") {
    reader.closed.reject(stream.storedError);
    setPromiseIsHandledToTrue(reader.closed.promise);
  }
}

// https://streams.spec.whatwg.org/#readable-stream-reader-generic-release
function readableStreamReaderGenericRelease(reader) {
  const stream = reader.stream;
  const error = new TypeError("The reader's lock on the stream was released.");
  if (stream.state === "readable") {
    reader.closed.reject(error);
  } else {
    reader.closed = new Deferred();
    reader.closed.reject(error);
  }
  setPromiseIsHandledToTrue(reader.closed.promise);
  controllerReleaseSteps(stream.controller);
  stream.reader = undefined;
  reader.stream = undefined;
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablestreambyobreadererrorreadintorequests
function readableStreamBYOBReaderErrorReadIntoRequests(reader, e) {
  const readIntoRequests = reader.readIntoRequests;
  reader.readIntoRequests = new List();
  while (readIntoRequests.length > 0) readIntoRequests.shift().errorSteps(e);
}

// https://streams.spec.whatwg.org/#readable-stream-byob-reader-read
function readableStreamBYOBReaderRead(reader, view, min, readIntoRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === "errored") readIntoRequest.errorSteps(stream.storedError);
  else readableByteStreamControllerPullInto(stream.controller, view, min, readIntoRequest);
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablestreambyobreaderrelease
function readableStreamBYOBReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  readableStreamBYOBReaderErrorReadIntoRequests(reader, new TypeError("The reader's lock on the stream was released."));
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablestreamdefaultreadererrorreadrequests
function readableStreamDefaultReaderErrorReadRequests(reader, e) {
  const readRequests = reader.readRequests;
  reader.readRequests = new List();
  while (readRequests.length > 0) readRequests.shift().errorSteps(e);
}

// https://streams.spec.whatwg.org/#readable-stream-default-reader-read
function readableStreamDefaultReaderRead(reader, readRequest) {
  const stream = reader.stream;
  stream.disturbed = true;
  if (stream.state === "closed") readRequest.closeSteps();
  else if (stream.state === "errored") readRequest.errorSteps(stream.storedError);
  else controllerPullSteps(stream.controller, readRequest);
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablestreamdefaultreaderrelease
function readableStreamDefaultReaderRelease(reader) {
  readableStreamReaderGenericRelease(reader);
  readableStreamDefaultReaderErrorReadRequests(reader, new TypeError("The reader's lock on the stream was released."));
}

// https://streams.spec.whatwg.org/#set-up-readable-stream-byob-reader
function setUpReadableStreamBYOBReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError("The ReadableStream is locked to a reader.");
  if (!stream.controller.isByte) {
    throw new TypeError("A BYOB reader can only be acquired for a readable byte stream.");
  }
  readableStreamReaderGenericInitialize(reader, stream);
}

// https://streams.spec.whatwg.org/#set-up-readable-stream-default-reader
function setUpReadableStreamDefaultReader(reader, stream) {
  if (isReadableStreamLocked(stream)) throw new TypeError("The ReadableStream is locked to a reader.");
  readableStreamReaderGenericInitialize(reader, stream);
}

// --- controller dispatch: [[CancelSteps]], [[PullSteps]], [[ReleaseSteps]] ---

function controllerCancelSteps(controller, reason) {
  if (controller.isByte) {
    readableByteStreamControllerClearPendingPullIntos(controller);
  }
  resetQueue(controller);
  const result = controller.cancelAlgorithm(reason);
  if (controller.isByte) readableByteStreamControllerClearAlgorithms(controller);
  else readableStreamDefaultControllerClearAlgorithms(controller);
  return result;
}

function controllerPullSteps(controller, readRequest) {
  if (controller.isByte) byteControllerPullSteps(controller, readRequest);
  else defaultControllerPullSteps(controller, readRequest);
}

function controllerReleaseSteps(controller) {
  // https://streams.spec.whatwg.org/#abstract-opdef-readablebytestreamcontroller-releasesteps
  if (controller.isByte && controller.pendingPullIntos.length > 0) {
    const firstPendingPullInto = controller.pendingPullIntos.peek();
    firstPendingPullInto.readerType = "none";
    controller.pendingPullIntos = new List();
    controller.pendingPullIntos.push(firstPendingPullInto);
  }
}

// https://streams.spec.whatwg.org/#rs-default-controller-private-pull
function defaultControllerPullSteps(controller, readRequest) {
  const stream = controller.stream;
  if (controller.queue.length > 0) {
    const chunk = dequeueValue(controller);
    if (controller.closeRequested && controller.queue.length === 0) {
      readableStreamDefaultControllerClearAlgorithms(controller);
      readableStreamClose(stream);
    } else {
      readableStreamDefaultControllerCallPullIfNeeded(controller);
    }
    readRequest.chunkSteps(chunk);
  } else {
    readableStreamAddReadRequest(stream, readRequest);
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }
}

// --- default controllers (https://streams.spec.whatwg.org/#rs-default-controller-abstract-ops) ---

function readableStreamDefaultControllerCallPullIfNeeded(controller) {
  if (!readableStreamDefaultControllerShouldCallPull(controller)) return;
  if (controller.pulling) {
    controller.pullAgain = true;
    return;
  }
  controller.pulling = true;
  uponPromise(controller.pullAlgorithm(), () => {
    controller.pulling = false;
    if (controller.pullAgain) {
      controller.pullAgain = false;
      readableStreamDefaultControllerCallPullIfNeeded(controller);
    }
  }, (e) => {
    readableStreamDefaultControllerError(controller, e);
  });
}

function readableStreamDefaultControllerShouldCallPull(controller) {
  const stream = controller.stream;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return false;
  if (!controller.started) return false;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  return readableStreamDefaultControllerGetDesiredSize(controller) > 0;
}

function readableStreamDefaultControllerClearAlgorithms(controller) {
  controller.pullAlgorithm = undefined;
  controller.cancelAlgorithm = undefined;
  controller.strategySizeAlgorithm = undefined;
}

function readableStreamDefaultControllerClose(controller) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
  const stream = controller.stream;
  controller.closeRequested = true;
  if (controller.queue.length === 0) {
    readableStreamDefaultControllerClearAlgorithms(controller);
    readableStreamClose(stream);
  }
}

function readableStreamDefaultControllerEnqueue(controller, chunk) {
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) return;
  const stream = controller.stream;
  if (isReadableStreamLocked(stream) && readableStreamGetNumReadRequests(stream) > 0) {
    readableStreamFulfillReadRequest(stream, chunk, false);
  } else {
    let chunkSize;
    try {
      chunkSize = controller.strategySizeAlgorithm(chunk);
    } catch (error) {
      readableStreamDefaultControllerError(controller, error);
      throw error;
    }
    try {
      enqueueValueWithSize(controller, chunk, chunkSize);
    } catch (error) {
      readableStreamDefaultControllerError(controller, error);
      throw error;
    }
  }
  readableStreamDefaultControllerCallPullIfNeeded(controller);
}

function readableStreamDefaultControllerError(controller, e) {
  const stream = controller.stream;
  if (stream.state !== "readable") return;
  resetQueue(controller);
  readableStreamDefaultControllerClearAlgorithms(controller);
  readableStreamError(stream, e);
}

function readableStreamDefaultControllerGetDesiredSize(controller) {
  const state = controller.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return controller.strategyHWM - controller.queueTotalSize;
}

function readableStreamDefaultControllerHasBackpressure(controller) {
  return !readableStreamDefaultControllerShouldCallPull(controller);
}

function readableStreamDefaultControllerCanCloseOrEnqueue(controller) {
  return !controller.closeRequested && controller.stream.state === "readable";
}

// https://streams.spec.whatwg.org/#set-up-readable-stream-default-controller
function setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
  cancelAlgorithm, highWaterMark, sizeAlgorithm) {
  controller.stream = stream;
  resetQueue(controller);
  controller.started = false;
  controller.closeRequested = false;
  controller.pullAgain = false;
  controller.pulling = false;
  controller.strategySizeAlgorithm = sizeAlgorithm;
  controller.strategyHWM = highWaterMark;
  controller.pullAlgorithm = pullAlgorithm;
  controller.cancelAlgorithm = cancelAlgorithm;
  stream.controller = controller;
  const startResult = startAlgorithm();
  uponPromise(promiseResolvedWith(startResult), () => {
    controller.started = true;
    readableStreamDefaultControllerCallPullIfNeeded(controller);
  }, (r) => {
    readableStreamDefaultControllerError(controller, r);
  });
}

// https://streams.spec.whatwg.org/#set-up-readable-stream-default-controller-from-underlying-source
function setUpReadableStreamDefaultControllerFromUnderlyingSource(stream, underlyingSource,
  underlyingSourceDict, highWaterMark, sizeAlgorithm) {
  const controller = new DefaultControllerSlots();
  const wrapper = defaultControllerWrapper(controller);
  const { start, pull, cancel } = underlyingSourceDict;
  const startAlgorithm = start === undefined ? noop : () => ReflectApply(start, underlyingSource, [wrapper]);
  const pullAlgorithm = pull === undefined
    ? () => promiseResolvedWith(undefined)
    : () => promiseCall(pull, underlyingSource, [wrapper]);
  const cancelAlgorithm = cancel === undefined
    ? () => promiseResolvedWith(undefined)
    : (reason) => promiseCall(cancel, underlyingSource, [reason]);
  setUpReadableStreamDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
    cancelAlgorithm, highWaterMark, sizeAlgorithm);
}

// --- byte controllers (https://streams.spec.whatwg.org/#rbs-controller-abstract-ops) ---

// https://streams.spec.whatwg.org/#rbs-controller-private-pull
function byteControllerPullSteps(controller, readRequest) {
  const stream = controller.stream;
  if (controller.queueTotalSize > 0) {
    readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
    return;
  }
  const autoAllocateChunkSize = controller.autoAllocateChunkSize;
  if (autoAllocateChunkSize !== undefined) {
    let buffer;
    try {
      buffer = new ArrayBuffer(autoAllocateChunkSize);
    } catch (error) {
      readRequest.errorSteps(error);
      return;
    }
    controller.pendingPullIntos.push(new PullIntoDescriptor(buffer, 0, autoAllocateChunkSize, 1, 1,
      Uint8Array, "default"));
  }
  readableStreamAddReadRequest(stream, readRequest);
  readableByteStreamControllerCallPullIfNeeded(controller);
}

function readableByteStreamControllerCallPullIfNeeded(controller) {
  if (!readableByteStreamControllerShouldCallPull(controller)) return;
  if (controller.pulling) {
    controller.pullAgain = true;
    return;
  }
  controller.pulling = true;
  uponPromise(controller.pullAlgorithm(), () => {
    controller.pulling = false;
    if (controller.pullAgain) {
      controller.pullAgain = false;
      readableByteStreamControllerCallPullIfNeeded(controller);
    }
  }, (e) => {
    readableByteStreamControllerError(controller, e);
  });
}

function readableByteStreamControllerClearAlgorithms(controller) {
  controller.pullAlgorithm = undefined;
  controller.cancelAlgorithm = undefined;
}

function readableByteStreamControllerClearPendingPullIntos(controller) {
  readableByteStreamControllerInvalidateBYOBRequest(controller);
  controller.pendingPullIntos = new List();
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-close
function readableByteStreamControllerClose(controller) {
  const stream = controller.stream;
  if (controller.closeRequested || stream.state !== "readable") return;
  if (controller.queueTotalSize > 0) {
    controller.closeRequested = true;
    return;
  }
  if (controller.pendingPullIntos.length > 0) {
    const firstPendingPullInto = controller.pendingPullIntos.peek();
    if (firstPendingPullInto.bytesFilled % firstPendingPullInto.elementSize !== 0) {
      const e = new TypeError("The stream was closed with a partial element in the BYOB request's view.");
      readableByteStreamControllerError(controller, e);
      throw e;
    }
  }
  readableByteStreamControllerClearAlgorithms(controller);
  readableStreamClose(stream);
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-commit-pull-into-descriptor
function readableByteStreamControllerCommitPullIntoDescriptor(stream, pullIntoDescriptor) {
  let done = false;
  if (stream.state === "closed") done = true;
  const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
  if (pullIntoDescriptor.readerType === "default") {
    readableStreamFulfillReadRequest(stream, filledView, done);
  } else {
    readableStreamFulfillReadIntoRequest(stream, filledView, done);
  }
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-convert-pull-into-descriptor
function readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor) {
  const bytesFilled = pullIntoDescriptor.bytesFilled;
  const elementSize = pullIntoDescriptor.elementSize;
  const buffer = transferArrayBuffer(pullIntoDescriptor.buffer);
  return new pullIntoDescriptor.viewConstructor(buffer, pullIntoDescriptor.byteOffset, bytesFilled / elementSize);
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-enqueue
// `owned`: the runtime's own producers (the host's chunks, readableStreamFromChunks, the byte tee)
// pass true for chunks that nothing else references; their buffers are then not transferred
// (detaching them would change nothing anyone can see, and a transfer goes through V8's
// serializer). Chunks from user code are always transferred.
function readableByteStreamControllerEnqueue(controller, chunk, owned = false) {
  const stream = controller.stream;
  if (controller.closeRequested || stream.state !== "readable") return;
  const buffer = viewBuffer(chunk);
  const byteOffset = viewByteOffset(chunk);
  const byteLength = viewByteLength(chunk);
  if (isDetachedBuffer(buffer)) throw new TypeError("The chunk's ArrayBuffer is detached.");
  const transferredBuffer = owned ? buffer : transferArrayBuffer(buffer);
  if (controller.pendingPullIntos.length > 0) {
    const firstPendingPullInto = controller.pendingPullIntos.peek();
    if (isDetachedBuffer(firstPendingPullInto.buffer)) {
      throw new TypeError("The BYOB request's ArrayBuffer is detached.");
    }
    // A BYOB request a user source saw must not be written to any more: its buffer moves.
    const exposed = controller.byobRequest !== null && controller.byobRequest.wrapper !== undefined;
    readableByteStreamControllerInvalidateBYOBRequest(controller);
    if (!owned || exposed) firstPendingPullInto.buffer = transferArrayBuffer(firstPendingPullInto.buffer);
    if (firstPendingPullInto.readerType === "none") {
      readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, firstPendingPullInto);
    }
  }
  if (readableStreamHasDefaultReader(stream)) {
    readableByteStreamControllerProcessReadRequestsUsingQueue(controller);
    if (readableStreamGetNumReadRequests(stream) === 0) {
      readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
    } else {
      if (controller.pendingPullIntos.length > 0) readableByteStreamControllerShiftPendingPullInto(controller);
      const transferredView = new Uint8Array(transferredBuffer, byteOffset, byteLength);
      readableStreamFulfillReadRequest(stream, transferredView, false);
    }
  } else if (readableStreamHasBYOBReader(stream)) {
    readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
    const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    while (filledPullIntos.length > 0) {
      readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos.shift());
    }
  } else {
    readableByteStreamControllerEnqueueChunkToQueue(controller, transferredBuffer, byteOffset, byteLength);
  }
  readableByteStreamControllerCallPullIfNeeded(controller);
}

function readableByteStreamControllerEnqueueChunkToQueue(controller, buffer, byteOffset, byteLength) {
  controller.queue.push(new ByteQueueEntry(buffer, byteOffset, byteLength));
  controller.queueTotalSize += byteLength;
}

function readableByteStreamControllerEnqueueClonedChunkToQueue(controller, buffer, byteOffset, byteLength) {
  let cloneResult;
  try {
    cloneResult = cloneArrayBuffer(buffer, byteOffset, byteLength);
  } catch (error) {
    readableByteStreamControllerError(controller, error);
    throw error;
  }
  readableByteStreamControllerEnqueueChunkToQueue(controller, cloneResult, 0, byteLength);
}

function readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor) {
  if (pullIntoDescriptor.bytesFilled > 0) {
    readableByteStreamControllerEnqueueClonedChunkToQueue(controller, pullIntoDescriptor.buffer,
      pullIntoDescriptor.byteOffset, pullIntoDescriptor.bytesFilled);
  }
  readableByteStreamControllerShiftPendingPullInto(controller);
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-fill-pull-into-descriptor-from-queue
function readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor) {
  const maxBytesToCopy = MathMin(controller.queueTotalSize,
    pullIntoDescriptor.byteLength - pullIntoDescriptor.bytesFilled);
  const maxBytesFilled = pullIntoDescriptor.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const remainderBytes = maxBytesFilled % pullIntoDescriptor.elementSize;
  const maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= pullIntoDescriptor.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - pullIntoDescriptor.bytesFilled;
    ready = true;
  }
  const queue = controller.queue;
  while (totalBytesToCopyRemaining > 0) {
    const headOfQueue = queue.peek();
    const bytesToCopy = MathMin(totalBytesToCopyRemaining, headOfQueue.byteLength);
    const destStart = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
    copyDataBlockBytes(pullIntoDescriptor.buffer, destStart, headOfQueue.buffer, headOfQueue.byteOffset, bytesToCopy);
    if (headOfQueue.byteLength === bytesToCopy) {
      queue.shift();
    } else {
      headOfQueue.byteOffset += bytesToCopy;
      headOfQueue.byteLength -= bytesToCopy;
    }
    controller.queueTotalSize -= bytesToCopy;
    readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesToCopy, pullIntoDescriptor);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}

function MathMin(a, b) {
  return a < b ? a : b;
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablebytestreamcontrollerfillreadrequestfromqueue
function readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest) {
  const entry = controller.queue.shift();
  controller.queueTotalSize -= entry.byteLength;
  readableByteStreamControllerHandleQueueDrain(controller);
  const view = new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength);
  readRequest.chunkSteps(view);
}

function readableByteStreamControllerFillHeadPullIntoDescriptor(controller, size, pullIntoDescriptor) {
  pullIntoDescriptor.bytesFilled += size;
}

// https://streams.spec.whatwg.org/#rbs-controller-get-byob-request
function readableByteStreamControllerGetBYOBRequest(controller) {
  if (controller.byobRequest === null && controller.pendingPullIntos.length > 0) {
    const firstDescriptor = controller.pendingPullIntos.peek();
    const view = new Uint8Array(firstDescriptor.buffer,
      firstDescriptor.byteOffset + firstDescriptor.bytesFilled,
      firstDescriptor.byteLength - firstDescriptor.bytesFilled);
    const byobRequest = new BYOBRequestSlots();
    byobRequest.controller = controller;
    byobRequest.view = view;
    controller.byobRequest = byobRequest;
  }
  return controller.byobRequest;
}

function readableByteStreamControllerGetDesiredSize(controller) {
  const state = controller.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return controller.strategyHWM - controller.queueTotalSize;
}

function readableByteStreamControllerHandleQueueDrain(controller) {
  if (controller.queueTotalSize === 0 && controller.closeRequested) {
    readableByteStreamControllerClearAlgorithms(controller);
    readableStreamClose(controller.stream);
  } else {
    readableByteStreamControllerCallPullIfNeeded(controller);
  }
}

function readableByteStreamControllerInvalidateBYOBRequest(controller) {
  if (controller.byobRequest === null) return;
  controller.byobRequest.controller = undefined;
  controller.byobRequest.view = null;
  controller.byobRequest = null;
}

function readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller) {
  const filledPullIntos = new List();
  while (controller.pendingPullIntos.length > 0) {
    if (controller.queueTotalSize === 0) break;
    const pullIntoDescriptor = controller.pendingPullIntos.peek();
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
      readableByteStreamControllerShiftPendingPullInto(controller);
      filledPullIntos.push(pullIntoDescriptor);
    }
  }
  return filledPullIntos;
}

function readableByteStreamControllerProcessReadRequestsUsingQueue(controller) {
  const reader = controller.stream.reader;
  while (reader.readRequests.length > 0) {
    if (controller.queueTotalSize === 0) return;
    const readRequest = reader.readRequests.shift();
    readableByteStreamControllerFillReadRequestFromQueue(controller, readRequest);
  }
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-pull-into
function readableByteStreamControllerPullInto(controller, view, min, readIntoRequest) {
  const stream = controller.stream;
  const kind = viewKind(view);
  const elementSize = kind[1];
  const ctor = kind[0];
  const minimumFill = min * elementSize;
  const byteOffset = viewByteOffset(view);
  const byteLength = viewByteLength(view);
  let buffer;
  try {
    buffer = transferArrayBuffer(viewBuffer(view));
  } catch (error) {
    readIntoRequest.errorSteps(error);
    return;
  }
  const pullIntoDescriptor = new PullIntoDescriptor(buffer, byteOffset, byteLength, minimumFill,
    elementSize, ctor, "byob");
  if (controller.pendingPullIntos.length > 0) {
    controller.pendingPullIntos.push(pullIntoDescriptor);
    readableStreamAddReadIntoRequest(stream, readIntoRequest);
    return;
  }
  if (stream.state === "closed") {
    const emptyView = new ctor(pullIntoDescriptor.buffer, pullIntoDescriptor.byteOffset, 0);
    readIntoRequest.closeSteps(emptyView);
    return;
  }
  if (controller.queueTotalSize > 0) {
    if (readableByteStreamControllerFillPullIntoDescriptorFromQueue(controller, pullIntoDescriptor)) {
      const filledView = readableByteStreamControllerConvertPullIntoDescriptor(pullIntoDescriptor);
      readableByteStreamControllerHandleQueueDrain(controller);
      readIntoRequest.chunkSteps(filledView);
      return;
    }
    if (controller.closeRequested) {
      const e = new TypeError("The stream was closed with a partial element in its queue.");
      readableByteStreamControllerError(controller, e);
      readIntoRequest.errorSteps(e);
      return;
    }
  }
  controller.pendingPullIntos.push(pullIntoDescriptor);
  readableStreamAddReadIntoRequest(stream, readIntoRequest);
  readableByteStreamControllerCallPullIfNeeded(controller);
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-respond
function readableByteStreamControllerRespond(controller, bytesWritten) {
  const firstDescriptor = controller.pendingPullIntos.peek();
  const state = controller.stream.state;
  if (state === "closed") {
    if (bytesWritten !== 0) {
      throw new TypeError("bytesWritten must be 0 when calling respond() on a closed stream.");
    }
  } else {
    if (bytesWritten === 0) {
      throw new TypeError("bytesWritten must be greater than 0 when calling respond() on a readable stream.");
    }
    if (firstDescriptor.bytesFilled + bytesWritten > firstDescriptor.byteLength) {
      throw new RangeError("bytesWritten is larger than the BYOB request's view.");
    }
  }
  firstDescriptor.buffer = transferArrayBuffer(firstDescriptor.buffer);
  readableByteStreamControllerRespondInternal(controller, bytesWritten);
}

function readableByteStreamControllerRespondInClosedState(controller, firstDescriptor) {
  if (firstDescriptor.readerType === "none") readableByteStreamControllerShiftPendingPullInto(controller);
  const stream = controller.stream;
  if (readableStreamHasBYOBReader(stream)) {
    const filledPullIntos = new List();
    while (filledPullIntos.length < readableStreamGetNumReadIntoRequests(stream)) {
      filledPullIntos.push(readableByteStreamControllerShiftPendingPullInto(controller));
    }
    while (filledPullIntos.length > 0) {
      readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos.shift());
    }
  }
}

function readableByteStreamControllerRespondInReadableState(controller, bytesWritten, pullIntoDescriptor) {
  readableByteStreamControllerFillHeadPullIntoDescriptor(controller, bytesWritten, pullIntoDescriptor);
  const stream = controller.stream;
  if (pullIntoDescriptor.readerType === "none") {
    readableByteStreamControllerEnqueueDetachedPullIntoToQueue(controller, pullIntoDescriptor);
    const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
    while (filledPullIntos.length > 0) {
      readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos.shift());
    }
    return;
  }
  if (pullIntoDescriptor.bytesFilled < pullIntoDescriptor.minimumFill) return;
  readableByteStreamControllerShiftPendingPullInto(controller);
  const remainderSize = pullIntoDescriptor.bytesFilled % pullIntoDescriptor.elementSize;
  if (remainderSize > 0) {
    const end = pullIntoDescriptor.byteOffset + pullIntoDescriptor.bytesFilled;
    readableByteStreamControllerEnqueueClonedChunkToQueue(controller, pullIntoDescriptor.buffer,
      end - remainderSize, remainderSize);
  }
  pullIntoDescriptor.bytesFilled -= remainderSize;
  const filledPullIntos = readableByteStreamControllerProcessPullIntoDescriptorsUsingQueue(controller);
  readableByteStreamControllerCommitPullIntoDescriptor(stream, pullIntoDescriptor);
  while (filledPullIntos.length > 0) {
    readableByteStreamControllerCommitPullIntoDescriptor(stream, filledPullIntos.shift());
  }
}

function readableByteStreamControllerRespondInternal(controller, bytesWritten) {
  const firstDescriptor = controller.pendingPullIntos.peek();
  readableByteStreamControllerInvalidateBYOBRequest(controller);
  if (controller.stream.state === "closed") {
    readableByteStreamControllerRespondInClosedState(controller, firstDescriptor);
  } else {
    readableByteStreamControllerRespondInReadableState(controller, bytesWritten, firstDescriptor);
  }
  readableByteStreamControllerCallPullIfNeeded(controller);
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-respond-with-new-view
function readableByteStreamControllerRespondWithNewView(controller, view) {
  const firstDescriptor = controller.pendingPullIntos.peek();
  const state = controller.stream.state;
  const byteLength = viewByteLength(view);
  if (state === "closed") {
    if (byteLength !== 0) {
      throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream.");
    }
  } else if (byteLength === 0) {
    throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream.");
  }
  if (firstDescriptor.byteOffset + firstDescriptor.bytesFilled !== viewByteOffset(view)) {
    throw new RangeError("The region specified by view does not match byobRequest.");
  }
  const buffer = viewBuffer(view);
  if (firstDescriptor.bufferByteLength !== ArrayBufferPrototypeGetByteLengthSafe(buffer)) {
    throw new RangeError("The buffer of view has different capacity than byobRequest.");
  }
  if (firstDescriptor.bytesFilled + byteLength > firstDescriptor.byteLength) {
    throw new RangeError("The region specified by view is larger than byobRequest.");
  }
  firstDescriptor.buffer = transferArrayBuffer(buffer);
  readableByteStreamControllerRespondInternal(controller, byteLength);
}

function readableByteStreamControllerShiftPendingPullInto(controller) {
  return controller.pendingPullIntos.shift();
}

function readableByteStreamControllerShouldCallPull(controller) {
  const stream = controller.stream;
  if (stream.state !== "readable") return false;
  if (controller.closeRequested) return false;
  if (!controller.started) return false;
  if (readableStreamHasDefaultReader(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  if (readableStreamHasBYOBReader(stream) && readableStreamGetNumReadIntoRequests(stream) > 0) return true;
  return readableByteStreamControllerGetDesiredSize(controller) > 0;
}

// https://streams.spec.whatwg.org/#readable-byte-stream-controller-error
function readableByteStreamControllerError(controller, e) {
  const stream = controller.stream;
  if (stream.state !== "readable") return;
  readableByteStreamControllerClearPendingPullIntos(controller);
  resetQueue(controller);
  readableByteStreamControllerClearAlgorithms(controller);
  readableStreamError(stream, e);
}

// https://streams.spec.whatwg.org/#set-up-readable-byte-stream-controller
function setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
  cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
  controller.stream = stream;
  controller.pullAgain = false;
  controller.pulling = false;
  controller.byobRequest = null;
  resetQueue(controller);
  controller.closeRequested = false;
  controller.started = false;
  controller.strategyHWM = highWaterMark;
  controller.pullAlgorithm = pullAlgorithm;
  controller.cancelAlgorithm = cancelAlgorithm;
  controller.autoAllocateChunkSize = autoAllocateChunkSize;
  controller.pendingPullIntos = new List();
  stream.controller = controller;
  const startResult = startAlgorithm();
  uponPromise(promiseResolvedWith(startResult), () => {
    controller.started = true;
    readableByteStreamControllerCallPullIfNeeded(controller);
  }, (r) => {
    readableByteStreamControllerError(controller, r);
  });
}

// https://streams.spec.whatwg.org/#set-up-readable-byte-stream-controller-from-underlying-source
function setUpReadableByteStreamControllerFromUnderlyingSource(stream, underlyingSource,
  underlyingSourceDict, highWaterMark) {
  const controller = new ByteControllerSlots();
  const wrapper = byteControllerWrapper(controller);
  const { start, pull, cancel } = underlyingSourceDict;
  const startAlgorithm = start === undefined ? noop : () => ReflectApply(start, underlyingSource, [wrapper]);
  const pullAlgorithm = pull === undefined
    ? () => promiseResolvedWith(undefined)
    : () => promiseCall(pull, underlyingSource, [wrapper]);
  const cancelAlgorithm = cancel === undefined
    ? () => promiseResolvedWith(undefined)
    : (reason) => promiseCall(cancel, underlyingSource, [reason]);
  const autoAllocateChunkSize = underlyingSourceDict.autoAllocateChunkSize;
  if (autoAllocateChunkSize === 0) {
    throw new TypeError("Failed to construct 'ReadableStream': autoAllocateChunkSize must be greater than 0.");
  }
  setUpReadableByteStreamController(stream, controller, startAlgorithm, pullAlgorithm,
    cancelAlgorithm, highWaterMark, autoAllocateChunkSize);
}

// --- tee (https://streams.spec.whatwg.org/#readable-stream-tee) ---

function readableStreamTee(stream, cloneForBranch2) {
  if (stream.controller.isByte) return readableByteStreamTee(stream);
  return readableStreamDefaultTee(stream, cloneForBranch2);
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablestreamdefaulttee
function readableStreamDefaultTee(stream, cloneForBranch2) {
  const reader = acquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelPromise = new Deferred();

  function pullAlgorithm() {
    if (reading) {
      readAgain = true;
      return promiseResolvedWith(undefined);
    }
    reading = true;
    const readRequest = new ReadRequest((chunk) => {
      queueMicrotaskSafe(() => {
        readAgain = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!canceled2 && cloneForBranch2) {
          try {
            chunk2 = internals.structuredClone(chunk2);
          } catch (cloneError) {
            readableStreamDefaultControllerError(branch1.controller, cloneError);
            readableStreamDefaultControllerError(branch2.controller, cloneError);
            resolveWithPromise(cancelPromise, readableStreamCancel(stream, cloneError));
            return;
          }
        }
        if (!canceled1) readableStreamDefaultControllerEnqueue(branch1.controller, chunk1);
        if (!canceled2) readableStreamDefaultControllerEnqueue(branch2.controller, chunk2);
        reading = false;
        if (readAgain) pullAlgorithm();
      });
    }, () => {
      reading = false;
      if (!canceled1) readableStreamDefaultControllerClose(branch1.controller);
      if (!canceled2) readableStreamDefaultControllerClose(branch2.controller);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    }, () => {
      reading = false;
    });
    readableStreamDefaultReaderRead(reader, readRequest);
    return promiseResolvedWith(undefined);
  }

  function cancel1Algorithm(reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) resolveWithPromise(cancelPromise, readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }

  function cancel2Algorithm(reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) resolveWithPromise(cancelPromise, readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }

  branch1 = createReadableStream(noop, pullAlgorithm, cancel1Algorithm);
  branch2 = createReadableStream(noop, pullAlgorithm, cancel2Algorithm);
  uponPromise(reader.closed.promise, undefined, (r) => {
    readableStreamDefaultControllerError(branch1.controller, r);
    readableStreamDefaultControllerError(branch2.controller, r);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [branch1, branch2];
}

// https://streams.spec.whatwg.org/#abstract-opdef-cloneasuint8array
function cloneAsUint8Array(view) {
  const length = viewByteLength(view);
  const copy = new Uint8Array(length);
  TypedArrayPrototypeSet(copy, new Uint8Array(viewBuffer(view), viewByteOffset(view), length));
  return copy;
}

// https://streams.spec.whatwg.org/#abstract-opdef-readablebytestreamtee
function readableByteStreamTee(stream) {
  let reader = acquireReadableStreamDefaultReader(stream);
  let reading = false;
  let readAgainForBranch1 = false;
  let readAgainForBranch2 = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelPromise = new Deferred();

  function forwardReaderError(thisReader) {
    uponPromise(thisReader.closed.promise, undefined, (r) => {
      if (thisReader !== reader) return;
      readableByteStreamControllerError(branch1.controller, r);
      readableByteStreamControllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
  }

  function continueReading() {
    reading = false;
    if (readAgainForBranch1) pull1Algorithm();
    else if (readAgainForBranch2) pull2Algorithm();
  }

  function pullWithDefaultReader() {
    if (reader.isBYOB) {
      readableStreamBYOBReaderRelease(reader);
      reader = acquireReadableStreamDefaultReader(stream);
      forwardReaderError(reader);
    }
    const readRequest = new ReadRequest((chunk) => {
      queueMicrotaskSafe(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!canceled1 && !canceled2) {
          try {
            chunk2 = cloneAsUint8Array(chunk);
          } catch (cloneError) {
            readableByteStreamControllerError(branch1.controller, cloneError);
            readableByteStreamControllerError(branch2.controller, cloneError);
            resolveWithPromise(cancelPromise, readableStreamCancel(stream, cloneError));
            return;
          }
        }
        if (!canceled1) readableByteStreamControllerEnqueue(branch1.controller, chunk1, true);
        if (!canceled2) readableByteStreamControllerEnqueue(branch2.controller, chunk2, true);
        continueReading();
      });
    }, () => {
      reading = false;
      if (!canceled1) readableByteStreamControllerClose(branch1.controller);
      if (!canceled2) readableByteStreamControllerClose(branch2.controller);
      if (branch1.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch1.controller, 0);
      if (branch2.controller.pendingPullIntos.length > 0) readableByteStreamControllerRespond(branch2.controller, 0);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    }, () => {
      reading = false;
    });
    readableStreamDefaultReaderRead(reader, readRequest);
  }

  function pullWithBYOBReader(view, forBranch2) {
    if (!reader.isBYOB) {
      readableStreamDefaultReaderRelease(reader);
      reader = acquireReadableStreamBYOBReader(stream);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? branch2 : branch1;
    const otherBranch = forBranch2 ? branch1 : branch2;
    const readIntoRequest = new ReadRequest((chunk) => {
      queueMicrotaskSafe(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!otherCanceled) {
          let clonedChunk;
          try {
            clonedChunk = cloneAsUint8Array(chunk);
          } catch (cloneError) {
            readableByteStreamControllerError(byobBranch.controller, cloneError);
            readableByteStreamControllerError(otherBranch.controller, cloneError);
            resolveWithPromise(cancelPromise, readableStreamCancel(stream, cloneError));
            return;
          }
          if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
          readableByteStreamControllerEnqueue(otherBranch.controller, clonedChunk, true);
        } else if (!byobCanceled) {
          readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
        }
        continueReading();
      });
    }, (chunk) => {
      reading = false;
      const byobCanceled = forBranch2 ? canceled2 : canceled1;
      const otherCanceled = forBranch2 ? canceled1 : canceled2;
      if (!byobCanceled) readableByteStreamControllerClose(byobBranch.controller);
      if (!otherCanceled) readableByteStreamControllerClose(otherBranch.controller);
      if (chunk !== undefined) {
        if (!byobCanceled) readableByteStreamControllerRespondWithNewView(byobBranch.controller, chunk);
        if (!otherCanceled && otherBranch.controller.pendingPullIntos.length > 0) {
          readableByteStreamControllerRespond(otherBranch.controller, 0);
        }
      }
      if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
    }, () => {
      reading = false;
    });
    readableStreamBYOBReaderRead(reader, view, 1, readIntoRequest);
  }

  function pull1Algorithm() {
    if (reading) {
      readAgainForBranch1 = true;
      return promiseResolvedWith(undefined);
    }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch1.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest.view, false);
    return promiseResolvedWith(undefined);
  }

  function pull2Algorithm() {
    if (reading) {
      readAgainForBranch2 = true;
      return promiseResolvedWith(undefined);
    }
    reading = true;
    const byobRequest = readableByteStreamControllerGetBYOBRequest(branch2.controller);
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequest.view, true);
    return promiseResolvedWith(undefined);
  }

  function cancel1Algorithm(reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) resolveWithPromise(cancelPromise, readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }

  function cancel2Algorithm(reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) resolveWithPromise(cancelPromise, readableStreamCancel(stream, [reason1, reason2]));
    return cancelPromise.promise;
  }

  branch1 = createReadableByteStream(noop, pull1Algorithm, cancel1Algorithm);
  branch2 = createReadableByteStream(noop, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// --- ReadableStream.from (https://streams.spec.whatwg.org/#readable-stream-from-iterable) ---

// https://tc39.es/ecma262/#sec-getiterator with kind async: the iterator and its next method; a
// sync iterator is wrapped as CreateAsyncFromSyncIterator does.
function getAsyncIterator(object, prefix) {
  let method = object === null || object === undefined ? undefined : object[SymbolAsyncIterator];
  if (method === null) method = undefined;
  if (method === undefined) {
    let syncMethod = object === null || object === undefined ? undefined : object[SymbolIterator];
    if (syncMethod === null) syncMethod = undefined;
    if (syncMethod === undefined) {
      throw new TypeError(`${prefix}: The provided value is not async iterable or iterable.`);
    }
    if (typeof syncMethod !== "function") throw new TypeError(`${prefix}: Symbol.iterator is not a function.`);
    const syncIterator = ReflectApply(syncMethod, object, []);
    if (!isObject(syncIterator)) throw new TypeError(`${prefix}: The iterator is not an object.`);
    return asyncFromSyncIterator(syncIterator, syncIterator.next);
  }
  if (typeof method !== "function") throw new TypeError(`${prefix}: Symbol.asyncIterator is not a function.`);
  const iterator = ReflectApply(method, object, []);
  if (!isObject(iterator)) throw new TypeError(`${prefix}: The async iterator is not an object.`);
  return { __proto__: null, iterator, next: iterator.next, sync: false };
}

function asyncFromSyncIterator(syncIterator, syncNext) {
  return { __proto__: null, iterator: syncIterator, next: syncNext, sync: true };
}

// https://tc39.es/ecma262/#sec-asyncfromsynciteratorcontinuation: a sync iterator result with
// its value awaited. When the value is a rejected promise and the iterator is not done, the
// iterator is closed (closeOnRejection, for next()) before the rejection goes on.
async function asyncFromSyncContinuation(result, syncIterator = undefined) {
  const done = !!result.done;
  let value;
  try {
    value = await result.value;
  } catch (error) {
    if (!done && syncIterator !== undefined) {
      try {
        const returnMethod = syncIterator.return;
        if (returnMethod !== undefined && returnMethod !== null) ReflectApply(returnMethod, syncIterator, []);
      } catch {
        // IteratorClose with a throw completion: the original error wins.
      }
    }
    throw error;
  }
  return { __proto__: null, done, value };
}

function readableStreamFromIterable(asyncIterable) {
  const prefix = "Failed to execute 'from' on 'ReadableStream'";
  const record = getAsyncIterator(asyncIterable, prefix);
  let stream;

  function pullAlgorithm() {
    let nextResult;
    try {
      nextResult = ReflectApply(record.next, record.iterator, []);
    } catch (error) {
      return promiseRejectedWith(error);
    }
    if (record.sync) {
      if (!isObject(nextResult)) return promiseRejectedWith(new TypeError(`${prefix}: The iterator result is not an object.`));
      const continuation = asyncFromSyncContinuation(nextResult, record.iterator);
      return transformPromiseWith(continuation, (iterResult) => {
        if (iterResult.done) readableStreamDefaultControllerClose(stream.controller);
        else readableStreamDefaultControllerEnqueue(stream.controller, iterResult.value);
      });
    }
    return transformPromiseWith(promiseResolvedWith(nextResult), (iterResult) => {
      if (!isObject(iterResult)) throw new TypeError(`${prefix}: The iterator result is not an object.`);
      const done = iterResult.done;
      if (done) {
        readableStreamDefaultControllerClose(stream.controller);
      } else {
        const value = iterResult.value;
        readableStreamDefaultControllerEnqueue(stream.controller, value);
      }
    });
  }

  function cancelAlgorithm(reason) {
    const iterator = record.iterator;
    let returnMethod;
    try {
      returnMethod = iterator.return;
      if (returnMethod === null) returnMethod = undefined;
      if (returnMethod !== undefined && typeof returnMethod !== "function") {
        throw new TypeError(`${prefix}: The iterator's return is not a function.`);
      }
    } catch (error) {
      return promiseRejectedWith(error);
    }
    if (returnMethod === undefined) return promiseResolvedWith(undefined);
    let returnResult;
    try {
      returnResult = ReflectApply(returnMethod, iterator, [reason]);
    } catch (error) {
      return promiseRejectedWith(error);
    }
    if (record.sync) {
      if (!isObject(returnResult)) {
        return promiseRejectedWith(new TypeError(`${prefix}: The iterator's return result is not an object.`));
      }
      return transformPromiseWith(asyncFromSyncContinuation(returnResult), noop);
    }
    return transformPromiseWith(promiseResolvedWith(returnResult), (iterResult) => {
      if (!isObject(iterResult)) throw new TypeError(`${prefix}: The iterator's return result is not an object.`);
    });
  }

  stream = createReadableStream(noop, pullAlgorithm, cancelAlgorithm, 0);
  return stream;
}

// --- the public interfaces ---

// https://streams.spec.whatwg.org/#dictdef-underlyingsource (members in lexicographic order)
function toUnderlyingSource(value, prefix) {
  const result = {
    __proto__: null,
    autoAllocateChunkSize: undefined,
    cancel: undefined,
    pull: undefined,
    start: undefined,
    type: undefined,
  };
  if (value === null) return result;
  const autoAllocateChunkSize = value.autoAllocateChunkSize;
  if (autoAllocateChunkSize !== undefined) {
    result.autoAllocateChunkSize = toEnforcedUnsignedLongLong(autoAllocateChunkSize, prefix,
      "autoAllocateChunkSize");
  }
  const cancel = value.cancel;
  if (cancel !== undefined) result.cancel = toCallback(cancel, prefix, "The underlying source's cancel");
  const pull = value.pull;
  if (pull !== undefined) result.pull = toCallback(pull, prefix, "The underlying source's pull");
  const start = value.start;
  if (start !== undefined) result.start = toCallback(start, prefix, "The underlying source's start");
  const type = value.type;
  if (type !== undefined) result.type = toEnum(type, ["bytes"], "ReadableStreamType", prefix);
  return result;
}

// https://streams.spec.whatwg.org/#dictdef-readablestreamiteratoroptions and the ...Options
// dictionaries that hold only booleans.
function toBooleanMember(dictionary, name) {
  return dictionary === null ? false : !!dictionary[name];
}

ReadableStream = class ReadableStream {
  #slots;

  // https://streams.spec.whatwg.org/#rs-constructor
  constructor(underlyingSource = undefined, strategy = undefined) {
    if (underlyingSource === kInternal) {
      this.#slots = arguments[1];
      return;
    }
    const prefix = "Failed to construct 'ReadableStream'";
    if (underlyingSource !== undefined && !isObject(underlyingSource)) {
      throw new TypeError(`${prefix}: parameter 1 is not an object.`);
    }
    const strategyDict = toQueuingStrategy(strategy, prefix);
    const source = underlyingSource === undefined ? null : underlyingSource;
    const underlyingSourceDict = toUnderlyingSource(source, prefix);
    const stream = new ReadableStreamSlots();
    stream.wrapper = this;
    this.#slots = stream;
    if (underlyingSourceDict.type === "bytes") {
      if (strategyDict.size !== undefined) {
        throw new RangeError(`${prefix}: The strategy for a byte stream cannot have a size function.`);
      }
      const highWaterMark = extractHighWaterMark(strategyDict, 0);
      setUpReadableByteStreamControllerFromUnderlyingSource(stream, source, underlyingSourceDict, highWaterMark);
    } else {
      const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
      const highWaterMark = extractHighWaterMark(strategyDict, 1);
      setUpReadableStreamDefaultControllerFromUnderlyingSource(stream, source, underlyingSourceDict,
        highWaterMark, sizeAlgorithm);
    }
  }

  static {
    isReadableStreamObject = (value) => isObject(value) && #slots in value;
    streamSlots = (value) => value.#slots;
  }

  // https://streams.spec.whatwg.org/#rs-from
  static from(asyncIterable) {
    return streamWrapper(readableStreamFromIterable(asyncIterable));
  }

  get locked() {
    return isReadableStreamLocked(checkStream(this));
  }

  // https://streams.spec.whatwg.org/#rs-cancel
  cancel(reason = undefined) {
    if (!isReadableStreamObject(this)) return promiseRejectedWith(illegalInvocation());
    const stream = this.#slots;
    if (isReadableStreamLocked(stream)) {
      return promiseRejectedWith(new TypeError("Failed to execute 'cancel' on 'ReadableStream': Cannot cancel a locked stream."));
    }
    return readableStreamCancel(stream, reason);
  }

  // https://streams.spec.whatwg.org/#rs-get-reader
  getReader(options = undefined) {
    const stream = checkStream(this);
    const prefix = "Failed to execute 'getReader' on 'ReadableStream'";
    const dictionary = toDictionary(options, prefix, "Argument 1");
    const modeValue = dictionary === null ? undefined : dictionary.mode;
    const mode = modeValue === undefined ? undefined : toEnum(modeValue, ["byob"], "ReadableStreamReaderMode", prefix);
    if (mode === undefined) return defaultReaderWrapper(acquireReadableStreamDefaultReader(stream));
    return byobReaderWrapper(acquireReadableStreamBYOBReader(stream));
  }

  // https://streams.spec.whatwg.org/#rs-pipe-through
  pipeThrough(transform, options = undefined) {
    const stream = checkStream(this);
    return S.pipeThrough(stream, transform, options);
  }

  // https://streams.spec.whatwg.org/#rs-pipe-to
  pipeTo(destination, options = undefined) {
    if (!isReadableStreamObject(this)) return promiseRejectedWith(illegalInvocation());
    return S.pipeToMethod(this.#slots, destination, options);
  }

  // https://streams.spec.whatwg.org/#rs-tee
  tee() {
    const branches = readableStreamTee(checkStream(this), false);
    return [streamWrapper(branches[0]), streamWrapper(branches[1])];
  }

  // https://streams.spec.whatwg.org/#rs-asynciterator
  values(options = undefined) {
    const stream = checkStream(this);
    const prefix = "Failed to execute 'values' on 'ReadableStream'";
    const dictionary = toDictionary(options, prefix, "Argument 1");
    const preventCancel = toBooleanMember(dictionary, "preventCancel");
    const reader = acquireReadableStreamDefaultReader(stream);
    return createAsyncIterator(reader, preventCancel);
  }
};

function checkStream(value) {
  if (!isReadableStreamObject(value)) throw illegalInvocation();
  return streamSlots(value);
}

// https://webidl.spec.whatwg.org/#es-asynchronous-iterable: values and @@asyncIterator are the
// same function.
ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
  __proto__: null,
  value: ReadableStream.prototype.values,
  writable: true,
  enumerable: false,
  configurable: true,
});

// --- async iterator (https://streams.spec.whatwg.org/#rs-asynciterator,
// https://webidl.spec.whatwg.org/#es-asynchronous-iterator-prototype-object) ---

const AsyncIteratorPrototype = ObjectGetPrototypeOf(AsyncGeneratorFunctionPrototype.prototype);

class AsyncIteratorSlots {
  reader;
  preventCancel;
  ongoingPromise = null;
  isFinished = false;
  constructor(reader, preventCancel) {
    this.reader = reader;
    this.preventCancel = preventCancel;
  }
}

let isAsyncIterator;
let asyncIteratorSlots;

class ReadableStreamAsyncIterator {
  #slots;

  constructor(slots) {
    this.#slots = slots;
  }

  static {
    isAsyncIterator = (value) => isObject(value) && #slots in value;
    asyncIteratorSlots = (value) => value.#slots;
  }
}

function createAsyncIterator(reader, preventCancel) {
  return new ReadableStreamAsyncIterator(new AsyncIteratorSlots(reader, preventCancel));
}

function iterResult(value, done) {
  return { value, done };
}

// https://streams.spec.whatwg.org/#ref-for-dfn-get-the-next-iteration-result: a promise of a
// null-prototype { value, done } record (nextSteps makes the iterator result from it).
function asyncIteratorGetNext(slots) {
  const reader = slots.reader;
  const deferred = new Deferred();
  const readRequest = new ReadRequest((chunk) => {
    deferred.resolve({ __proto__: null, value: chunk, done: false });
  }, () => {
    readableStreamDefaultReaderRelease(reader);
    deferred.resolve({ __proto__: null, value: undefined, done: true });
  }, (e) => {
    readableStreamDefaultReaderRelease(reader);
    deferred.reject(e);
  });
  readableStreamDefaultReaderRead(reader, readRequest);
  return deferred.promise;
}

// https://streams.spec.whatwg.org/#ref-for-asynchronous-iterator-return
function asyncIteratorReturnSteps(slots, arg) {
  const reader = slots.reader;
  if (!slots.preventCancel) {
    const result = readableStreamReaderGenericCancel(reader, arg);
    readableStreamDefaultReaderRelease(reader);
    return result;
  }
  readableStreamDefaultReaderRelease(reader);
  return promiseResolvedWith(undefined);
}

function nextSteps(slots) {
  if (slots.isFinished) return promiseResolvedWith(iterResult(undefined, true));
  if (slots.reader.stream === undefined) {
    return promiseRejectedWith(new TypeError("Cannot get the next iteration result once the reader has been released."));
  }
  return transformPromiseToValue(asyncIteratorGetNext(slots), (next) => {
    slots.ongoingPromise = null;
    if (next.done) slots.isFinished = true;
    return iterResult(next.value, next.done);
  }, (reason) => {
    slots.ongoingPromise = null;
    slots.isFinished = true;
    throw reason;
  });
}

function returnSteps(slots, value) {
  if (slots.isFinished) return promiseResolvedWith(iterResult(value, true));
  slots.isFinished = true;
  if (slots.reader.stream === undefined) {
    return promiseRejectedWith(new TypeError("Cannot finish iterating once the reader has been released."));
  }
  return asyncIteratorReturnSteps(slots, value);
}

const asyncIteratorMembers = {
  next() {
    if (!isAsyncIterator(this)) return promiseRejectedWith(illegalInvocation());
    const slots = asyncIteratorSlots(this);
    const ongoing = slots.ongoingPromise;
    slots.ongoingPromise = ongoing === null
      ? nextSteps(slots)
      : transformPromiseWith(ongoing, () => nextSteps(slots), () => nextSteps(slots));
    return slots.ongoingPromise;
  },
  return(value = undefined) {
    if (!isAsyncIterator(this)) return promiseRejectedWith(illegalInvocation());
    const slots = asyncIteratorSlots(this);
    const ongoing = slots.ongoingPromise;
    slots.ongoingPromise = ongoing === null
      ? returnSteps(slots, value)
      : transformPromiseWith(ongoing, () => returnSteps(slots, value), () => returnSteps(slots, value));
    return transformPromiseToValue(slots.ongoingPromise, () => iterResult(value, true), (reason) => {
      throw reason;
    });
  },
};

{
  const prototype = ReadableStreamAsyncIterator.prototype;
  ObjectSetPrototypeOf(prototype, AsyncIteratorPrototype);
  const names = ["next", "return"];
  for (let i = 0; i < names.length; i++) {
    ObjectDefineProperty(prototype, names[i], {
      __proto__: null,
      value: asyncIteratorMembers[names[i]],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  ObjectDefineProperty(prototype, SymbolToStringTag, {
    __proto__: null,
    value: "ReadableStream AsyncIterator",
    writable: false,
    enumerable: false,
    configurable: true,
  });
  // The prototype's `constructor` is not part of the Web IDL object.
  delete prototype.constructor;
}

// --- ReadableStreamDefaultReader (https://streams.spec.whatwg.org/#default-reader-class) ---

let isDefaultReader;
let defaultReaderSlots;

class ReadableStreamDefaultReader {
  #slots;

  constructor(stream) {
    if (stream === kInternal) {
      this.#slots = arguments[1];
      return;
    }
    const prefix = "Failed to construct 'ReadableStreamDefaultReader'";
    if (!isReadableStreamObject(stream)) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'ReadableStream'.`);
    }
    const reader = new DefaultReaderSlots();
    setUpReadableStreamDefaultReader(reader, streamSlots(stream));
    reader.wrapper = this;
    this.#slots = reader;
  }

  static {
    isDefaultReader = (value) => isObject(value) && #slots in value;
    defaultReaderSlots = (value) => value.#slots;
  }

  get closed() {
    if (!isDefaultReader(this)) return promiseRejectedWith(illegalInvocation());
    return this.#slots.closed.promise;
  }

  // https://streams.spec.whatwg.org/#generic-reader-cancel
  cancel(reason = undefined) {
    if (!isDefaultReader(this)) return promiseRejectedWith(illegalInvocation());
    const reader = this.#slots;
    if (reader.stream === undefined) {
      return promiseRejectedWith(new TypeError("Failed to execute 'cancel' on 'ReadableStreamDefaultReader': This readable stream reader has been released and cannot be used to cancel its previous owner stream."));
    }
    return readableStreamReaderGenericCancel(reader, reason);
  }

  // https://streams.spec.whatwg.org/#default-reader-read
  read() {
    if (!isDefaultReader(this)) return promiseRejectedWith(illegalInvocation());
    const reader = this.#slots;
    if (reader.stream === undefined) {
      return promiseRejectedWith(new TypeError("Failed to execute 'read' on 'ReadableStreamDefaultReader': This readable stream reader has been released and cannot be used to read from its previous owner stream."));
    }
    const deferred = new Deferred();
    readableStreamDefaultReaderRead(reader, new ReadRequest((chunk) => {
      deferred.resolve(iterResult(chunk, false));
    }, () => {
      deferred.resolve(iterResult(undefined, true));
    }, (e) => {
      deferred.reject(e);
    }));
    return deferred.promise;
  }

  // https://streams.spec.whatwg.org/#default-reader-release-lock
  releaseLock() {
    if (!isDefaultReader(this)) throw illegalInvocation();
    const reader = this.#slots;
    if (reader.stream === undefined) return;
    readableStreamDefaultReaderRelease(reader);
  }
}

function defaultReaderWrapper(reader) {
  if (reader.wrapper === undefined) reader.wrapper = new ReadableStreamDefaultReader(kInternal, reader);
  return reader.wrapper;
}

// --- ReadableStreamBYOBReader (https://streams.spec.whatwg.org/#byob-reader-class) ---

let isBYOBReader;

class ReadableStreamBYOBReader {
  #slots;

  constructor(stream) {
    if (stream === kInternal) {
      this.#slots = arguments[1];
      return;
    }
    const prefix = "Failed to construct 'ReadableStreamBYOBReader'";
    if (!isReadableStreamObject(stream)) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'ReadableStream'.`);
    }
    const reader = new BYOBReaderSlots();
    setUpReadableStreamBYOBReader(reader, streamSlots(stream));
    reader.wrapper = this;
    this.#slots = reader;
  }

  static {
    isBYOBReader = (value) => isObject(value) && #slots in value;
  }

  get closed() {
    if (!isBYOBReader(this)) return promiseRejectedWith(illegalInvocation());
    return this.#slots.closed.promise;
  }

  cancel(reason = undefined) {
    if (!isBYOBReader(this)) return promiseRejectedWith(illegalInvocation());
    const reader = this.#slots;
    if (reader.stream === undefined) {
      return promiseRejectedWith(new TypeError("Failed to execute 'cancel' on 'ReadableStreamBYOBReader': This readable stream reader has been released and cannot be used to cancel its previous owner stream."));
    }
    return readableStreamReaderGenericCancel(reader, reason);
  }

  // https://streams.spec.whatwg.org/#byob-reader-read
  read(view, options = undefined) {
    if (!isBYOBReader(this)) return promiseRejectedWith(illegalInvocation());
    const prefix = "Failed to execute 'read' on 'ReadableStreamBYOBReader'";
    if (!isArrayBufferViewValue(view) || isSharedArrayBuffer(viewBuffer(view))) {
      return promiseRejectedWith(new TypeError(`${prefix}: parameter 1 is not of type 'ArrayBufferView'.`));
    }
    let min = 1;
    try {
      const dictionary = toDictionary(options, prefix, "Argument 2");
      const minValue = dictionary === null ? undefined : dictionary.min;
      if (minValue !== undefined) min = toEnforcedUnsignedLongLong(minValue, prefix, "min");
    } catch (error) {
      return promiseRejectedWith(error);
    }
    if (viewByteLength(view) === 0) {
      return promiseRejectedWith(new TypeError(`${prefix}: This readable stream reader cannot be used to read as the view has byte length equal to 0.`));
    }
    const buffer = viewBuffer(view);
    if (ArrayBufferPrototypeGetByteLengthSafe(buffer) === 0) {
      return promiseRejectedWith(new TypeError(`${prefix}: This readable stream reader cannot be used to read as the viewed array buffer is detached or has byte length 0.`));
    }
    if (min === 0) return promiseRejectedWith(new TypeError(`${prefix}: options.min must be greater than 0.`));
    const elementLength = viewByteLength(view) / viewKind(view)[1];
    if (min > elementLength) {
      return promiseRejectedWith(new RangeError(`${prefix}: options.min must be at most the view's length.`));
    }
    const reader = this.#slots;
    if (reader.stream === undefined) {
      return promiseRejectedWith(new TypeError(`${prefix}: This readable stream reader has been released and cannot be used to read from its previous owner stream.`));
    }
    const deferred = new Deferred();
    readableStreamBYOBReaderRead(reader, view, min, new ReadRequest((chunk) => {
      deferred.resolve(iterResult(chunk, false));
    }, (chunk) => {
      deferred.resolve(iterResult(chunk, true));
    }, (e) => {
      deferred.reject(e);
    }));
    return deferred.promise;
  }

  releaseLock() {
    if (!isBYOBReader(this)) throw illegalInvocation();
    const reader = this.#slots;
    if (reader.stream === undefined) return;
    readableStreamBYOBReaderRelease(reader);
  }
}

function byobReaderWrapper(reader) {
  if (reader.wrapper === undefined) reader.wrapper = new ReadableStreamBYOBReader(kInternal, reader);
  return reader.wrapper;
}

// --- ReadableStreamDefaultController (https://streams.spec.whatwg.org/#rs-default-controller-class) ---

let isDefaultController;

class ReadableStreamDefaultController {
  #slots;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    this.#slots = arguments[1];
  }

  static {
    isDefaultController = (value) => isObject(value) && #slots in value;
  }

  get desiredSize() {
    if (!isDefaultController(this)) throw illegalInvocation();
    return readableStreamDefaultControllerGetDesiredSize(this.#slots);
  }

  close() {
    if (!isDefaultController(this)) throw illegalInvocation();
    const controller = this.#slots;
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) {
      throw new TypeError("Failed to execute 'close' on 'ReadableStreamDefaultController': The stream is not in a state that permits close.");
    }
    readableStreamDefaultControllerClose(controller);
  }

  enqueue(chunk = undefined) {
    if (!isDefaultController(this)) throw illegalInvocation();
    const controller = this.#slots;
    if (!readableStreamDefaultControllerCanCloseOrEnqueue(controller)) {
      throw new TypeError("Failed to execute 'enqueue' on 'ReadableStreamDefaultController': The stream is not in a state that permits enqueue.");
    }
    readableStreamDefaultControllerEnqueue(controller, chunk);
  }

  error(e = undefined) {
    if (!isDefaultController(this)) throw illegalInvocation();
    readableStreamDefaultControllerError(this.#slots, e);
  }
}

function defaultControllerWrapper(controller) {
  if (controller.wrapper === undefined) {
    controller.wrapper = new ReadableStreamDefaultController(kInternal, controller);
  }
  return controller.wrapper;
}

// --- ReadableByteStreamController (https://streams.spec.whatwg.org/#rbs-controller-class) ---

let isByteController;

class ReadableByteStreamController {
  #slots;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    this.#slots = arguments[1];
  }

  static {
    isByteController = (value) => isObject(value) && #slots in value;
  }

  get byobRequest() {
    if (!isByteController(this)) throw illegalInvocation();
    const request = readableByteStreamControllerGetBYOBRequest(this.#slots);
    return request === null ? null : byobRequestWrapper(request);
  }

  get desiredSize() {
    if (!isByteController(this)) throw illegalInvocation();
    return readableByteStreamControllerGetDesiredSize(this.#slots);
  }

  close() {
    if (!isByteController(this)) throw illegalInvocation();
    const controller = this.#slots;
    const prefix = "Failed to execute 'close' on 'ReadableByteStreamController'";
    if (controller.closeRequested) throw new TypeError(`${prefix}: The stream has already been closed.`);
    if (controller.stream.state !== "readable") {
      throw new TypeError(`${prefix}: The stream is not in the readable state and cannot be closed.`);
    }
    readableByteStreamControllerClose(controller);
  }

  enqueue(chunk) {
    if (!isByteController(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'enqueue' on 'ReadableByteStreamController'";
    if (!isArrayBufferViewValue(chunk) || isSharedArrayBuffer(viewBuffer(chunk))) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'ArrayBufferView'.`);
    }
    byteControllerEnqueueChecked(this.#slots, chunk, prefix);
  }

  error(e = undefined) {
    if (!isByteController(this)) throw illegalInvocation();
    readableByteStreamControllerError(this.#slots, e);
  }
}

// https://streams.spec.whatwg.org/#rbs-controller-enqueue steps 1-4.
function byteControllerEnqueueChecked(controller, chunk, prefix, owned = false) {
  if (viewByteLength(chunk) === 0) throw new TypeError(`${prefix}: chunk is empty.`);
  if (ArrayBufferPrototypeGetByteLengthSafe(viewBuffer(chunk)) === 0) {
    throw new TypeError(`${prefix}: chunk's buffer is detached or empty.`);
  }
  if (controller.closeRequested) throw new TypeError(`${prefix}: The stream is closed or draining.`);
  if (controller.stream.state !== "readable") {
    throw new TypeError(`${prefix}: The stream is not in the readable state and cannot be enqueued to.`);
  }
  readableByteStreamControllerEnqueue(controller, chunk, owned);
}

function byteControllerWrapper(controller) {
  if (controller.wrapper === undefined) {
    controller.wrapper = new ReadableByteStreamController(kInternal, controller);
  }
  return controller.wrapper;
}

// --- ReadableStreamBYOBRequest (https://streams.spec.whatwg.org/#rs-byob-request-class) ---

let isBYOBRequest;

class ReadableStreamBYOBRequest {
  #slots;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    this.#slots = arguments[1];
  }

  static {
    isBYOBRequest = (value) => isObject(value) && #slots in value;
  }

  get view() {
    if (!isBYOBRequest(this)) throw illegalInvocation();
    return this.#slots.view;
  }

  // https://streams.spec.whatwg.org/#rs-byob-request-respond
  respond(bytesWritten) {
    if (!isBYOBRequest(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'respond' on 'ReadableStreamBYOBRequest'";
    if (arguments.length < 1) throw new TypeError(`${prefix}: 1 argument required, but only 0 present.`);
    const written = toEnforcedUnsignedLongLong(bytesWritten, prefix, "bytesWritten");
    const request = this.#slots;
    if (request.controller === undefined) throw new TypeError(`${prefix}: This BYOB request has been invalidated.`);
    if (isDetachedBuffer(viewBuffer(request.view))) {
      throw new TypeError(`${prefix}: The BYOB request's buffer has been detached and so cannot be used as a response.`);
    }
    readableByteStreamControllerRespond(request.controller, written);
  }

  // https://streams.spec.whatwg.org/#rs-byob-request-respond-with-new-view
  respondWithNewView(view) {
    if (!isBYOBRequest(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest'";
    if (!isArrayBufferViewValue(view) || isSharedArrayBuffer(viewBuffer(view))) {
      throw new TypeError(`${prefix}: parameter 1 is not of type 'ArrayBufferView'.`);
    }
    const request = this.#slots;
    if (request.controller === undefined) throw new TypeError(`${prefix}: This BYOB request has been invalidated.`);
    if (isDetachedBuffer(viewBuffer(view))) throw new TypeError(`${prefix}: The given view's buffer has been detached.`);
    readableByteStreamControllerRespondWithNewView(request.controller, view);
  }
}

function byobRequestWrapper(request) {
  if (request.wrapper === undefined) request.wrapper = new ReadableStreamBYOBRequest(kInternal, request);
  return request.wrapper;
}

configureInterface(ReadableStream, "ReadableStream");
configureInterface(ReadableStreamDefaultReader, "ReadableStreamDefaultReader");
configureInterface(ReadableStreamBYOBReader, "ReadableStreamBYOBReader");
configureInterface(ReadableStreamDefaultController, "ReadableStreamDefaultController");
configureInterface(ReadableByteStreamController, "ReadableByteStreamController");
configureInterface(ReadableStreamBYOBRequest, "ReadableStreamBYOBRequest");
installGlobal("ReadableStream", ReadableStream);
installGlobal("ReadableStreamDefaultReader", ReadableStreamDefaultReader);
installGlobal("ReadableStreamBYOBReader", ReadableStreamBYOBReader);
installGlobal("ReadableStreamDefaultController", ReadableStreamDefaultController);
installGlobal("ReadableByteStreamController", ReadableByteStreamController);
installGlobal("ReadableStreamBYOBRequest", ReadableStreamBYOBRequest);

// How console.log shows them (as in Deno).
internals.registerInspector(isReadableStreamObject, (stream) =>
  internals.makeDisplayObject(ReadableStream.prototype, ["locked"], [isReadableStreamLocked(streamSlots(stream))]));

// --- internals.streams: the contract (see the top of this file) ---

function toStreamSlots(stream) {
  if (!isReadableStreamObject(stream)) throw new TypeError("Expected a ReadableStream.");
  return streamSlots(stream);
}

function checkCanEnqueueOrClose(controller) {
  if (controller.closeRequested || controller.stream.state !== "readable") {
    throw new TypeError("The stream is closed, errored or closing and cannot take more chunks.");
  }
}

// Wraps the host's { start, pull, cancel } as the spec's algorithms; `c` is the controller record.
function hostAlgorithms(source, controller) {
  const start = source.start;
  const pull = source.pull;
  const cancel = source.cancel;
  return {
    __proto__: null,
    start: start === undefined ? noop : () => start(controller),
    pull: pull === undefined ? () => promiseResolvedWith(undefined) : () => promiseCall(pull, undefined, [controller]),
    cancel: cancel === undefined
      ? () => promiseResolvedWith(undefined)
      : (reason) => promiseCall(cancel, undefined, [reason]),
  };
}

function hostCreateReadableStream(source, highWaterMark = 1, sizeAlgorithm = sizeOne) {
  const stream = new ReadableStreamSlots();
  const controller = new DefaultControllerSlots();
  const algorithms = hostAlgorithms(source, controller);
  setUpReadableStreamDefaultController(stream, controller, algorithms.start, algorithms.pull,
    algorithms.cancel, highWaterMark, sizeAlgorithm);
  return streamWrapper(stream);
}

function hostCreateReadableByteStream(source, highWaterMark = 0) {
  const stream = new ReadableStreamSlots();
  const controller = new ByteControllerSlots();
  const algorithms = hostAlgorithms(source, controller);
  setUpReadableByteStreamController(stream, controller, algorithms.start, algorithms.pull,
    algorithms.cancel, highWaterMark, undefined);
  return streamWrapper(stream);
}

function controllerEnqueue(controller, chunk) {
  checkCanEnqueueOrClose(controller);
  if (controller.isByte) {
    if (!isArrayBufferViewValue(chunk) || isSharedArrayBuffer(viewBuffer(chunk))) {
      throw new TypeError("A byte stream chunk must be an ArrayBufferView on an ArrayBuffer.");
    }
    byteControllerEnqueueChecked(controller, chunk, "enqueue", true);
  } else {
    readableStreamDefaultControllerEnqueue(controller, chunk);
  }
}

function controllerClose(controller) {
  checkCanEnqueueOrClose(controller);
  if (controller.isByte) {
    readableByteStreamControllerClose(controller);
    // A pending BYOB request is answered with 0 bytes so the reader sees the end.
    if (controller.pendingPullIntos.length > 0 && controller.stream.state === "closed") {
      readableByteStreamControllerRespond(controller, 0);
    }
  } else {
    readableStreamDefaultControllerClose(controller);
  }
}

function controllerError(controller, e) {
  if (controller.isByte) readableByteStreamControllerError(controller, e);
  else readableStreamDefaultControllerError(controller, e);
}

function controllerDesiredSize(controller) {
  return controller.isByte
    ? readableByteStreamControllerGetDesiredSize(controller)
    : readableStreamDefaultControllerGetDesiredSize(controller);
}

function controllerByobView(controller) {
  if (!controller.isByte) return null;
  const request = readableByteStreamControllerGetBYOBRequest(controller);
  return request === null ? null : request.view;
}

function controllerRespond(controller, bytesWritten) {
  const request = controller.byobRequest;
  if (request === null) throw new TypeError("There is no BYOB request to respond to.");
  readableByteStreamControllerRespond(controller, bytesWritten);
}

function acquireReader(stream) {
  return acquireReadableStreamDefaultReader(toStreamSlots(stream));
}

function readerRead(reader) {
  if (reader.stream === undefined) return promiseRejectedWith(new TypeError("The reader has been released."));
  const deferred = new Deferred();
  readableStreamDefaultReaderRead(reader, new ReadRequest((chunk) => {
    deferred.resolve({ __proto__: null, value: chunk, done: false });
  }, () => {
    deferred.resolve({ __proto__: null, value: undefined, done: true });
  }, (e) => {
    deferred.reject(e);
  }));
  return deferred.promise;
}

function readerReleaseLock(reader) {
  if (reader.stream === undefined) return;
  if (reader.isBYOB) readableStreamBYOBReaderRelease(reader);
  else readableStreamDefaultReaderRelease(reader);
}

function readerCancel(reader, reason) {
  if (reader.stream === undefined) return promiseRejectedWith(new TypeError("The reader has been released."));
  return readableStreamReaderGenericCancel(reader, reason);
}

// Reads every chunk of `stream` (which must be unlocked) and returns their concatenation
// (https://fetch.spec.whatwg.org/#body-fully-read). The stream stays locked, as the spec's reader
// is never released; a chunk that is not a Uint8Array cancels the stream and rejects.
function readAllBytes(stream) {
  const reader = acquireReader(stream);
  const chunks = new List();
  let total = 0;
  const deferred = new Deferred();
  function step() {
    readableStreamDefaultReaderRead(reader, new ReadRequest((chunk) => {
      if (!isUint8Array(chunk)) {
        const error = new TypeError("The body stream produced a chunk that is not a Uint8Array.");
        setPromiseIsHandledToTrue(readableStreamReaderGenericCancel(reader, error));
        deferred.reject(error);
        return;
      }
      chunks.push(chunk);
      total += TypedArrayPrototypeGetByteLength(chunk);
      step();
    }, () => {
      deferred.resolve(concatList(chunks, total));
    }, deferred.reject));
  }
  step();
  return deferred.promise;
}

function concatList(chunks, total) {
  if (chunks.length === 1) return chunks.shift();
  const out = new Uint8Array(total);
  let offset = 0;
  while (chunks.length > 0) {
    const chunk = chunks.shift();
    TypedArrayPrototypeSet(out, chunk, offset);
    offset += TypedArrayPrototypeGetByteLength(chunk);
  }
  return out;
}

// A byte stream that yields the given Uint8Arrays then closes, one per pull. Without `copy` the
// chunks are given away (their buffers are transferred, as enqueue does: the caller must own
// them, and the list is cleared as it goes); with `copy` each chunk is copied when it is pulled
// and the list is left alone (it may be frozen, like a BlobData's).
function readableStreamFromChunks(list, copy = false) {
  let index = 0;
  const stream = new ReadableStreamSlots();
  const controller = new ByteControllerSlots();
  const pull = () => {
    while (index < list.length && TypedArrayPrototypeGetByteLength(list[index]) === 0) index++;
    if (index < list.length) {
      let chunk = list[index];
      if (copy) chunk = cloneAsUint8Array(chunk);
      else list[index] = undefined;
      index++;
      readableByteStreamControllerEnqueue(controller, chunk, true);
    }
    if (index >= list.length && !controller.closeRequested && stream.state === "readable") {
      controllerClose(controller);
    }
    return promiseResolvedWith(undefined);
  };
  setUpReadableByteStreamController(stream, controller, noop, pull,
    () => promiseResolvedWith(undefined), 0, undefined);
  return streamWrapper(stream);
}

function readableStreamFromBytes(bytes) {
  return readableStreamFromChunks([bytes]);
}

function teeStream(stream) {
  const branches = readableStreamTee(toStreamSlots(stream), false);
  return [streamWrapper(branches[0]), streamWrapper(branches[1])];
}

// For the other stream files and 22_body.js.
S.ReadableStreamSlots = ReadableStreamSlots;
S.acquireReadableStreamDefaultReader = acquireReadableStreamDefaultReader;
S.createReadableStream = createReadableStream;
S.createReadableByteStream = createReadableByteStream;
S.isReadableStreamLocked = isReadableStreamLocked;
S.isReadableStreamObject = isReadableStreamObject;
S.ReadRequest = ReadRequest;
S.readableStreamCancel = readableStreamCancel;
S.readableStreamDefaultReaderRead = readableStreamDefaultReaderRead;
S.readableStreamDefaultReaderRelease = readableStreamDefaultReaderRelease;
S.readableStreamDefaultControllerClose = readableStreamDefaultControllerClose;
S.readableStreamDefaultControllerEnqueue = readableStreamDefaultControllerEnqueue;
S.readableStreamDefaultControllerError = readableStreamDefaultControllerError;
S.readableStreamDefaultControllerGetDesiredSize = readableStreamDefaultControllerGetDesiredSize;
S.readableStreamDefaultControllerHasBackpressure = readableStreamDefaultControllerHasBackpressure;
S.readableStreamDefaultControllerCanCloseOrEnqueue = readableStreamDefaultControllerCanCloseOrEnqueue;
S.readableStreamReaderGenericRelease = readableStreamReaderGenericRelease;
S.streamSlots = streamSlots;
S.streamWrapper = streamWrapper;
S.toDictionaryBoolean = toBooleanMember;

internals.streams = {
  __proto__: null,
  acquireReader,
  cancelStream: (stream, reason) => readableStreamCancel(toStreamSlots(stream), reason),
  controllerByobView,
  controllerClose,
  controllerDesiredSize,
  controllerEnqueue,
  controllerError,
  controllerRespond,
  createReadableByteStream: hostCreateReadableByteStream,
  createReadableStream: hostCreateReadableStream,
  isClosed: (stream) => toStreamSlots(stream).state === "closed",
  isDisturbed: (stream) => toStreamSlots(stream).disturbed,
  isErrored: (stream) => toStreamSlots(stream).state === "errored",
  isLocked: (stream) => isReadableStreamLocked(toStreamSlots(stream)),
  isReadableStream: isReadableStreamObject,
  markHandled: setPromiseIsHandledToTrue,
  readAllBytes,
  readableStreamFromBytes,
  readableStreamFromChunks,
  readerCancel,
  readerClosed: (reader) => reader.closed.promise,
  readerRead,
  readerReleaseLock,
  storedError: (stream) => toStreamSlots(stream).storedError,
  tee: teeStream,
};
