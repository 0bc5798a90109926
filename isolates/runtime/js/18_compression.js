// CompressionStream and DecompressionStream (https://compression.spec.whatwg.org/).
//
// Each stream is a TransformStream (internals.streams.createTransformStream, 14_streams_*.js)
// around one native zlib codec (ops.zlib*, isolates/runtime/ops_compression.cc over
// host/zlib_stream.h). The codec's output comes in pieces of at most 64 KB, each enqueued as its
// own Uint8Array (the spec lets the output be split into any non-empty pieces); each native call
// makes one piece, so the CPU limit can interrupt the loop that drains a large chunk. The codec
// (about 256 KB per compressor, 40 KB per decompressor) is made with the first chunk and stood
// for by an ArrayBuffer of the same size, so it counts against the function's memory limit and
// the garbage collector sees it; it is freed as soon as the stream ends, errors or is cancelled,
// and otherwise when the garbage collector takes the stream.
//
// Deviations: "brotli" (a later addition to CompressionFormat) is not supported: a TypeError, as
// the spec says for a format the implementation does not support.
//
// Deviation that guards against decompression bombs: the spec enqueues all the output of one
// chunk before anything else runs; here it is enqueued a piece at a time with a microtask between
// pieces, so a reader that counts what it gets can cancel after the first pieces of a small chunk
// that would inflate to gigabytes (the codec then stops). A reader that does not keep up still
// lets the queue grow until the function's memory limit stops it: the spec's transform has no
// way to wait for the reader.
//
// Limits worth knowing: the work runs inline on the function's thread (charged to its CPU time),
// not on the thread pool.
//
// Exports on `internals`: isCompressionStream(x), isDecompressionStream(x).

const { ArrayBuffer, TypeError, TypedArrayPrototypeGetLength } = primordials;
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
// the native codec, made when the first chunk or the end arrives (a stream that is made and
// dropped costs no native memory), enqueuing its output into the transform stream's readable side.
class ZlibContext {
  #format;
  #decompress;
  #handle = null;
  // Stands for the codec's native memory (ops_compression.cc): as long as the codec, counted
  // against the function's memory limit and seen by the garbage collector. Never read.
  #ballast = null;
  #closed = false;

  constructor(format, decompress) {
    this.#format = format;
    this.#decompress = decompress;
  }

  #open() {
    if (this.#handle !== null) return this.#handle;
    if (this.#closed) throw new TypeError("The compression stream is closed.");
    const handle = ops.zlibCreate(this.#format, this.#decompress);
    try {
      this.#ballast = new ArrayBuffer(ops.zlibFootprint(handle));
    } catch (e) {
      ops.zlibClose(handle);
      throw e;
    }
    this.#handle = handle;
    return handle;
  }

  // Feeds `chunk` (a BufferSource) and enqueues every non-empty piece of output, one piece per
  // microtask (see the top of this file). The codec copies the input it has not consumed, so the
  // chunk may change or be transferred meanwhile.
  async write(chunk, controller) {
    try {
      const handle = this.#open();
      let output = ops.zlibWrite(handle, chunk);
      for (;;) {
        if (TypedArrayPrototypeGetLength(output) > 0) streams.transformEnqueue(controller, output);
        if (!ops.zlibHasMore(handle)) return;
        await undefined; // the reader's turn: it may take the piece, or cancel
        if (this.#handle === null) return; // cancelled meanwhile
        output = ops.zlibWrite(handle);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  // Ends the input (the "finish" flag) and enqueues the rest of the output the same way; always
  // frees the codec.
  async finish(controller) {
    try {
      const handle = this.#open();
      let output = ops.zlibFinish(handle);
      for (;;) {
        if (TypedArrayPrototypeGetLength(output) > 0) streams.transformEnqueue(controller, output);
        if (!ops.zlibHasMore(handle)) return;
        await undefined;
        if (this.#handle === null) return;
        output = ops.zlibFinish(handle);
      }
    } finally {
      this.close();
    }
  }

  close() {
    this.#closed = true;
    if (this.#handle === null) return;
    ops.zlibClose(this.#handle);
    this.#handle = null;
    this.#ballast = null;
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
      return context.write(chunk, controller);
    },
    flush(controller) {
      // https://compression.spec.whatwg.org/#compress-flush-and-enqueue and
      // https://compression.spec.whatwg.org/#decompress-flush-and-enqueue: finish, and (for
      // decompression) throw a TypeError if the end of the compressed input was not reached.
      return context.finish(controller);
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
