// WebAssembly in a function's global scope: synchronous and asynchronous compilation (the
// latter finishes through V8's foreground tasks, which the host must run), validation, and
// errors of the right classes.

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const addModule = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
  0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09,
  0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);

test("WebAssembly.Module/Instance compile and run synchronously", () => {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(addModule));
  assertEquals(instance.exports.add(2, 3), 5);
  assertEquals(WebAssembly.validate(addModule), true);
  assertEquals(WebAssembly.validate(new Uint8Array([0, 1, 2])), false);
});

test("WebAssembly.instantiate and compile settle asynchronously", async () => {
  const { module, instance } = await WebAssembly.instantiate(addModule);
  assert(module instanceof WebAssembly.Module);
  assertEquals(instance.exports.add(40, 2), 42);
  const compiled = await WebAssembly.compile(addModule.buffer);
  assertEquals((await WebAssembly.instantiate(compiled)).exports.add(1, 1), 2);
});

test("invalid modules reject with WebAssembly.CompileError", async () => {
  await assertRejects(WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 9, 9, 9, 9])), WebAssembly.CompileError);
  assertThrows(() => new WebAssembly.Module(new Uint8Array(4)), WebAssembly.CompileError);
});

test("a trap is a WebAssembly.RuntimeError", () => {
  // (module (func (export "trap") unreachable))
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02,
    0x01, 0x00, 0x07, 0x08, 0x01, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03,
    0x00, 0x00, 0x0b,
  ]);
  const { trap } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  assertThrows(() => trap(), WebAssembly.RuntimeError);
});
