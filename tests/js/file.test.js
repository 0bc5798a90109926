// Tests for File (isolates/runtime/js/15_blob.js). Spec: https://w3c.github.io/FileAPI/#file-section

test("File is installed like a Web IDL interface and inherits from Blob", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "File");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(File.length, 2);
  assertEquals(File.name, "File");
  assertEquals(Object.getPrototypeOf(File), Blob);
  assertEquals(Object.getPrototypeOf(File.prototype), Blob.prototype);
  const file = new File([], "f");
  assert(file instanceof Blob);
  assertEquals(Object.prototype.toString.call(file), "[object File]");
  assertThrows(() => File([], "f"), TypeError);
  for (const name of ["name", "lastModified"]) {
    const getter = Object.getOwnPropertyDescriptor(File.prototype, name);
    assertEquals(typeof getter.get, "function", name);
    assertEquals(getter.enumerable, true, name);
  }
  assertEquals(Object.getOwnPropertyDescriptor(File.prototype, Symbol.toStringTag).value, "File");
});

test("two arguments are required", () => {
  assertThrows(() => new File(), TypeError, "2 arguments required");
  assertThrows(() => new File([]), TypeError, "2 arguments required, but only 1 present");
  assertThrows(() => new File(undefined, "name"), TypeError, "not iterable", "fileBits is not optional");
  assertThrows(() => new File(null, "name"), TypeError, "not iterable");
});

test("contents, name and type", async () => {
  const file = new File(["hello ", new Uint8Array([0x77]), new Blob(["orld"])], "greeting.txt", { type: "Text/Plain" });
  assertEquals(file.name, "greeting.txt");
  assertEquals(file.type, "text/plain");
  assertEquals(file.size, 11);
  assertEquals(await file.text(), "hello world");
});

test("the name is a USVString, kept as given", () => {
  assertEquals(new File([], "a/b\\c:d").name, "a/b\\c:d");
  assertEquals(new File([], "x\ud800").name, "x\ufffd");
  assertEquals(new File([], 42).name, "42");
  assertEquals(new File([], null).name, "null");
  assertThrows(() => new File([], Symbol("n")), TypeError);
});

test("lastModified defaults to now", () => {
  const before = Date.now();
  const file = new File([], "f");
  const after = Date.now();
  assert(file.lastModified >= before && file.lastModified <= after, `${file.lastModified}`);
  assertEquals(new File([], "f", { lastModified: undefined }).lastModified >= before, true);
});

test("lastModified is converted like a Web IDL long long", () => {
  const cases = [
    [0, 0],
    [1234567890123, 1234567890123],
    [-5, -5],
    [1.9, 1],
    [-1.9, -1],
    ["42", 42],
    [NaN, 0],
    [Infinity, 0],
    [null, 0],
    [true, 1],
    [2 ** 64 + 4096, 4096],
    [-0, 0],
  ];
  for (const [value, expected] of cases) {
    assertEquals(new File([], "f", { lastModified: value }).lastModified, expected, String(value));
  }
  assertThrows(() => new File([], "f", { lastModified: Symbol("x") }), TypeError);
  assertThrows(() => new File([], "f", { lastModified: 1n }), TypeError);
});

test("options are read in order: BlobPropertyBag's members, then FilePropertyBag's", () => {
  const reads = [];
  const options = {};
  for (const name of ["type", "lastModified", "endings"]) {
    Object.defineProperty(options, name, {
      get() {
        reads.push(name);
        return undefined;
      },
    });
  }
  new File([], "f", options);
  assertEquals(reads, ["endings", "type", "lastModified"]);
});

test("arguments are converted in order: bits, name, options", () => {
  const order = [];
  new File([{ toString() { order.push("bits"); return ""; } }], { toString() { order.push("name"); return "n"; } }, {
    get endings() {
      order.push("options");
      return undefined;
    },
  });
  assertEquals(order, ["bits", "name", "options"]);
});

test("endings apply to files too", async () => {
  assertEquals(await new File(["a\r\nb"], "f", { endings: "native" }).text(), "a\nb");
  assertThrows(() => new File([], "f", { endings: "lf" }), TypeError);
});

test("slice() of a File is a Blob", async () => {
  const file = new File(["abcdef"], "f.txt", { type: "text/plain" });
  const slice = file.slice(1, 3);
  assert(!(slice instanceof File));
  assert(slice instanceof Blob);
  assertEquals(await slice.text(), "bc");
  assertEquals(slice.type, "");
});

test("a File can be a part of a Blob and of another File", async () => {
  const file = new File(["x"], "x.txt", { type: "text/plain" });
  const blob = new Blob([file, file]);
  assertEquals(await blob.text(), "xx");
  assertEquals(blob.type, "");
  assertEquals(await new File([file], "copy").text(), "x");
});

test("brand checks", () => {
  for (const name of ["name", "lastModified"]) {
    const getter = Object.getOwnPropertyDescriptor(File.prototype, name).get;
    assertThrows(() => getter.call(new Blob()), TypeError, "Illegal invocation", name);
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation", name);
  }
  const sizeGetter = Object.getOwnPropertyDescriptor(Blob.prototype, "size").get;
  assertEquals(sizeGetter.call(new File(["ab"], "f")), 2);
});

test("File prints its size, type, name and lastModified", () => {
  const file = new File(["abc"], "a.txt", { type: "text/plain", lastModified: 1700000000000 });
  const logs = captureLogs(() => console.log(file));
  assertEquals(logs, [["log", "File {\n  size: 3,\n  type: 'text/plain',\n  name: 'a.txt',\n  lastModified: 1700000000000\n}"]]);
  const short = new File([], "b", { lastModified: 0 });
  assertEquals(captureLogs(() => console.log(short)), [["log", "File { size: 0, type: '', name: 'b', lastModified: 0 }"]]);
});

test("subclasses work", async () => {
  class Upload extends File {
    get extension() {
      return this.name.split(".").pop();
    }
  }
  const upload = new Upload(["data"], "report.csv");
  assert(upload instanceof File);
  assertEquals(upload.extension, "csv");
  assertEquals(await upload.text(), "data");
});
