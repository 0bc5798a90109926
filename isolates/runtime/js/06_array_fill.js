// Array.prototype.fill, made interruptible.
// Spec: https://tc39.es/ecma262/#sec-array.prototype.fill
//
// V8's fill of a sparse (dictionary-mode) array is a C++ loop with no interrupt check that
// allocates for every element: `new Array(1e8).fill(0)` can outgrow the memory limit by
// gigabytes before the termination the limit asked for can land, and V8's only answer to that
// is a fatal, process-wide OOM. So a large fill of a real array runs the native fill in chunks
// from a JS loop, whose back edge is an interrupt check; everything else calls the native fill
// once, unchanged. Chunking is invisible for a non-proxy array (its `length` is a plain data
// property), except when an index setter the program put on a prototype changes the array's
// length in the middle of the fill; then later chunks see the new length (the spec's single
// pass would not). Name, length and property attributes are the builtin's.

const {
  ArrayIsArray,
  ArrayPrototype,
  ArrayPrototypeFill,
  MathMax,
  MathMin,
  MathTrunc,
  NumberIsNaN,
  ObjectDefineProperty,
  ReflectApply,
} = primordials;

const kChunk = 1 << 16;
// The builtin itself, for calls that keep its exact behaviour (runs before any user code).
const nativeFill = ArrayPrototype.fill;

function relativeIndex(value, length, fallback) {
  if (value === undefined) return fallback;
  const number = +value;
  const integer = NumberIsNaN(number) ? 0 : MathTrunc(number);
  return integer < 0 ? MathMax(length + integer, 0) : MathMin(integer, length);
}

// A method (not an arrow or a class member) so that it has no prototype and `this` is the
// receiver, as the builtin.
const fill = {
  fill(value, start = undefined, end = undefined) {
    if (!ArrayIsArray(this) || ops.isProxy(this) || this.length <= kChunk ||
        typeof start === "object" || typeof end === "object") {
      // Small fills, array-likes, proxies and arguments whose conversion runs user code keep
      // the builtin's exact single pass.
      return ReflectApply(nativeFill, this, arguments);
    }
    const length = this.length;
    const from = relativeIndex(start, length, 0);
    const to = relativeIndex(end, length, length);
    for (let k = from; k < to; k += kChunk) {
      ArrayPrototypeFill(this, value, k, MathMin(k + kChunk, to));
    }
    return this;
  },
}.fill;

ObjectDefineProperty(ArrayPrototype, "fill", {
  __proto__: null,
  value: fill,
  writable: true,
  enumerable: false,
  configurable: true,
});
