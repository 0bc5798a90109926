// Tests for console (isolates/runtime/js/10_console.js). They read the host's capture of ops.log
// calls through captureLogs() (globalThis.__capturedLogs, filled by the C++ test host).
// Spec: https://console.spec.whatwg.org/ ; formatting follows Node.js util.format/util.inspect.

// The single line logged by fn, as [level, text].
function logged(fn) {
  const logs = captureLogs(fn);
  assertEquals(logs.length, 1, `exactly one ops.log call (got ${logs.length})`);
  return logs[0];
}

// The text console.log(...args) logs.
function fmt(...args) {
  const [level, text] = logged(() => console.log(...args));
  assertEquals(level, "log");
  return text;
}

test("console is installed like a Web IDL namespace", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "console");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(Object.prototype.toString.call(console), "[object console]");
  const prototype = Object.getPrototypeOf(console);
  assertEquals(Object.getPrototypeOf(prototype), Object.prototype);
  assertEquals(Object.getOwnPropertyNames(prototype), []);
});

test("console has all the methods, returning undefined", () => {
  const names = [
    "log", "info", "warn", "error", "debug", "trace", "assert", "count", "countReset", "time",
    "timeEnd", "timeLog", "table", "dir", "dirxml", "group", "groupCollapsed", "groupEnd",
  ];
  for (const name of names) {
    assertEquals(typeof console[name], "function", name);
    assert(Object.getOwnPropertyDescriptor(console, name).enumerable, `${name} is enumerable`);
  }
  captureLogs(() => {
    for (const name of names) {
      if (name === "groupEnd") continue;
      assertEquals(console[name]("x"), undefined, name);
    }
    console.groupEnd();
    console.groupEnd();
    console.timeEnd("x");
  });
  assertEquals(console.log.length, 0);
  assertEquals(console.assert.length, 0);
});

test("methods work when detached from console", () => {
  const { log, error } = console;
  assertEquals(logged(() => log("detached")), ["log", "detached"]);
  assertEquals(logged(() => error.call(undefined, "e")), ["error", "e"]);
});

test("levels", () => {
  assertEquals(logged(() => console.log("a")), ["log", "a"]);
  assertEquals(logged(() => console.info("a")), ["info", "a"]);
  assertEquals(logged(() => console.debug("a")), ["debug", "a"]);
  assertEquals(logged(() => console.warn("a")), ["warn", "a"]);
  assertEquals(logged(() => console.error("a")), ["error", "a"]);
  assertEquals(logged(() => console.dirxml("a")), ["log", "a"]);
  assertEquals(logged(() => console.dir("a")), ["log", "'a'"]);
  assertEquals(logged(() => console.table("a"))[0], "log");
  assertEquals(logged(() => console.trace("a"))[0], "log");
});

test("no arguments logs an empty line", () => {
  assertEquals(logged(() => console.log()), ["log", ""]);
});

test("strings and other arguments are joined with spaces", () => {
  assertEquals(fmt("a", "b", "c"), "a b c");
  assertEquals(fmt("x", 1, "y", { a: 1 }), "x 1 y { a: 1 }");
  assertEquals(fmt(1, "two", [3]), "1 two [ 3 ]");
  assertEquals(fmt("multi\nline", "x"), "multi\nline x");
});

test("%s, %d, %i, %f", () => {
  assertEquals(fmt("%d", 42), "42");
  assertEquals(fmt("%d", "42"), "42");
  assertEquals(fmt("%d", -0), "-0");
  assertEquals(fmt("%d", {}), "NaN");
  assertEquals(fmt("%d", 10n), "10n");
  assertEquals(fmt("%d", Symbol("x")), "NaN");
  assertEquals(fmt("%i", 42.9), "42");
  assertEquals(fmt("%i", "42.5abc"), "42");
  assertEquals(fmt("%i", 10n), "10n");
  assertEquals(fmt("%f", "1.5"), "1.5");
  assertEquals(fmt("%f", "x"), "NaN");
  assertEquals(fmt("%s", "str"), "str");
  assertEquals(fmt("%s", 5), "5");
  assertEquals(fmt("%s", -0), "-0");
  assertEquals(fmt("%s", 5n), "5n");
  assertEquals(fmt("%s", Symbol("q")), "Symbol(q)");
  assertEquals(fmt("%s", null), "null");
  assertEquals(fmt("%s", undefined), "undefined");
  assertEquals(fmt("%s", { toString() { return "T"; } }), "T");
  assertEquals(fmt("%s", { a: { b: 1 } }), "{ a: [Object] }");
  assertEquals(fmt("%s", [1, [2, [3]]]), "[ 1, [Array] ]");
  assertEquals(fmt("%s|%s", "a", "b"), "a|b");
});

test("%j, %o, %O, %c and %%", () => {
  assertEquals(fmt("%j", { a: [1, "x"] }), "{\"a\":[1,\"x\"]}");
  assertEquals(fmt("%j", undefined), "undefined");
  const circular = {};
  circular.self = circular;
  assertEquals(fmt("%j", circular), "[Circular]");
  assertEquals(fmt("%O", { a: { b: { c: { d: 1 } } } }), "{ a: { b: { c: [Object] } } }");
  assertEquals(fmt("%o", [1]), "[ 1, [length]: 1 ]");
  assertEquals(fmt("%c styled %s", "color: red", "x"), " styled x");
  assertEquals(fmt("%d%%", 5), "5%");
  assertEquals(fmt("%% %s", "a"), "% a");
});

test("format edge cases", () => {
  assertEquals(fmt("100%%"), "100%%", "a lone format string is not processed");
  assertEquals(fmt("%s"), "%s");
  assertEquals(fmt("%s %s", "only one"), "only one %s");
  assertEquals(fmt("a%", 1), "a% 1");
  assertEquals(fmt("%x", 1), "%x 1");
  assertEquals(fmt("%d %d", 1, 2, 3), "1 2 3");
  assertEquals(fmt("%s", "a", { b: 1 }), "a { b: 1 }");
  assertEquals(fmt({ a: 1 }, "%d", 2), "{ a: 1 } %d 2", "only a leading string is a format");
});

test("%j rethrows other errors", () => {
  assertThrows(() => console.log("%j", { toJSON() { throw new RangeError("boom"); } }), RangeError);
});

test("primitives", () => {
  assertEquals(fmt(undefined, null, true, 3.5, -0, NaN, Infinity, 10n, Symbol.iterator), "undefined null true 3.5 -0 NaN Infinity 10n Symbol(Symbol.iterator)");
  assertEquals(fmt(Symbol("desc"), Symbol()), "Symbol(desc) Symbol()");
});

test("objects and arrays", () => {
  assertEquals(fmt({ a: 1, b: "x" }), "{ a: 1, b: 'x' }");
  assertEquals(fmt([1, 2, 3]), "[ 1, 2, 3 ]");
  assertEquals(fmt({}), "{}");
  assertEquals(fmt([]), "[]");
  assertEquals(fmt({ a: { b: { c: { d: 1 } } } }), "{ a: { b: { c: [Object] } } }");
  assertEquals(fmt([[[[[1]]]]]), "[ [ [ [Array] ] ] ]");
  assertEquals(fmt({ a: [{ b: { c: 1 } }] }), "{ a: [ { b: [Object] } ] }");
  assertEquals(fmt({ "key with space": 1, valid_id: 2, $dollar: 3, 0: 4 }), "{ '0': 4, 'key with space': 1, valid_id: 2, '$dollar': 3 }");
  assertEquals(fmt({ [Symbol("x")]: 2, "a-b": 1 }), "{ 'a-b': 1, [Symbol(x)]: 2 }");
  assertEquals(fmt(Object.create({ inherited: 1 })), "{}");
  assertEquals(fmt([{ a: 1, b: 2 }, { a: 3, b: 4 }]), "[ { a: 1, b: 2 }, { a: 3, b: 4 } ]");
});

test("strings inside objects are quoted and escaped", () => {
  assertEquals(fmt(["plain"]), "[ 'plain' ]");
  assertEquals(fmt(["it's"]), "[ \"it's\" ]");
  assertEquals(fmt(["it's \"q\""]), "[ `it's \"q\"` ]");
  assertEquals(fmt(["it's \"q\" `b`"]), "[ 'it\\'s \"q\" `b`' ]");
  assertEquals(fmt(["a\nb\t\u0001\u007f\u0085\\"]), "[ 'a\\nb\\t\\x01\\x7F\\x85\\\\' ]");
  assertEquals(fmt(["\ud800"]), "[ '\\ud800' ]");
  assertEquals(fmt(["\u{1F600}"]), "[ '\u{1F600}' ]");
});

test("long output breaks into lines", () => {
  assertEquals(
    fmt({ longkey1: "aaaaaaaaaaaaaaaaaaaa", longkey2: "bbbbbbbbbbbbbbbbbbbbbbb", longkey3: "ccccccccccccccccccccc" }),
    "{\n  longkey1: 'aaaaaaaaaaaaaaaaaaaa',\n  longkey2: 'bbbbbbbbbbbbbbbbbbbbbbb',\n  longkey3: 'ccccccccccccccccccccc'\n}",
  );
  assertEquals(
    fmt(Array.from({ length: 30 }, (_, i) => i)),
    "[\n   0,  1,  2,  3,  4,  5,  6,  7,  8,\n   9, 10, 11, 12, 13, 14, 15, 16, 17,\n  18, 19, 20, 21, 22, 23, 24, 25, 26,\n  27, 28, 29\n]",
  );
  const many = fmt(Array.from({ length: 120 }, (_, i) => i));
  assert(many.endsWith("  ... 20 more items\n]"), many);
  assertEquals(fmt({ s: `${"x".repeat(100)}\nabc` }), `{\n  s: '${"x".repeat(100)}\\n' +\n    'abc'\n}`);
});

test("circular references", () => {
  const object = {};
  object.self = object;
  object.list = [object];
  assertEquals(fmt(object), "<ref *1> { self: [Circular *1], list: [ [Circular *1] ] }");
  const a = { name: "a" };
  const b = { name: "b", a };
  a.b = b;
  assertEquals(fmt([a]), "[ <ref *1> { name: 'a', b: { name: 'b', a: [Circular *1] } } ]");
});

test("Map, Set, WeakMap and WeakSet", () => {
  assertEquals(fmt(new Map([["a", { b: { c: {} } }]])), "Map(1) { 'a' => { b: { c: {} } } }");
  assertEquals(fmt(new Set([1, "a"])), "Set(2) { 1, 'a' }");
  assertEquals(fmt(new Map()), "Map(0) {}");
  assertEquals(fmt(new Set()), "Set(0) {}");
  assertEquals(fmt(new Map([[{ k: 1 }, [1, 2]]])), "Map(1) { { k: 1 } => [ 1, 2 ] }");
  assertEquals(fmt(new WeakMap()), "WeakMap { <items unknown> }");
  assertEquals(fmt(new WeakSet()), "WeakSet { <items unknown> }");
  class MyMap extends Map {}
  assertEquals(fmt(new MyMap([[1, 2]])), "MyMap(1) [Map] { 1 => 2 }");
});

test("Date, RegExp, boxed primitives", () => {
  assertEquals(fmt(new Date(0)), "1970-01-01T00:00:00.000Z");
  assertEquals(fmt(new Date(NaN)), "Invalid Date");
  assertEquals(fmt(/x/gi), "/x/gi");
  assertEquals(fmt([new Number(3), new String("ab"), new Boolean(false), Object(1n), Object(Symbol("z"))]),
    "[\n  [Number: 3],\n  [String: 'ab'],\n  [Boolean: false],\n  [BigInt: 1n],\n  [Symbol: Symbol(z)]\n]");
});

test("functions and classes", () => {
  assertEquals(fmt(function foo() {}), "[Function: foo]");
  assertEquals(fmt(() => {}), "[Function (anonymous)]");
  assertEquals(fmt(class {}), "[class (anonymous)]");
  assertEquals(fmt(class A {}), "[class A]");
  assertEquals(fmt(class B extends Array {}), "[class B extends Array]");
  assertEquals(fmt(async function af() {}), "[AsyncFunction: af]");
  assertEquals(fmt(function* gen() {}), "[GeneratorFunction: gen]");
  assertEquals(fmt(async function* agen() {}), "[AsyncGeneratorFunction: agen]");
  assertEquals(fmt(Math.max), "[Function: max]");
  assertEquals(fmt(Object.assign(() => {}, { x: 1 })), "[Function (anonymous)] { x: 1 }");
  assertEquals(fmt({ f() {} }), "{ f: [Function: f] }");
});

test("class instances and prototypes", () => {
  class Foo {
    constructor() {
      this.a = 1;
    }
  }
  assertEquals(fmt(new Foo()), "Foo { a: 1 }");
  class Empty {}
  assertEquals(fmt(new Empty()), "Empty {}");
  assertEquals(fmt(Object.create(null)), "[Object: null prototype] {}");
  assertEquals(fmt(Object.assign(Object.create(null), { a: 1 })), "[Object: null prototype] { a: 1 }");
  assertEquals(fmt({ [Symbol.toStringTag]: "Custom" }), "{ [Symbol(Symbol.toStringTag)]: 'Custom' }");
  class Tagged {
    get [Symbol.toStringTag]() {
      return "Tag";
    }
  }
  assertEquals(fmt(new Tagged()), "Tagged [Tag] {}");
});

test("accessors are not invoked", () => {
  let calls = 0;
  const object = {
    get a() {
      calls++;
      return 1;
    },
    set b(v) {},
    get c() {
      calls++;
      return 1;
    },
    set c(v) {},
  };
  assertEquals(fmt(object), "{ a: [Getter], b: [Setter], c: [Getter/Setter] }");
  assertEquals(calls, 0);
});

test("arrays with holes and extra properties", () => {
  assertEquals(fmt([, 1, , ]), "[ <1 empty item>, 1, <1 empty item> ]");
  assertEquals(fmt(new Array(5)), "[ <5 empty items> ]");
  assertEquals(fmt([1, 2, 3, , 5]), "[ 1, 2, 3, <1 empty item>, 5 ]");
  assertEquals(fmt(Object.assign([1, 2], { extra: true })), "[ 1, 2, extra: true ]");
  const sparse = [];
  sparse[1e9] = 1;
  assertEquals(fmt(sparse), "[ <1000000000 empty items>, 1 ]");
});

test("typed arrays, ArrayBuffer and DataView", () => {
  assertEquals(fmt(new Uint8Array([1, 2])), "Uint8Array(2) [ 1, 2 ]");
  assertEquals(fmt(new Float64Array([1.5, -0])), "Float64Array(2) [ 1.5, -0 ]");
  assertEquals(fmt(new BigInt64Array([1n])), "BigInt64Array(1) [ 1n ]");
  assertEquals(fmt(new Uint8Array(0)), "Uint8Array(0) []");
  assertEquals(fmt(new ArrayBuffer(3)), "ArrayBuffer { [Uint8Contents]: <00 00 00>, byteLength: 3 }");
  assertEquals(fmt(new Uint8Array([255, 16]).buffer), "ArrayBuffer { [Uint8Contents]: <ff 10>, byteLength: 2 }");
  const view = fmt(new DataView(new ArrayBuffer(2)));
  assertEquals(view, "DataView {\n  byteLength: 2,\n  byteOffset: 0,\n  buffer: ArrayBuffer { [Uint8Contents]: <00 00>, byteLength: 2 }\n}");
});

test("errors print their stack", () => {
  const error = new Error("boom");
  const text = fmt(error);
  assert(text.startsWith("Error: boom\n    at "), text);
  assertEquals(text, error.stack);
  const nested = fmt({ e: new RangeError("r") });
  assert(nested.startsWith("{\n  e: RangeError: r\n      at "), nested);
});

test("errors without a stack trace are bracketed", () => {
  const error = new Error("nostack");
  error.stack = undefined;
  assertEquals(fmt(error), "[Error: nostack]");
  const custom = new TypeError("x");
  custom.stack = "custom stack";
  assertEquals(fmt(custom), "[custom stack]");
});

test("error subclasses, extra properties and causes", () => {
  class MyError extends Error {}
  const mine = fmt(new MyError("custom"));
  assert(mine.startsWith("MyError: custom\n    at "), mine);
  const withCode = Object.assign(new Error("e"), { code: "E_CODE" });
  withCode.stack = "Error: e\n    at somewhere";
  assertEquals(fmt(withCode), "Error: e\n    at somewhere {\n  code: 'E_CODE'\n}");
  const cause = new Error("inner");
  cause.stack = "Error: inner\n    at inner";
  const outer = new Error("outer", { cause });
  outer.stack = "Error: outer\n    at outer";
  assertEquals(fmt(outer), "Error: outer\n    at outer {\n  [cause]: Error: inner\n      at inner\n}");
});

test("Headers, Request and Response print their state", () => {
  assertEquals(fmt(new Headers({ B: "2", a: "1" })), "Headers { a: '1', b: '2' }");
  assertEquals(fmt(new Headers()), "Headers {}");
  const cookies = new Headers([["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
  assertEquals(fmt(cookies), "Headers { 'set-cookie': [ 'a=1', 'b=2' ] }");
  assertEquals(
    fmt(new Request("https://example.com/", { method: "POST", body: "x" })),
    "Request {\n  method: 'POST',\n  url: 'https://example.com/',\n  headers: Headers { 'content-type': 'text/plain;charset=UTF-8' },\n  redirect: 'follow',\n  bodyUsed: false\n}",
  );
  assertEquals(
    fmt(new Response(null, { status: 404 })),
    "Response {\n  status: 404,\n  statusText: '',\n  headers: Headers {},\n  type: 'default',\n  url: '',\n  redirected: false,\n  bodyUsed: false\n}",
  );
});

test("each call produces exactly one ops.log line, even when multi-line", () => {
  const logs = captureLogs(() => console.log({ a: "x".repeat(50), b: "y".repeat(50) }));
  assertEquals(logs.length, 1);
  assert(logs[0][1].includes("\n"));
});

test("group indents every line until groupEnd", () => {
  const logs = captureLogs(() => {
    console.group("Group");
    console.log("inside");
    console.group();
    console.warn("deeper\nsecond line");
    console.groupEnd();
    console.error("back");
    console.groupEnd();
    console.log("outside");
    console.groupEnd(); // extra groupEnd is harmless
    console.log("still outside");
  });
  assertEquals(logs, [
    ["log", "Group"],
    ["log", "  inside"],
    ["warn", "    deeper\n    second line"],
    ["error", "  back"],
    ["log", "outside"],
    ["log", "still outside"],
  ]);
});

test("groupCollapsed behaves like group", () => {
  const logs = captureLogs(() => {
    console.groupCollapsed("label %d", 1);
    console.info("x");
    console.groupEnd();
  });
  assertEquals(logs, [["log", "label 1"], ["info", "  x"]]);
});

test("count and countReset", () => {
  const logs = captureLogs(() => {
    console.count();
    console.count();
    console.count("other");
    console.count("default");
    console.countReset();
    console.count();
    console.countReset("missing-label");
    console.count({ toString: () => "converted" });
  });
  assertEquals(logs, [
    ["info", "default: 1"],
    ["info", "default: 2"],
    ["info", "other: 1"],
    ["info", "default: 3"],
    ["info", "default: 1"],
    ["warn", "Count for 'missing-label' does not exist"],
    ["info", "converted: 1"],
  ]);
});

test("time, timeLog and timeEnd", () => {
  const logs = captureLogs(() => {
    console.time("t");
    console.time("t");
    console.timeLog("t", "extra", { a: 1 });
    console.timeEnd("t");
    console.timeEnd("t");
    console.timeLog("nope");
    console.time();
    console.timeEnd();
  });
  assertEquals(logs.length, 6);
  assertEquals(logs[0], ["warn", "Label 't' already exists for console.time()"]);
  assertEquals(logs[1][0], "info");
  assert(/^t: \d+(\.\d+)?m?s extra \{ a: 1 \}$/.test(logs[1][1]), logs[1][1]);
  assertEquals(logs[2][0], "info");
  assert(/^t: \d+(\.\d+)?m?s$/.test(logs[2][1]), logs[2][1]);
  assertEquals(logs[3], ["warn", "No such label 't' for console.timeEnd()"]);
  assertEquals(logs[4], ["warn", "No such label 'nope' for console.timeLog()"]);
  assertEquals(logs[5][0], "info");
  assert(/^default: \d+ms$/.test(logs[5][1]), logs[5][1]);
});

test("assert", () => {
  assertEquals(captureLogs(() => console.assert(true, "never")), []);
  assertEquals(captureLogs(() => console.assert(1)), []);
  assertEquals(logged(() => console.assert(false)), ["error", "Assertion failed"]);
  assertEquals(logged(() => console.assert()), ["error", "Assertion failed"]);
  assertEquals(logged(() => console.assert(0, "value %d is bad", 7)), ["error", "Assertion failed: value 7 is bad"]);
  assertEquals(logged(() => console.assert(null, { a: 1 }, 2)), ["error", "Assertion failed { a: 1 } 2"]);
  assertEquals(logged(() => console.assert("", "msg", "more")), ["error", "Assertion failed: msg more"]);
});

test("trace logs a stack", () => {
  const [level, text] = logged(() => console.trace("here %d", 1));
  assertEquals(level, "log");
  assert(text.startsWith("Trace: here 1\n    at "), text);
  const [, bare] = logged(() => console.trace());
  assert(bare.startsWith("Trace\n    at "), bare);
});

test("dir inspects its argument with options", () => {
  assertEquals(logged(() => console.dir({ a: { b: { c: { d: 1 } } } })), ["log", "{ a: { b: { c: [Object] } } }"]);
  assertEquals(logged(() => console.dir({ a: { b: { c: 1 } } }, { depth: 0 })), ["log", "{ a: [Object] }"]);
  assertEquals(logged(() => console.dir({ a: { b: { c: { d: { e: 1 } } } } }, { depth: null })), ["log", "{\n  a: {\n    b: { c: { d: { e: 1 } } }\n  }\n}"]);
  assertEquals(logged(() => console.dir("str")), ["log", "'str'"]);
  assertEquals(logged(() => console.dir([1], { showHidden: true })), ["log", "[ 1, [length]: 1 ]"]);
});

test("table", () => {
  assertEquals(logged(() => console.table([{ a: 1, b: "x" }, { a: 22 }]))[1], [
    "┌─────────┬────┬─────┐",
    "│ (index) │ a  │ b   │",
    "├─────────┼────┼─────┤",
    "│ 0       │ 1  │ 'x' │",
    "│ 1       │ 22 │     │",
    "└─────────┴────┴─────┘",
  ].join("\n"));
  assertEquals(logged(() => console.table([1, "a", { b: 2 }]))[1], [
    "┌─────────┬───┬────────┐",
    "│ (index) │ b │ Values │",
    "├─────────┼───┼────────┤",
    "│ 0       │   │ 1      │",
    "│ 1       │   │ 'a'    │",
    "│ 2       │ 2 │        │",
    "└─────────┴───┴────────┘",
  ].join("\n"));
  assertEquals(logged(() => console.table({ x: { v: 1 }, y: { v: 2 } }, ["v"]))[1], [
    "┌─────────┬───┐",
    "│ (index) │ v │",
    "├─────────┼───┤",
    "│ x       │ 1 │",
    "│ y       │ 2 │",
    "└─────────┴───┘",
  ].join("\n"));
  assertEquals(logged(() => console.table(new Map([["k", { v: 1 }]])))[1], [
    "┌───────────────────┬─────┬──────────┐",
    "│ (iteration index) │ Key │ Values   │",
    "├───────────────────┼─────┼──────────┤",
    "│ 0                 │ 'k' │ { v: 1 } │",
    "└───────────────────┴─────┴──────────┘",
  ].join("\n"));
  assertEquals(logged(() => console.table(5)), ["log", "5"]);
  assertEquals(logged(() => console.table("text")), ["log", "text"]);
});

test("formatting errors propagate from user toString", () => {
  assertThrows(() => console.log("%s", { toString() { throw new URIError("no"); } }), URIError);
});

test("console keeps working when group state is left open by an earlier test", () => {
  const logs = captureLogs(() => {
    console.group();
    console.groupEnd();
    console.log("flat");
  });
  assertEquals(logs, [["log", "flat"]]);
});
