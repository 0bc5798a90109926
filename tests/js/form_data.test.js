// Tests for FormData (isolates/runtime/js/16_form_data.js). Spec:
// https://xhr.spec.whatwg.org/#interface-formdata. Encoding and parsing bodies are tested in
// request.test.js and response.test.js.

test("FormData is installed like a Web IDL interface", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "FormData");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(FormData.length, 0);
  assertEquals(Object.prototype.toString.call(new FormData()), "[object FormData]");
  assertThrows(() => FormData(), TypeError);
  const methods = [
    ["append", 2], ["delete", 1], ["get", 1], ["getAll", 1], ["has", 1], ["set", 2], ["forEach", 1],
    ["entries", 0], ["keys", 0], ["values", 0],
  ];
  for (const [name, length] of methods) {
    const method = Object.getOwnPropertyDescriptor(FormData.prototype, name);
    assertEquals(typeof method.value, "function", name);
    assertEquals(method.value.length, length, name);
    assertEquals(method.enumerable, true, name);
  }
  assertEquals(FormData.prototype[Symbol.iterator], FormData.prototype.entries);
});

test("a form argument is a TypeError (no HTMLFormElement on a server)", () => {
  assertThrows(() => new FormData({}), TypeError, "HTMLFormElement");
  assertThrows(() => new FormData(null), TypeError);
  assertEquals([...new FormData(undefined)], []);
});

test("append, get, getAll, has, delete with strings", () => {
  const form = new FormData();
  form.append("a", "1");
  form.append("b", "2");
  form.append("a", "3");
  assertEquals(form.get("a"), "1");
  assertEquals(form.getAll("a"), ["1", "3"]);
  assertEquals(form.get("missing"), null);
  assertEquals(form.getAll("missing"), []);
  assertEquals(form.has("b"), true);
  assertEquals(form.has("B"), false, "names are case-sensitive");
  form.delete("a");
  assertEquals([...form], [["b", "2"]]);
  form.delete("nothing");
  assertEquals([...form], [["b", "2"]]);
});

test("names and values are USVStrings", () => {
  const form = new FormData();
  form.append(1, 2);
  form.append({ toString: () => "obj" }, null);
  form.append("lone\ud800", "x\udc00");
  assertEquals([...form], [["1", "2"], ["obj", "null"], ["lone\ufffd", "x\ufffd"]]);
  assertThrows(() => form.append(Symbol("a"), "x"), TypeError);
  assertThrows(() => form.append("a", Symbol("x")), TypeError);
});

test("set replaces the first entry in place and removes the others", () => {
  const form = new FormData();
  form.append("a", "1");
  form.append("b", "2");
  form.append("a", "3");
  form.append("c", "4");
  form.set("a", "new");
  assertEquals([...form], [["a", "new"], ["b", "2"], ["c", "4"]]);
  form.set("d", "appended");
  assertEquals([...form.keys()], ["a", "b", "c", "d"]);
});

test("a Blob value becomes a File named 'blob' with the Blob's type and bytes", async () => {
  const form = new FormData();
  const blob = new Blob(["data"], { type: "text/x-data" });
  form.append("upload", blob);
  const value = form.get("upload");
  assert(value instanceof File);
  assertEquals(value.name, "blob");
  assertEquals(value.type, "text/x-data");
  assertEquals(await value.text(), "data");
  assert(Math.abs(value.lastModified - Date.now()) < 60000);
});

test("a File value is kept as is", () => {
  const form = new FormData();
  const file = new File(["x"], "x.txt");
  form.append("f", file);
  assertEquals(form.get("f"), file);
});

test("a filename makes a new File with that name, the same bytes, type and lastModified", async () => {
  const form = new FormData();
  const file = new File(["abc"], "original.txt", { type: "text/plain", lastModified: 1000 });
  form.append("f", file, "renamed.txt");
  const value = form.get("f");
  assert(value !== file);
  assertEquals(value.name, "renamed.txt");
  assertEquals(value.type, "text/plain");
  assertEquals(value.lastModified, 1000);
  assertEquals(await value.text(), "abc");
  form.set("b", new Blob(["z"]), "z.bin");
  assertEquals(form.get("b").name, "z.bin");
  form.append("s", new Blob(["q"]), undefined);
  assertEquals(form.get("s").name, "blob", "an undefined filename is no filename");
});

test("three arguments need a Blob value", () => {
  const form = new FormData();
  assertThrows(() => form.append("a", "string", "file.txt"), TypeError, "parameter 2 is not of type 'Blob'");
  assertThrows(() => form.set("a", {}, "file.txt"), TypeError, "parameter 2 is not of type 'Blob'");
  assertThrows(() => form.append("a", "string", undefined), TypeError, "Blob");
  assertEquals([...form], []);
});

test("the overload is chosen before any conversion", () => {
  const form = new FormData();
  let converted = false;
  const name = { toString() { converted = true; return "n"; } };
  assertThrows(() => form.append(name, "value", "filename"), TypeError);
  assertEquals(converted, false);
});

test("required arguments", () => {
  const form = new FormData();
  assertThrows(() => form.append("a"), TypeError, "2 arguments required");
  assertThrows(() => form.set("a"), TypeError, "2 arguments required");
  for (const name of ["get", "getAll", "has", "delete"]) {
    assertThrows(() => form[name](), TypeError, "1 argument required", name);
  }
});

test("iterators: entries, keys, values and the default iterator", () => {
  const form = new FormData();
  form.append("a", "1");
  form.append("b", "2");
  assertEquals([...form.entries()], [["a", "1"], ["b", "2"]]);
  assertEquals([...form.keys()], ["a", "b"]);
  assertEquals([...form.values()], ["1", "2"]);
  const iterator = form.entries();
  const prototype = Object.getPrototypeOf(iterator);
  assertEquals(Object.prototype.toString.call(iterator), "[object FormData Iterator]");
  assertEquals(Object.getPrototypeOf(prototype), Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  assertEquals(Object.getOwnPropertyNames(prototype), ["next"]);
  assertEquals(iterator[Symbol.iterator](), iterator);
  assertThrows(() => prototype.next.call({}), TypeError, "Illegal invocation");
});

test("iterators see changes made while iterating", () => {
  const form = new FormData();
  form.append("a", "1");
  const seen = [];
  for (const [name] of form) {
    seen.push(name);
    if (name === "a") form.append("b", "2");
  }
  assertEquals(seen, ["a", "b"]);
  const iterator = form.keys();
  iterator.next();
  form.delete("a");
  assertEquals(iterator.next(), { value: undefined, done: true }, "the index moved past the remaining entry");
});

test("forEach passes value, name and the FormData", () => {
  const form = new FormData();
  form.append("a", "1");
  form.append("b", "2");
  const calls = [];
  const self = {};
  form.forEach(function (value, name, object) {
    calls.push([value, name, object === form, this === self]);
  }, self);
  assertEquals(calls, [["1", "a", true, true], ["2", "b", true, true]]);
  assertThrows(() => form.forEach(), TypeError);
  assertThrows(() => form.forEach("not callable"), TypeError, "not a function");
});

test("brand checks", () => {
  for (const name of ["append", "delete", "get", "getAll", "has", "set", "forEach", "entries", "keys", "values"]) {
    assertThrows(() => FormData.prototype[name].call({}, "a", "b"), TypeError, "Illegal invocation", name);
  }
});

test("FormData prints its entries, repeated names as arrays", () => {
  const form = new FormData();
  form.append("a", "1");
  form.append("b", "2");
  form.append("b", "3");
  form.append("f", new File(["xy"], "f.txt", { type: "text/plain", lastModified: 5 }));
  const logs = captureLogs(() => console.log(form));
  assertEquals(logs, [[
    "log",
    "FormData {\n  a: '1',\n  b: [ '2', '3' ],\n  f: File { size: 2, type: 'text/plain', name: 'f.txt', lastModified: 5 }\n}",
  ]]);
  assertEquals(captureLogs(() => console.log(new FormData())), [["log", "FormData {}"]]);
});

test("subclasses work", () => {
  class MyForm extends FormData {
    get count() {
      return [...this].length;
    }
  }
  const form = new MyForm();
  form.append("a", "1");
  assertEquals(form.count, 1);
});
