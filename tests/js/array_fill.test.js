// Array.prototype.fill as the runtime installs it (isolates/runtime/js/06_array_fill.js): the
// builtin's results, shape and argument handling, for small fills (the builtin itself) and large
// ones (chunked, interruptible).

const kLarge = 200000; // above the 65536-element chunk

test("small fills are the builtin's", () => {
  assertEquals([1, 2, 3, 4, 5].fill(9, 1, -1), [1, 9, 9, 9, 5]);
  assertEquals([1, 2, 3].fill(0), [0, 0, 0]);
  assertEquals([1, 2, 3].fill(0, -2), [1, 0, 0]);
  assertEquals([1, 2, 3].fill(0, NaN, NaN), [1, 2, 3]);
  assertEquals([1, 2, 3].fill(0, "1", "2"), [1, 0, 3]);
  assertEquals([1, 2, 3].fill(0, 5), [1, 2, 3]);
});

test("large fills set exactly the range, sparse or packed", () => {
  const sparse = new Array(kLarge).fill(7, 5, 10);
  let sevens = 0;
  for (let i = 0; i < sparse.length; i++) if (sparse[i] === 7) sevens++;
  assertEquals(sevens, 5);
  assert(!(4 in sparse) && !(10 in sparse), "outside the range stays a hole");
  const whole = new Array(kLarge).fill(3);
  assertEquals(whole.length, kLarge);
  assertEquals(whole[0] + whole[kLarge - 1] + whole[70000], 9);
  const tail = new Array(kLarge).fill(2, -10);
  assertEquals(tail[kLarge - 10], 2);
  assert(!((kLarge - 11) in tail), "before a negative start stays a hole");
  const mid = Array.from({ length: kLarge }, () => 0).fill(1, 65535, 131073);
  assertEquals(mid[65534] + mid[65535] + mid[131072] + mid[131073], 2);
});

test("it returns the receiver and keeps the builtin's shape", () => {
  const array = new Array(kLarge);
  assert(array.fill(1) === array, "returns this (large)");
  const small = [0];
  assert(small.fill(1) === small, "returns this (small)");
  const fill = Array.prototype.fill;
  assertEquals(fill.name, "fill");
  assertEquals(fill.length, 1);
  assert(!("prototype" in fill), "no prototype, like a builtin method");
  assertThrows(() => new fill(), TypeError);
  const descriptor = Object.getOwnPropertyDescriptor(Array.prototype, "fill");
  assert(descriptor.writable && descriptor.configurable && !descriptor.enumerable, "attributes");
});

test("array-likes, proxies and conversions behave as the builtin", () => {
  const arrayLike = { length: 3 };
  Array.prototype.fill.call(arrayLike, "x");
  assertEquals([arrayLike[0], arrayLike[2]], ["x", "x"]);
  const seen = [];
  const proxy = new Proxy(new Array(kLarge), {
    get(target, key, receiver) {
      if (key === "length") seen.push(key);
      return Reflect.get(target, key, receiver);
    },
  });
  proxy.fill(0, 0, 2);
  assertEquals(seen.length, 1, "a proxy's length is read once, as by the builtin");
  let conversions = 0;
  const start = { valueOf() { conversions++; return kLarge - 2; } };
  const converted = new Array(kLarge).fill(5, start);
  assertEquals(conversions, 1);
  assertEquals(converted[kLarge - 1], 5);
  assertThrows(() => Array.prototype.fill.call(null, 0), TypeError);
  assertThrows(() => [1].fill(0, Symbol("s")), TypeError);
  assertThrows(() => new Array(kLarge).fill(0, Symbol("s")), TypeError);
});
