// CompressionStream and DecompressionStream (https://compression.spec.whatwg.org/).
//
// Each stream is a TransformStream (internals.streams.createTransformStream, 14_streams_*.js)
// around one native zlib codec (ops.zlib*, isolates/runtime/ops_compression.cc over
// host/zlib_stream.h). The codec's output comes in pieces of at most 64 KB, each enqueued as its
// own Uint8Array (the spec lets the output be split into any non-empty pieces). The codec's
// memory (about 256 KB per compressor, 40 KB per decompressor) counts against the function's
// memory limit; it is freed as soon as the stream ends, errors or is cancelled, and otherwise when
// the garbage collector takes the stream.
//
// Deviations:
// - "brotli" (a later addition to CompressionFormat) is not supported: a TypeError, as the spec
//   says for a format the implementation does not support.
// - Work is done on the function's own thread, inline in transform() and flush() (charged to its
//   CPU time), not in parallel.
// - As the spec's "decompress and enqueue a chunk" says, all the output of a chunk is enqueued
//   at once, whatever the readable side's backpressure: a small chunk that inflates hugely (a
//   decompression bomb) fills the queue until the function's memory limit stops it.
//
// Exports on `internals`: isCompressionStream(x), isDecompressionStream(x).

const { TypeError, TypedArrayPrototypeGetLength } = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isArrayBuffer,
  isArrayBufferView,
  isObject,
  isSharedArrayBuffer,
  requiredArguments,
  toEnum,
  viewBuffer,
} = internals.webidl;
const { createHostObject, HostObjectSlots } = internals;
const streams = internals.streams;

// https://compression.spec.whatwg.org/#enumdef-compressionformat, the ones supported here.
const compressionFormats = ["deflate", "deflate-raw", "gzip"];

// https://webidl.spec.whatwg.org/#BufferSource (no [AllowShared]: shared memory is refused).
function isBufferSource(value) {
  if (isArrayBuffer(value)) return true;
  return isArrayBufferView(value) && !isSharedArrayBuffer(viewBuffer(value));
}

// A stream's format and context (https://compression.spec.whatwg.org/#compressionstream-format):
// the native codec, enqueuing its output into the transform stream's readable side.
class ZlibContext {
  #handle;

  constructor(format, decompress) {
    this.#handle = ops.zlibCreate(format, decompress);
  }

  // Feeds `chunk` (a BufferSource) and enqueues every non-empty piece of output.
  write(chunk, controller) {
    const handle = this.#handle;
    try {
      let output = ops.zlibWrite(handle, chunk);
      for (;;) {
        if (TypedArrayPrototypeGetLength(output) > 0) streams.transformEnqueue(controller, output);
        if (!ops.zlibHasMore(handle)) break;
        output = ops.zlibWrite(handle);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  // Ends the input (the "finish" flag) and enqueues the rest of the output; always frees the codec.
  finish(controller) {
    const handle = this.#handle;
    try {
      let output = ops.zlibFinish(handle);
      for (;;) {
        if (TypedArrayPrototypeGetLength(output) > 0) streams.transformEnqueue(controller, output);
        if (!ops.zlibHasMore(handle)) break;
        output = ops.zlibFinish(handle);
      }
    } finally {
      this.close();
    }
  }

  close() {
    if (this.#handle === null) return;
    ops.zlibClose(this.#handle);
    this.#handle = null;
  }
}

// The transform both interfaces set up (https://streams.spec.whatwg.org/#transformstream-set-up):
// transformAlgorithm, flushAlgorithm, and a cancel that frees the codec.
function createCodecTransform(context, operation) {
  return streams.createTransformStream({
    transform(chunk, controller) {
      // https://compression.spec.whatwg.org/#compress-and-enqueue-a-chunk and
      // https://compression.spec.whatwg.org/#decompress-and-enqueue-a-chunk
      // 1. If chunk is not a BufferSource type, then throw a TypeError.
      if (!isBufferSource(chunk)) {
        context.close();
        throw new TypeError(`Failed to ${operation}: the chunk is not an ArrayBuffer or ArrayBufferView.`);
      }
      // 2-5. (De)compress chunk (a corrupt input or bytes after the end of the compressed stream
      // throw a TypeError) and enqueue the output, split into non-empty Uint8Arrays.
      context.write(chunk, controller);
    },
    flush(controller) {
      // https://compression.spec.whatwg.org/#compress-flush-and-enqueue and
      // https://compression.spec.whatwg.org/#decompress-flush-and-enqueue: finish, and (for
      // decompression) throw a TypeError if the end of the compressed input was not reached.
      context.finish(controller);
    },
    cancel() {
      context.close();
    },
  });
}

let CompressionStream;
let isCompressionStream;

class CompressionStreamSlots extends HostObjectSlots {
  #transform;

  constructor(object) {
    super(object);
  }

  static {
    isCompressionStream = (value) => isObject(value) && #transform in value;

    CompressionStream = class CompressionStream {
      // https://compression.spec.whatwg.org/#dom-compressionstream-compressionstream
      constructor(format) {
        const prefix = "Failed to construct 'CompressionStream'";
        requiredArguments(arguments.length, 1, prefix);
        // 1. If format is unsupported in CompressionStream, then throw a TypeError.
        const name = toEnum(format, compressionFormats, "CompressionFormat", prefix);
        const self = new CompressionStreamSlots(createHostObject(new.target));
        // 2. Set this's format to format (held by the context, with the codec).
        const context = new ZlibContext(name, false);
        // 3-6. Set this's transform to a new TransformStream, set up with the compress
        // algorithms.
        self.#transform = createCodecTransform(context, "compress");
        return self;
      }

      // https://streams.spec.whatwg.org/#dom-generictransformstream-readable
      get readable() {
        if (!isCompressionStream(this)) throw illegalInvocation();
        return streams.transformReadable(this.#transform);
      }

      // https://streams.spec.whatwg.org/#dom-generictransformstream-writable
      get writable() {
        if (!isCompressionStream(this)) throw illegalInvocation();
        return streams.transformWritable(this.#transform);
      }
    };
  }
}

let DecompressionStream;
let isDecompressionStream;

class DecompressionStreamSlots extends HostObjectSlots {
  #transform;

  constructor(object) {
    super(object);
  }

  static {
    isDecompressionStream = (value) => isObject(value) && #transform in value;

    DecompressionStream = class DecompressionStream {
      // https://compression.spec.whatwg.org/#dom-decompressionstream-decompressionstream
      constructor(format) {
        const prefix = "Failed to construct 'DecompressionStream'";
        requiredArguments(arguments.length, 1, prefix);
        // 1. If format is unsupported in DecompressionStream, then throw a TypeError.
        const name = toEnum(format, compressionFormats, "CompressionFormat", prefix);
        const self = new DecompressionStreamSlots(createHostObject(new.target));
        // 2. Set this's format to format (held by the context, with the codec).
        const context = new ZlibContext(name, true);
        // 3-6. Set this's transform to a new TransformStream, set up with the decompress
        // algorithms.
        self.#transform = createCodecTransform(context, "decompress");
        return self;
      }

      // https://streams.spec.whatwg.org/#dom-generictransformstream-readable
      get readable() {
        if (!isDecompressionStream(this)) throw illegalInvocation();
        return streams.transformReadable(this.#transform);
      }

      // https://streams.spec.whatwg.org/#dom-generictransformstream-writable
      get writable() {
        if (!isDecompressionStream(this)) throw illegalInvocation();
        return streams.transformWritable(this.#transform);
      }
    };
  }
}

configureInterface(CompressionStream, "CompressionStream");
configureInterface(DecompressionStream, "DecompressionStream");
installGlobal("CompressionStream", CompressionStream);
installGlobal("DecompressionStream", DecompressionStream);

internals.isCompressionStream = isCompressionStream;
internals.isDecompressionStream = isDecompressionStream;
