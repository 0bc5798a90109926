// Tests for URLSearchParams (isolates/runtime/js/12_url_api.js) and the
// application/x-www-form-urlencoded parser and serializer under it (05_url.js).

test("URLSearchParams is a global interface with the Web IDL shape", () => {
  assertEquals(typeof URLSearchParams, "function");
  assertEquals(URLSearchParams.length, 0);
  assertEquals(Object.prototype.toString.call(new URLSearchParams()), "[object URLSearchParams]");
  for (const name of ["append", "delete", "get", "getAll", "has", "set", "sort", "toString", "forEach", "entries", "keys", "values", "size"]) {
    assertEquals(Object.getOwnPropertyDescriptor(URLSearchParams.prototype, name).enumerable, true, name);
  }
  assertEquals(URLSearchParams.prototype[Symbol.iterator], URLSearchParams.prototype.entries);
  assertThrows(() => URLSearchParams(), TypeError);
});

test("constructor from a string", () => {
  const cases = [
    ["", []],
    ["?", []],
    ["?a=1", [["a", "1"]]],
    ["??a=1", [["?a", "1"]]],
    ["a=1&b=2&a=3", [["a", "1"], ["b", "2"], ["a", "3"]]],
    ["a", [["a", ""]]],
    ["=b", [["", "b"]]],
    ["a=b=c", [["a", "b=c"]]],
    ["&&a=1&&", [["a", "1"]]],
    ["a+b=c+d", [["a b", "c d"]]],
    ["a%20b=%2B%26%3D", [["a b", "+&="]]],
    ["%zz=%4", [["%zz", "%4"]]],
    ["%C3%A9=%E2%82%AC", [["\u00e9", "\u20ac"]]],
    ["%FF=%C3", [["\ufffd", "\ufffd"]]],
    ["\u00e9=\ud83d\ude00", [["\u00e9", "\ud83d\ude00"]]],
    ["a=\ud800", [["a", "\ufffd"]]],
    ["%EF%BB%BFx=1", [["\ufeffx", "1"]]],
  ];
  for (const [input, expected] of cases) {
    assertEquals([...new URLSearchParams(input)], expected, JSON.stringify(input));
  }
  assertEquals([...new URLSearchParams(123)], [["123", ""]]);
  assertEquals([...new URLSearchParams(undefined)], []);
  assertEquals([...new URLSearchParams(null)], [["null", ""]]);
});

test("constructor from a sequence of pairs", () => {
  assertEquals([...new URLSearchParams([["a", "1"], ["b", 2]])], [["a", "1"], ["b", "2"]]);
  assertEquals([...new URLSearchParams(new Map([["m", "1"]]))], [["m", "1"]]);
  const other = new URLSearchParams("x=1&x=2");
  assertEquals([...new URLSearchParams(other)], [["x", "1"], ["x", "2"]]);
  assertEquals([...new URLSearchParams([new Set(["s", "t"])])], [["s", "t"]]);
  function* pairs() {
    yield ["g", "1"];
    yield ["g", "2"];
  }
  assertEquals([...new URLSearchParams(pairs())], [["g", "1"], ["g", "2"]]);
  assertThrows(() => new URLSearchParams([["a"]]), TypeError, "[name, value]");
  assertThrows(() => new URLSearchParams([["a", "b", "c"]]), TypeError);
  assertThrows(() => new URLSearchParams(["ab"]), TypeError, "sequence");
  assertThrows(() => new URLSearchParams([1]), TypeError);
  assertThrows(() => new URLSearchParams({ [Symbol.iterator]: 1 }), TypeError);
});

test("constructor from a record", () => {
  assertEquals([...new URLSearchParams({ a: "1", b: 2, "\u00e9": "x" })], [["a", "1"], ["b", "2"], ["\u00e9", "x"]]);
  const object = Object.create({ inherited: "no" });
  object.own = "yes";
  Object.defineProperty(object, "hidden", { value: "no", enumerable: false });
  assertEquals([...new URLSearchParams(object)], [["own", "yes"]]);
  assertThrows(() => new URLSearchParams({ [Symbol("s")]: "x" }), TypeError);
  assertEquals([...new URLSearchParams({ "\ud800": "\udc00" })], [["\ufffd", "\ufffd"]], "USVString conversion");
  assertEquals([...new URLSearchParams(function f() {})], [], "a function is a record with no own enumerable keys");
});

test("append, get, getAll, has, delete, set, size", () => {
  const params = new URLSearchParams("a=1&b=2&a=3");
  assertEquals(params.size, 3);
  params.append("c", "4");
  assertEquals(params.get("a"), "1");
  assertEquals(params.get("missing"), null);
  assertEquals(params.getAll("a"), ["1", "3"]);
  assertEquals(params.getAll("missing"), []);
  assertEquals(params.has("b"), true);
  assertEquals(params.has("a", "3"), true);
  assertEquals(params.has("a", "2"), false);
  assertEquals(params.has("a", undefined), true, "an undefined value means no value");
  params.delete("a", "1");
  assertEquals(params.toString(), "b=2&a=3&c=4");
  params.delete("a");
  assertEquals(params.toString(), "b=2&c=4");
  params.append("b", "5");
  params.set("b", "6");
  assertEquals(params.toString(), "b=6&c=4", "set replaces the first and removes the rest");
  params.set("d", "7");
  assertEquals(params.toString(), "b=6&c=4&d=7");
  assertEquals(params.size, 3);
  params.delete("nothing");
  assertEquals(params.size, 3);
});

test("methods require their arguments and convert them", () => {
  const params = new URLSearchParams();
  assertThrows(() => params.append("a"), TypeError, "2 arguments required");
  assertThrows(() => params.set("a"), TypeError, "2 arguments required");
  assertThrows(() => params.get(), TypeError, "1 argument required");
  assertThrows(() => params.getAll(), TypeError);
  assertThrows(() => params.has(), TypeError);
  assertThrows(() => params.delete(), TypeError);
  params.append(1, { toString: () => "obj" });
  params.append("\ud800", "x");
  assertEquals([...params], [["1", "obj"], ["\ufffd", "x"]]);
  assertEquals(params.get(1), "obj");
});

test("sort is stable and compares code units", () => {
  const params = new URLSearchParams("z=1&a=2&\ud83d\ude00=3&\ufffd=4&a=5&A=6&=7");
  params.sort();
  assertEquals([...params.keys()], ["", "A", "a", "a", "z", "\ud83d\ude00", "\ufffd"], "U+1F600 sorts before U+FFFD by code units");
  assertEquals(params.getAll("a"), ["2", "5"]);
  const many = new URLSearchParams();
  for (let i = 0; i < 50; i++) many.append(i % 2 ? "b" : "a", `${i}`);
  many.sort();
  const values = many.getAll("a");
  assertEquals(values, values.slice().sort((x, y) => x - y).map(String), "stable for equal names");
});

test("toString uses the form-urlencoded serializer", () => {
  const params = new URLSearchParams();
  params.append("a b", "c+d");
  params.append("*-._", "~!'()");
  params.append("\u00e9", "\ud83d\ude00");
  params.append("&=", "%");
  assertEquals(params.toString(), "a+b=c%2Bd&*-._=%7E%21%27%28%29&%C3%A9=%F0%9F%98%80&%26%3D=%25");
  assertEquals(`${new URLSearchParams("a=1")}`, "a=1");
  assertEquals(new URLSearchParams(params.toString()).toString(), params.toString(), "round trip");
});

test("iteration: entries, keys, values, forEach, live view", () => {
  const params = new URLSearchParams("a=1&b=2");
  assertEquals([...params.entries()], [["a", "1"], ["b", "2"]]);
  assertEquals([...params.keys()], ["a", "b"]);
  assertEquals([...params.values()], ["1", "2"]);
  const iterator = params[Symbol.iterator]();
  assertEquals(Object.prototype.toString.call(iterator), "[object URLSearchParams Iterator]");
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(iterator)), Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  assertEquals(iterator.next(), { value: ["a", "1"], done: false });
  params.append("c", "3");
  assertEquals(iterator.next(), { value: ["b", "2"], done: false });
  assertEquals(iterator.next(), { value: ["c", "3"], done: false });
  assertEquals(iterator.next(), { value: undefined, done: true });
  assertThrows(() => iterator.next.call({}), TypeError, "Illegal invocation");
  const seen = [];
  const thisArg = {};
  params.forEach(function (value, key, object) {
    assertEquals(this, thisArg);
    assertEquals(object, params);
    seen.push(`${key}=${value}`);
    if (key === "a") params.delete("b");
  }, thisArg);
  assertEquals(seen, ["a=1", "c=3"]);
  assertThrows(() => params.forEach(), TypeError);
  assertThrows(() => params.forEach("not callable"), TypeError, "not a function");
});

test("brand checks", () => {
  const fake = Object.create(URLSearchParams.prototype);
  for (const name of ["append", "delete", "get", "getAll", "has", "set", "sort", "toString", "forEach", "entries", "keys", "values"]) {
    assertThrows(() => URLSearchParams.prototype[name].call(fake, "a", "b"), TypeError, "Illegal invocation", name);
  }
  assertThrows(() => Object.getOwnPropertyDescriptor(URLSearchParams.prototype, "size").get.call({}), TypeError);
});

test("subclassing works", () => {
  class Params extends URLSearchParams {
    first() {
      return this.keys().next().value;
    }
  }
  assertEquals(new Params("q=1").first(), "q");
});

test("console prints URLSearchParams like Node.js", () => {
  const logs = captureLogs(() => {
    console.log(new URLSearchParams("a=1&a=2&b=x y"));
    console.log(new URLSearchParams());
  });
  assertEquals(logs[0][1], "URLSearchParams { 'a' => '1', 'a' => '2', 'b' => 'x y' }");
  assertEquals(logs[1][1], "URLSearchParams {}");
});
