// Tests for Headers (isolates/runtime/js/20_headers.js).
// Spec: https://fetch.spec.whatwg.org/#headers-class

function entriesOf(headers) {
  const result = [];
  for (const pair of headers) result.push(pair);
  return result;
}

test("Headers is installed like a Web IDL interface", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Headers");
  assertEquals(typeof descriptor.value, "function");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(Object.prototype.toString.call(new Headers()), "[object Headers]");
  assertEquals(Headers.name, "Headers");
  assertEquals(Headers.length, 0);
  const prototypeDescriptor = Object.getOwnPropertyDescriptor(Headers, "prototype");
  assertEquals(prototypeDescriptor.writable, false);
});

test("Headers methods have Web IDL lengths and are enumerable", () => {
  const lengths = {
    append: 2, delete: 1, get: 1, getSetCookie: 0, has: 1, set: 2, forEach: 1,
    entries: 0, keys: 0, values: 0,
  };
  for (const name of Object.keys(lengths)) {
    const descriptor = Object.getOwnPropertyDescriptor(Headers.prototype, name);
    assert(descriptor !== undefined, `Headers.prototype.${name} exists`);
    assertEquals(typeof descriptor.value, "function", name);
    assertEquals(descriptor.value.length, lengths[name], `${name}.length`);
    assertEquals(descriptor.enumerable, true, `${name} is enumerable`);
  }
  assertEquals(Headers.prototype[Symbol.iterator], Headers.prototype.entries);
  assertEquals(Object.getOwnPropertyDescriptor(Headers.prototype, Symbol.iterator).enumerable, false);
});

test("Headers requires new", () => {
  assertThrows(() => Headers(), TypeError);
});

test("an empty Headers has no entries", () => {
  const headers = new Headers();
  assertEquals(entriesOf(headers), []);
  assertEquals(headers.get("a"), null);
  assertEquals(headers.has("a"), false);
  assertEquals(Object.keys(headers), []);
  assertEquals(entriesOf(new Headers(undefined)), []);
});

test("constructs from a record", () => {
  const headers = new Headers({ "Content-Type": "text/plain", "X-Foo": "bar" });
  assertEquals(headers.get("content-type"), "text/plain");
  assertEquals(headers.get("CONTENT-TYPE"), "text/plain");
  assertEquals(headers.get("x-foo"), "bar");
  assertEquals(entriesOf(headers), [["content-type", "text/plain"], ["x-foo", "bar"]]);
});

test("record conversion uses own enumerable string keys only", () => {
  const init = Object.create({ inherited: "no" });
  init.own = "yes";
  Object.defineProperty(init, "hidden", { value: "no", enumerable: false });
  assertEquals(entriesOf(new Headers(init)), [["own", "yes"]]);
  const withSymbol = { a: "1", [Symbol("s")]: "2" };
  assertThrows(() => new Headers(withSymbol), TypeError);
  const hiddenSymbol = { a: "1" };
  Object.defineProperty(hiddenSymbol, Symbol("s"), { value: "2", enumerable: false });
  assertEquals(entriesOf(new Headers(hiddenSymbol)), [["a", "1"]]);
});

test("record values are converted to strings", () => {
  const headers = new Headers({ a: 1, b: true, c: { toString: () => "custom" }, d: null });
  assertEquals(entriesOf(headers), [["a", "1"], ["b", "true"], ["c", "custom"], ["d", "null"]]);
});

test("constructs from a sequence of pairs", () => {
  const headers = new Headers([["a", "1"], ["B", "2"], ["a", "3"]]);
  assertEquals(entriesOf(headers), [["a", "1, 3"], ["b", "2"]]);
});

test("constructs from any iterable of iterables", () => {
  function* pairs() {
    yield ["x", "1"];
    yield new Set(["y", "2"]);
  }
  assertEquals(entriesOf(new Headers(pairs())), [["x", "1"], ["y", "2"]]);
  assertEquals(entriesOf(new Headers(new Map([["m", "v"]]))), [["m", "v"]]);
});

test("pairs must have exactly two items", () => {
  assertThrows(() => new Headers([["a"]]), TypeError, "length 2");
  assertThrows(() => new Headers([["a", "b", "c"]]), TypeError, "length 2");
  assertThrows(() => new Headers([[]]), TypeError, "length 2");
  assertThrows(() => new Headers([["a", "1"], ["b"]]), TypeError);
});

test("pairs must be iterable objects", () => {
  assertThrows(() => new Headers([5]), TypeError);
  assertThrows(() => new Headers(["ab"]), TypeError);
  assertThrows(() => new Headers([{ 0: "a", 1: "b", length: 2 }]), TypeError);
});

test("init must be an object", () => {
  assertThrows(() => new Headers(null), TypeError);
  assertThrows(() => new Headers(5), TypeError);
  assertThrows(() => new Headers("a: b"), TypeError);
  assertThrows(() => new Headers(true), TypeError);
});

test("a non-callable Symbol.iterator is a TypeError", () => {
  assertThrows(() => new Headers({ [Symbol.iterator]: 5 }), TypeError);
});

test("copies another Headers object independently", () => {
  const original = new Headers([["a", "1"], ["set-cookie", "x=1"], ["set-cookie", "y=2"]]);
  const copy = new Headers(original);
  assertEquals(entriesOf(copy), entriesOf(original));
  assertEquals(copy.getSetCookie(), ["x=1", "y=2"]);
  copy.set("a", "changed");
  assertEquals(original.get("a"), "1");
  original.append("b", "2");
  assertEquals(copy.has("b"), false);
});

test("invalid header names are TypeErrors", () => {
  const headers = new Headers();
  const invalid = ["", "a b", "a:b", "a\nb", "(", ")", "a/b", "a@b", "a=b", "[x]", "{x}", "\"q\"", "a\\b", "a,b", "a;b", "é", "\t", "a\u0000"];
  for (const name of invalid) {
    assertThrows(() => headers.append(name, "v"), TypeError, undefined, `append ${JSON.stringify(name)}`);
    assertThrows(() => headers.set(name, "v"), TypeError, undefined, `set ${JSON.stringify(name)}`);
    assertThrows(() => headers.get(name), TypeError, undefined, `get ${JSON.stringify(name)}`);
    assertThrows(() => headers.has(name), TypeError, undefined, `has ${JSON.stringify(name)}`);
    assertThrows(() => headers.delete(name), TypeError, undefined, `delete ${JSON.stringify(name)}`);
    assertThrows(() => new Headers([[name, "v"]]), TypeError, undefined, `constructor ${JSON.stringify(name)}`);
  }
  assertEquals(entriesOf(headers), []);
});

test("names above U+00FF fail ByteString conversion", () => {
  assertThrows(() => new Headers().append("\u0100", "v"), TypeError, "ByteString");
  assertThrows(() => new Headers().append("a", "\u20ac"), TypeError, "ByteString");
  assertThrows(() => new Headers({ "\u{1F600}": "v" }), TypeError);
});

test("all token characters are valid in names", () => {
  const name = "!#$%&'*+-.^_`|~09azAZ";
  const headers = new Headers([[name, "v"]]);
  assertEquals(headers.get(name), "v");
  assertEquals(entriesOf(headers), [[name.toLowerCase(), "v"]]);
});

test("invalid header values are TypeErrors", () => {
  const headers = new Headers();
  for (const value of ["a\nb", "a\rb", "a\u0000b", "\u0000", "a\r\nb: c"]) {
    assertThrows(() => headers.append("x", value), TypeError, undefined, JSON.stringify(value));
    assertThrows(() => headers.set("x", value), TypeError, undefined, JSON.stringify(value));
    assertThrows(() => new Headers({ x: value }), TypeError, undefined, JSON.stringify(value));
  }
  assertEquals(headers.has("x"), false);
});

test("values are normalized: leading and trailing HTTP whitespace is stripped", () => {
  const headers = new Headers();
  headers.append("a", "  \t value \t ");
  headers.append("b", "\r\n\tx\r\n");
  headers.set("c", " inner   spaces kept ");
  headers.append("d", "   ");
  assertEquals(headers.get("a"), "value");
  assertEquals(headers.get("b"), "x");
  assertEquals(headers.get("c"), "inner   spaces kept");
  assertEquals(headers.get("d"), "");
  assertEquals(new Headers({ e: "\n e \n" }).get("e"), "e");
});

test("values may contain other bytes up to 0xFF", () => {
  const headers = new Headers({ a: "caf\u00e9", b: "\u007f\u0080\u00ff", c: "tab\tinside", d: "\u0001" });
  assertEquals(headers.get("a"), "caf\u00e9");
  assertEquals(headers.get("b"), "\u007f\u0080\u00ff");
  assertEquals(headers.get("c"), "tab\tinside");
  assertEquals(headers.get("d"), "\u0001");
});

test("non-string arguments are converted to strings", () => {
  const headers = new Headers();
  headers.append("n", 42);
  headers.append(123, "numeric name");
  headers.set("o", { toString: () => "from toString" });
  headers.append("u", undefined);
  assertEquals(headers.get("n"), "42");
  assertEquals(headers.get("123"), "numeric name");
  assertEquals(headers.get("o"), "from toString");
  assertEquals(headers.get("u"), "undefined");
  assertThrows(() => headers.append(Symbol("s"), "v"), TypeError);
  assertThrows(() => headers.append("s", Symbol("v")), TypeError);
});

test("missing arguments are TypeErrors", () => {
  const headers = new Headers();
  assertThrows(() => headers.append("a"), TypeError, "2 arguments required");
  assertThrows(() => headers.append(), TypeError);
  assertThrows(() => headers.set("a"), TypeError, "2 arguments required");
  assertThrows(() => headers.get(), TypeError, "1 argument required");
  assertThrows(() => headers.has(), TypeError);
  assertThrows(() => headers.delete(), TypeError);
  assertThrows(() => headers.forEach(), TypeError);
});

test("explicit undefined counts as an argument", () => {
  const headers = new Headers();
  headers.append("undefined", undefined);
  assertEquals(headers.get(undefined), "undefined");
});

test("get combines values with comma and space", () => {
  const headers = new Headers();
  headers.append("Accept", "text/html");
  headers.append("accept", "application/json");
  headers.append("ACCEPT", "*/*");
  assertEquals(headers.get("accept"), "text/html, application/json, */*");
});

test("has is case-insensitive", () => {
  const headers = new Headers({ "X-Mixed-Case": "1" });
  assert(headers.has("x-mixed-case"));
  assert(headers.has("X-MIXED-CASE"));
  assert(!headers.has("x-mixed"));
});

test("set replaces all values of a name", () => {
  const headers = new Headers([["a", "1"], ["b", "2"], ["a", "3"]]);
  headers.set("A", "new");
  assertEquals(headers.get("a"), "new");
  assertEquals(entriesOf(headers), [["a", "new"], ["b", "2"]]);
  headers.set("c", "appended");
  assertEquals(entriesOf(headers), [["a", "new"], ["b", "2"], ["c", "appended"]]);
});

test("delete removes all values of a name", () => {
  const headers = new Headers([["a", "1"], ["b", "2"], ["A", "3"]]);
  headers.delete("a");
  assertEquals(headers.has("a"), false);
  assertEquals(entriesOf(headers), [["b", "2"]]);
  headers.delete("not-there");
  assertEquals(entriesOf(headers), [["b", "2"]]);
});

test("iteration is sorted by lowercase name", () => {
  const headers = new Headers([["zeta", "1"], ["Alpha", "2"], ["beta", "3"], ["_under", "4"], ["1num", "5"], ["Zed", "6"]]);
  const names = [];
  for (const name of headers.keys()) names.push(name);
  assertEquals(names, ["1num", "_under", "alpha", "beta", "zed", "zeta"]);
});

test("iteration combines repeated names in insertion order", () => {
  const headers = new Headers();
  headers.append("b", "1");
  headers.append("a", "x");
  headers.append("B", "2");
  headers.append("b", "3");
  assertEquals(entriesOf(headers), [["a", "x"], ["b", "1, 2, 3"]]);
  const values = [];
  for (const value of headers.values()) values.push(value);
  assertEquals(values, ["x", "1, 2, 3"]);
});

test("set-cookie values are never combined when iterating", () => {
  const headers = new Headers();
  headers.append("Set-Cookie", "a=1; Path=/");
  headers.append("x", "1");
  headers.append("set-cookie", "b=2, with comma");
  headers.append("SET-COOKIE", "c=3");
  assertEquals(entriesOf(headers), [
    ["set-cookie", "a=1; Path=/"],
    ["set-cookie", "b=2, with comma"],
    ["set-cookie", "c=3"],
    ["x", "1"],
  ]);
  assertEquals(headers.get("set-cookie"), "a=1; Path=/, b=2, with comma, c=3");
});

test("getSetCookie returns the set-cookie values in order", () => {
  const headers = new Headers();
  assertEquals(headers.getSetCookie(), []);
  headers.append("set-cookie", "a=1");
  headers.append("other", "x");
  headers.append("Set-Cookie", "b=2");
  const cookies = headers.getSetCookie();
  assertEquals(cookies, ["a=1", "b=2"]);
  assert(Array.isArray(cookies));
  cookies.push("mutated");
  assertEquals(headers.getSetCookie(), ["a=1", "b=2"], "a new array each call");
  assert(headers.getSetCookie() !== headers.getSetCookie());
  headers.delete("set-cookie");
  assertEquals(headers.getSetCookie(), []);
});

test("set-cookie2 and similar names are combined normally", () => {
  const headers = new Headers([["set-cookie2", "a"], ["set-cookie2", "b"]]);
  assertEquals(entriesOf(headers), [["set-cookie2", "a, b"]]);
  assertEquals(headers.getSetCookie(), []);
});

test("entries, keys and values return Headers iterators", () => {
  const headers = new Headers({ b: "2", a: "1" });
  const iterator = headers.entries();
  const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const HeadersIteratorPrototype = Object.getPrototypeOf(iterator);
  assertEquals(Object.getPrototypeOf(HeadersIteratorPrototype), IteratorPrototype);
  assertEquals(Object.prototype.toString.call(iterator), "[object Headers Iterator]");
  assertEquals(Object.getPrototypeOf(headers.keys()), HeadersIteratorPrototype);
  assertEquals(Object.getPrototypeOf(headers.values()), HeadersIteratorPrototype);
  assertEquals(iterator[Symbol.iterator](), iterator);
  assertEquals(Object.prototype.hasOwnProperty.call(HeadersIteratorPrototype, "constructor"), false);
  assertEquals(HeadersIteratorPrototype.next.length, 0);
  assertEquals(iterator.next(), { value: ["a", "1"], done: false });
  assertEquals(iterator.next(), { value: ["b", "2"], done: false });
  assertEquals(iterator.next(), { value: undefined, done: true });
  assertEquals(iterator.next(), { value: undefined, done: true });
  assertEquals(headers.keys().next(), { value: "a", done: false });
  assertEquals(headers.values().next(), { value: "1", done: false });
});

test("iterator next is brand-checked", () => {
  const next = new Headers().entries().next;
  assertThrows(() => next.call({}), TypeError, "Illegal invocation");
  assertThrows(() => next.call(undefined), TypeError, "Illegal invocation");
  assertThrows(() => next.call([][Symbol.iterator]()), TypeError, "Illegal invocation");
});

test("iterators see changes made during iteration (index-based, like the spec)", () => {
  const headers = new Headers({ a: "1", b: "2", c: "3" });
  const iterator = headers.keys();
  assertEquals(iterator.next().value, "a");
  headers.delete("a"); // the list is now [b, c]; the index is 1
  assertEquals(iterator.next().value, "c");
  headers.append("d", "4");
  assertEquals(iterator.next().value, "d");
  assertEquals(iterator.next().done, true);
  headers.append("e", "5");
  assertEquals(iterator.next().value, "e", "an exhausted index-based iterator continues if entries are added");
});

test("spread, Array.from and for-of work", () => {
  const headers = new Headers({ b: "2", a: "1" });
  assertEquals([...headers], [["a", "1"], ["b", "2"]]);
  assertEquals(Array.from(headers.keys()), ["a", "b"]);
  assertEquals(Object.fromEntries(headers), { a: "1", b: "2" });
});

test("forEach passes value, name and the headers object", () => {
  const headers = new Headers([["b", "2"], ["a", "1"], ["a", "3"]]);
  const calls = [];
  const thisArg = { marker: true };
  headers.forEach(function (value, name, object) {
    calls.push([value, name, object === headers, this === thisArg]);
  }, thisArg);
  assertEquals(calls, [["1, 3", "a", true, true], ["2", "b", true, true]]);
});

test("forEach sees changes made by the callback", () => {
  const headers = new Headers({ a: "1", b: "2" });
  const seen = [];
  headers.forEach((value, name) => {
    seen.push(name);
    if (name === "a") headers.append("c", "3");
  });
  assertEquals(seen, ["a", "b", "c"]);
});

test("forEach requires a function", () => {
  const headers = new Headers({ a: "1" });
  assertThrows(() => headers.forEach(null), TypeError);
  assertThrows(() => headers.forEach({}), TypeError);
  assertThrows(() => headers.forEach("function"), TypeError);
});

test("methods are brand-checked", () => {
  const fake = Object.create(Headers.prototype);
  for (const name of ["append", "delete", "get", "getSetCookie", "has", "set", "forEach", "entries", "keys", "values"]) {
    const method = Headers.prototype[name];
    assertThrows(() => method.call({}, "a", "b"), TypeError, "Illegal invocation", name);
    assertThrows(() => method.call(fake, "a", "b"), TypeError, "Illegal invocation", name);
    assertThrows(() => method.call(undefined, "a", "b"), TypeError, "Illegal invocation", name);
    assertThrows(() => method.call(42, "a", "b"), TypeError, "Illegal invocation", name);
  }
  assertThrows(() => Headers.prototype[Symbol.iterator].call(new Map()), TypeError, "Illegal invocation");
});

test("the brand check comes before argument checks", () => {
  assertThrows(() => Headers.prototype.append.call({}), TypeError, "Illegal invocation");
});

test("plain Headers accept forbidden request/response header names (server runtime)", () => {
  const headers = new Headers();
  for (const name of ["host", "cookie", "set-cookie", "content-length", "connection", "transfer-encoding", "proxy-authorization", "sec-fetch-mode"]) {
    headers.set(name, "v");
    assertEquals(headers.get(name), "v", name);
  }
});

test("immutable headers reject changes with a TypeError", () => {
  const headers = Response.error().headers;
  assertThrows(() => headers.append("a", "1"), TypeError, "Can't modify immutable headers.");
  assertThrows(() => headers.set("a", "1"), TypeError, "Can't modify immutable headers.");
  assertThrows(() => headers.delete("a"), TypeError, "Can't modify immutable headers.");
  assertEquals(headers.get("a"), null);
  assertEquals(headers.has("a"), false);
  assertEquals([...headers], []);
});

test("immutable headers still validate names and values first", () => {
  const headers = Response.error().headers;
  const error = assertThrows(() => headers.append("bad name", "1"), TypeError);
  assert(!error.message.includes("immutable"), "the name error comes first");
  const valueError = assertThrows(() => headers.set("a", "x\ny"), TypeError);
  assert(!valueError.message.includes("immutable"), "the value error comes first");
});

test("copies of immutable headers are mutable", () => {
  const redirect = Response.redirect("https://example.com/", 301);
  const copy = new Headers(redirect.headers);
  copy.set("location", "elsewhere");
  assertEquals(copy.get("location"), "elsewhere");
  assertEquals(redirect.headers.get("location"), "https://example.com/");
});

test("subclasses work", () => {
  class MyHeaders extends Headers {
    only(name) {
      return this.get(name);
    }
  }
  const headers = new MyHeaders({ a: "1" });
  assert(headers instanceof Headers);
  assertEquals(headers.only("a"), "1");
  headers.append("b", "2");
  assertEquals([...headers], [["a", "1"], ["b", "2"]]);
});

test("many headers sort correctly", () => {
  const headers = new Headers();
  const names = [];
  for (let i = 99; i >= 0; i--) {
    const name = `h${String(i).padStart(2, "0")}`;
    names.unshift(name);
    headers.append(name, String(i));
  }
  assertEquals([...headers.keys()], names);
  assertEquals(headers.get("h42"), "42");
});

test("the same Headers object can be iterated many times", () => {
  const headers = new Headers({ a: "1" });
  for (let i = 0; i < 3; i++) assertEquals([...headers], [["a", "1"]]);
});
