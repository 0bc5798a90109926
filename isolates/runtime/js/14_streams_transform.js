// TransformStream and TransformStreamDefaultController (https://streams.spec.whatwg.org/#ts).
//
// Built from a writable stream and a readable stream made with the records of
// 14_streams_readable.js and 14_streams_writable.js (this file loads before the writable one: it
// looks the writable operations up in internals.streamsImpl when a stream is constructed).
//
// Contract additions to `internals.streams`:
//   createTransformStream({ start, transform, flush, cancel }, writableHighWaterMark = 1,
//       readableHighWaterMark = 0) -> TransformStream. transform(chunk, c), flush(c), start(c)
//       get an opaque controller handle `c`; cancel(reason) runs when either side is cancelled
//       or aborted. transform/flush/cancel may return promises; a throw errors both sides.
//   transformEnqueue(c, chunk)   (TypeError once the readable side cannot take chunks)
//   transformError(c, e), transformTerminate(c), transformDesiredSize(c) -> number | null
//   isTransformStream(x), transformReadable(ts) -> ReadableStream, transformWritable(ts) -> WritableStream

const { RangeError, ReflectApply, TypeError } = primordials;
const { configureInterface, illegalInvocation, installGlobal, isObject } = internals.webidl;
const S = internals.streamsImpl;
const {
  Deferred,
  extractHighWaterMark,
  extractSizeAlgorithm,
  noop,
  promiseCall,
  promiseRejectedWith,
  promiseResolvedWith,
  resolveWithPromise,
  toCallback,
  toQueuingStrategy,
  transformPromiseWith,
  uponPromise,
} = S;
const {
  createReadableStream,
  readableStreamDefaultControllerCanCloseOrEnqueue,
  readableStreamDefaultControllerClose,
  readableStreamDefaultControllerEnqueue,
  readableStreamDefaultControllerError,
  readableStreamDefaultControllerGetDesiredSize,
  readableStreamDefaultControllerHasBackpressure,
  streamWrapper,
} = S;

const kInternal = { __proto__: null };

class TransformStreamSlots {
  backpressure = undefined;
  backpressureChangePromise = undefined; // Deferred
  controller = undefined;
  readable = undefined; // ReadableStreamSlots
  writable = undefined; // WritableStreamSlots
  wrapper = undefined;
}

class TransformControllerSlots {
  stream = undefined;
  transformAlgorithm = undefined;
  flushAlgorithm = undefined;
  cancelAlgorithm = undefined;
  finishPromise = undefined; // Deferred
  wrapper = undefined;
}

// https://streams.spec.whatwg.org/#initialize-transform-stream
function initializeTransformStream(stream, startPromise, writableHighWaterMark, writableSizeAlgorithm,
  readableHighWaterMark, readableSizeAlgorithm) {
  const startAlgorithm = () => startPromise;
  stream.writable = S.createWritableStream(startAlgorithm,
    (chunk) => transformStreamDefaultSinkWriteAlgorithm(stream, chunk),
    () => transformStreamDefaultSinkCloseAlgorithm(stream),
    (reason) => transformStreamDefaultSinkAbortAlgorithm(stream, reason),
    writableHighWaterMark, writableSizeAlgorithm);
  stream.readable = createReadableStream(startAlgorithm,
    () => transformStreamDefaultSourcePullAlgorithm(stream),
    (reason) => transformStreamDefaultSourceCancelAlgorithm(stream, reason),
    readableHighWaterMark, readableSizeAlgorithm);
  stream.backpressure = undefined;
  stream.backpressureChangePromise = undefined;
  transformStreamSetBackpressure(stream, true);
  stream.controller = undefined;
}

function transformStreamError(stream, e) {
  readableStreamDefaultControllerError(stream.readable.controller, e);
  transformStreamErrorWritableAndUnblockWrite(stream, e);
}

function transformStreamErrorWritableAndUnblockWrite(stream, e) {
  transformStreamDefaultControllerClearAlgorithms(stream.controller);
  S.writableStreamDefaultControllerErrorIfNeeded(stream.writable.controller, e);
  transformStreamUnblockWrite(stream);
}

function transformStreamSetBackpressure(stream, backpressure) {
  if (stream.backpressureChangePromise !== undefined) stream.backpressureChangePromise.resolve(undefined);
  stream.backpressureChangePromise = new Deferred();
  stream.backpressure = backpressure;
}

function transformStreamUnblockWrite(stream) {
  if (stream.backpressure) transformStreamSetBackpressure(stream, false);
}

// --- controller operations (https://streams.spec.whatwg.org/#ts-default-controller-abstract-ops) ---

function setUpTransformStreamDefaultController(stream, controller, transformAlgorithm, flushAlgorithm,
  cancelAlgorithm) {
  controller.stream = stream;
  stream.controller = controller;
  controller.transformAlgorithm = transformAlgorithm;
  controller.flushAlgorithm = flushAlgorithm;
  controller.cancelAlgorithm = cancelAlgorithm;
}

function transformStreamDefaultControllerClearAlgorithms(controller) {
  controller.transformAlgorithm = undefined;
  controller.flushAlgorithm = undefined;
  controller.cancelAlgorithm = undefined;
}

function transformStreamDefaultControllerEnqueue(controller, chunk) {
  const stream = controller.stream;
  const readableController = stream.readable.controller;
  if (!readableStreamDefaultControllerCanCloseOrEnqueue(readableController)) {
    throw new TypeError("The transform stream's readable side cannot take more chunks.");
  }
  try {
    readableStreamDefaultControllerEnqueue(readableController, chunk);
  } catch (e) {
    transformStreamErrorWritableAndUnblockWrite(stream, e);
    throw stream.readable.storedError;
  }
  const backpressure = readableStreamDefaultControllerHasBackpressure(readableController);
  if (backpressure !== stream.backpressure) transformStreamSetBackpressure(stream, true);
}

function transformStreamDefaultControllerError(controller, e) {
  transformStreamError(controller.stream, e);
}

function transformStreamDefaultControllerPerformTransform(controller, chunk) {
  const transformPromise = controller.transformAlgorithm(chunk);
  return transformPromiseWith(transformPromise, undefined, (r) => {
    transformStreamError(controller.stream, r);
    throw r;
  });
}

function transformStreamDefaultControllerTerminate(controller) {
  const stream = controller.stream;
  readableStreamDefaultControllerClose(stream.readable.controller);
  transformStreamErrorWritableAndUnblockWrite(stream, new TypeError("The transform stream has been terminated."));
}

// --- sink and source algorithms ---

function transformStreamDefaultSinkWriteAlgorithm(stream, chunk) {
  const controller = stream.controller;
  if (stream.backpressure) {
    return transformPromiseWith(stream.backpressureChangePromise.promise, () => {
      const writable = stream.writable;
      if (writable.state === "erroring") throw writable.storedError;
      return transformStreamDefaultControllerPerformTransform(controller, chunk);
    });
  }
  return transformStreamDefaultControllerPerformTransform(controller, chunk);
}

function transformStreamDefaultSinkAbortAlgorithm(stream, reason) {
  const controller = stream.controller;
  if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
  const readable = stream.readable;
  const finish = new Deferred();
  controller.finishPromise = finish;
  const cancelPromise = controller.cancelAlgorithm(reason);
  transformStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(cancelPromise, () => {
    if (readable.state === "errored") {
      finish.reject(readable.storedError);
    } else {
      readableStreamDefaultControllerError(readable.controller, reason);
      finish.resolve(undefined);
    }
  }, (r) => {
    readableStreamDefaultControllerError(readable.controller, r);
    finish.reject(r);
  });
  return finish.promise;
}

function transformStreamDefaultSinkCloseAlgorithm(stream) {
  const controller = stream.controller;
  if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
  const readable = stream.readable;
  const finish = new Deferred();
  controller.finishPromise = finish;
  const flushPromise = controller.flushAlgorithm();
  transformStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(flushPromise, () => {
    if (readable.state === "errored") {
      finish.reject(readable.storedError);
    } else {
      readableStreamDefaultControllerClose(readable.controller);
      finish.resolve(undefined);
    }
  }, (r) => {
    readableStreamDefaultControllerError(readable.controller, r);
    finish.reject(r);
  });
  return finish.promise;
}

function transformStreamDefaultSourcePullAlgorithm(stream) {
  transformStreamSetBackpressure(stream, false);
  return stream.backpressureChangePromise.promise;
}

function transformStreamDefaultSourceCancelAlgorithm(stream, reason) {
  const controller = stream.controller;
  if (controller.finishPromise !== undefined) return controller.finishPromise.promise;
  const writable = stream.writable;
  const finish = new Deferred();
  controller.finishPromise = finish;
  const cancelPromise = controller.cancelAlgorithm(reason);
  transformStreamDefaultControllerClearAlgorithms(controller);
  uponPromise(cancelPromise, () => {
    if (writable.state === "errored") {
      finish.reject(writable.storedError);
    } else {
      S.writableStreamDefaultControllerErrorIfNeeded(writable.controller, reason);
      transformStreamUnblockWrite(stream);
      finish.resolve(undefined);
    }
  }, (r) => {
    S.writableStreamDefaultControllerErrorIfNeeded(writable.controller, r);
    transformStreamUnblockWrite(stream);
    finish.reject(r);
  });
  return finish.promise;
}

// --- the public interfaces ---

// https://streams.spec.whatwg.org/#dictdef-transformer (lexicographic order)
function toTransformer(value, prefix) {
  const result = {
    __proto__: null,
    cancel: undefined,
    flush: undefined,
    readableType: undefined,
    start: undefined,
    transform: undefined,
    writableType: undefined,
  };
  if (value === null) return result;
  const cancel = value.cancel;
  if (cancel !== undefined) result.cancel = toCallback(cancel, prefix, "The transformer's cancel");
  const flush = value.flush;
  if (flush !== undefined) result.flush = toCallback(flush, prefix, "The transformer's flush");
  result.readableType = value.readableType;
  const start = value.start;
  if (start !== undefined) result.start = toCallback(start, prefix, "The transformer's start");
  const transform = value.transform;
  if (transform !== undefined) result.transform = toCallback(transform, prefix, "The transformer's transform");
  result.writableType = value.writableType;
  return result;
}

let isTransformStream;
let transformSlots;

class TransformStream {
  #slots;

  // https://streams.spec.whatwg.org/#ts-constructor
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    if (transformer === kInternal) {
      this.#slots = arguments[1];
      return;
    }
    const prefix = "Failed to construct 'TransformStream'";
    if (transformer !== undefined && !isObject(transformer)) {
      throw new TypeError(`${prefix}: parameter 1 is not an object.`);
    }
    const writableStrategyDict = toQueuingStrategy(writableStrategy, prefix);
    const readableStrategyDict = toQueuingStrategy(readableStrategy, prefix);
    const source = transformer === undefined ? null : transformer;
    const transformerDict = toTransformer(source, prefix);
    if (transformerDict.readableType !== undefined) throw new RangeError(`${prefix}: Invalid readableType specified.`);
    if (transformerDict.writableType !== undefined) throw new RangeError(`${prefix}: Invalid writableType specified.`);
    const readableHighWaterMark = extractHighWaterMark(readableStrategyDict, 0);
    const readableSizeAlgorithm = extractSizeAlgorithm(readableStrategyDict);
    const writableHighWaterMark = extractHighWaterMark(writableStrategyDict, 1);
    const writableSizeAlgorithm = extractSizeAlgorithm(writableStrategyDict);
    const startPromise = new Deferred();
    const stream = new TransformStreamSlots();
    stream.wrapper = this;
    this.#slots = stream;
    initializeTransformStream(stream, startPromise.promise, writableHighWaterMark, writableSizeAlgorithm,
      readableHighWaterMark, readableSizeAlgorithm);
    const controller = setUpTransformStreamDefaultControllerFromTransformer(stream, source, transformerDict);
    if (transformerDict.start !== undefined) {
      const result = ReflectApply(transformerDict.start, source, [controllerWrapper(controller)]);
      resolveWithPromise(startPromise, promiseResolvedWith(result));
    } else {
      startPromise.resolve(undefined);
    }
  }

  static {
    isTransformStream = (value) => isObject(value) && #slots in value;
    transformSlots = (value) => value.#slots;
  }

  get readable() {
    if (!isTransformStream(this)) throw illegalInvocation();
    return streamWrapper(this.#slots.readable);
  }

  get writable() {
    if (!isTransformStream(this)) throw illegalInvocation();
    return S.writableWrapper(this.#slots.writable);
  }
}

// https://streams.spec.whatwg.org/#set-up-transform-stream-default-controller-from-transformer
function setUpTransformStreamDefaultControllerFromTransformer(stream, transformer, transformerDict) {
  const controller = new TransformControllerSlots();
  const wrapper = controllerWrapper(controller);
  const { cancel, flush, transform } = transformerDict;
  const transformAlgorithm = transform === undefined
    ? (chunk) => {
      try {
        transformStreamDefaultControllerEnqueue(controller, chunk);
        return promiseResolvedWith(undefined);
      } catch (e) {
        return promiseRejectedWith(e);
      }
    }
    : (chunk) => promiseCall(transform, transformer, [chunk, wrapper]);
  const flushAlgorithm = flush === undefined
    ? () => promiseResolvedWith(undefined)
    : () => promiseCall(flush, transformer, [wrapper]);
  const cancelAlgorithm = cancel === undefined
    ? () => promiseResolvedWith(undefined)
    : (reason) => promiseCall(cancel, transformer, [reason]);
  setUpTransformStreamDefaultController(stream, controller, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
  return controller;
}

let isTransformController;

class TransformStreamDefaultController {
  #slots;

  constructor(key = undefined) {
    if (key !== kInternal) throw new TypeError("Illegal constructor");
    this.#slots = arguments[1];
  }

  static {
    isTransformController = (value) => isObject(value) && #slots in value;
  }

  get desiredSize() {
    if (!isTransformController(this)) throw illegalInvocation();
    return readableStreamDefaultControllerGetDesiredSize(this.#slots.stream.readable.controller);
  }

  enqueue(chunk = undefined) {
    if (!isTransformController(this)) throw illegalInvocation();
    transformStreamDefaultControllerEnqueue(this.#slots, chunk);
  }

  error(reason = undefined) {
    if (!isTransformController(this)) throw illegalInvocation();
    transformStreamDefaultControllerError(this.#slots, reason);
  }

  terminate() {
    if (!isTransformController(this)) throw illegalInvocation();
    transformStreamDefaultControllerTerminate(this.#slots);
  }
}

function controllerWrapper(controller) {
  if (controller.wrapper === undefined) {
    controller.wrapper = new TransformStreamDefaultController(kInternal, controller);
  }
  return controller.wrapper;
}

configureInterface(TransformStream, "TransformStream");
configureInterface(TransformStreamDefaultController, "TransformStreamDefaultController");
installGlobal("TransformStream", TransformStream);
installGlobal("TransformStreamDefaultController", TransformStreamDefaultController);

// --- internals.streams additions ---

function hostCreateTransformStream(transformer, writableHighWaterMark = 1, readableHighWaterMark = 0) {
  const stream = new TransformStreamSlots();
  const startPromise = new Deferred();
  initializeTransformStream(stream, startPromise.promise, writableHighWaterMark, S.sizeOne,
    readableHighWaterMark, S.sizeOne);
  const controller = new TransformControllerSlots();
  const { cancel, flush, start, transform } = transformer;
  const transformAlgorithm = transform === undefined
    ? (chunk) => {
      try {
        transformStreamDefaultControllerEnqueue(controller, chunk);
        return promiseResolvedWith(undefined);
      } catch (e) {
        return promiseRejectedWith(e);
      }
    }
    : (chunk) => promiseCall(transform, undefined, [chunk, controller]);
  const flushAlgorithm = flush === undefined
    ? () => promiseResolvedWith(undefined)
    : () => promiseCall(flush, undefined, [controller]);
  const cancelAlgorithm = cancel === undefined
    ? () => promiseResolvedWith(undefined)
    : (reason) => promiseCall(cancel, undefined, [reason]);
  setUpTransformStreamDefaultController(stream, controller, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
  if (start !== undefined) resolveWithPromise(startPromise, promiseCall(start, undefined, [controller]));
  else startPromise.resolve(undefined);
  stream.wrapper = new TransformStream(kInternal, stream);
  return stream.wrapper;
}

const streams = internals.streams;
streams.createTransformStream = hostCreateTransformStream;
streams.transformEnqueue = transformStreamDefaultControllerEnqueue;
streams.transformError = transformStreamDefaultControllerError;
streams.transformTerminate = transformStreamDefaultControllerTerminate;
streams.transformDesiredSize = (controller) =>
  readableStreamDefaultControllerGetDesiredSize(controller.stream.readable.controller);
streams.isTransformStream = isTransformStream;
streams.transformReadable = (ts) => streamWrapper(transformSlots(ts).readable);
streams.transformWritable = (ts) => S.writableWrapper(transformSlots(ts).writable);

S.isTransformStream = isTransformStream;
S.noopTransform = noop;
