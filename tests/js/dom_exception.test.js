// Tests for DOMException (isolates/runtime/js/02_dom_exception.js).
// Spec: https://webidl.spec.whatwg.org/#idl-DOMException

test("DOMException is installed like a Web IDL interface", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "DOMException");
  assertEquals(typeof descriptor.value, "function");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(DOMException.name, "DOMException");
  assertEquals(DOMException.length, 0);
  assertEquals(Object.prototype.toString.call(new DOMException()), "[object DOMException]");
  assertEquals(Object.getOwnPropertyDescriptor(DOMException, "prototype").writable, false);
  for (const name of ["name", "message", "code"]) {
    const d = Object.getOwnPropertyDescriptor(DOMException.prototype, name);
    assertEquals(typeof d.get, "function", name);
    assertEquals(d.set, undefined, name);
    assertEquals(d.enumerable, true, name);
  }
});

test("DOMException requires new", () => {
  assertThrows(() => DOMException(), TypeError);
});

test("defaults: message '' and name 'Error', code 0", () => {
  const e = new DOMException();
  assertEquals(e.message, "");
  assertEquals(e.name, "Error");
  assertEquals(e.code, 0);
  const u = new DOMException(undefined, undefined);
  assertEquals(u.message, "");
  assertEquals(u.name, "Error");
});

test("message and name are converted to strings", () => {
  const e = new DOMException(42, { toString: () => "NotFoundError" });
  assertEquals(e.message, "42");
  assertEquals(e.name, "NotFoundError");
  assertEquals(e.code, 8);
  assertEquals(new DOMException(null, null).name, "null");
  assertThrows(() => new DOMException(Symbol("x")), TypeError);
});

test("legacy codes of the error names table", () => {
  const table = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
    InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
    InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19,
    AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
    InvalidNodeTypeError: 24, DataCloneError: 25,
    EncodingError: 0, NotReadableError: 0, DataError: 0, OperationError: 0, NotAllowedError: 0,
    DOMStringSizeError: 0, ValidationError: 0, abortError: 0, constructor: 0, __proto__: 0,
    toString: 0,
  };
  for (const name of Object.keys(table)) {
    assertEquals(new DOMException("m", name).code, table[name], name);
  }
});

test("code constants on the constructor and the prototype", () => {
  const constants = [
    "INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR", "WRONG_DOCUMENT_ERR",
    "INVALID_CHARACTER_ERR", "NO_DATA_ALLOWED_ERR", "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR",
    "NOT_SUPPORTED_ERR", "INUSE_ATTRIBUTE_ERR", "INVALID_STATE_ERR", "SYNTAX_ERR",
    "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR", "VALIDATION_ERR",
    "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR", "ABORT_ERR", "URL_MISMATCH_ERR",
    "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR", "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR",
  ];
  for (let i = 0; i < constants.length; i++) {
    for (const owner of [DOMException, DOMException.prototype]) {
      const d = Object.getOwnPropertyDescriptor(owner, constants[i]);
      assertEquals(d.value, i + 1, constants[i]);
      assertEquals(d.writable, false);
      assertEquals(d.enumerable, true);
      assertEquals(d.configurable, false);
    }
  }
  assertEquals(new DOMException("", "AbortError").ABORT_ERR, 20);
});

test("instances are Error-like", () => {
  const e = new DOMException("boom", "SyntaxError");
  assert(e instanceof DOMException);
  assert(e instanceof Error);
  assertEquals(Object.getPrototypeOf(DOMException.prototype), Error.prototype);
  assertEquals(Object.getPrototypeOf(DOMException), Function.prototype);
  assertEquals(typeof e.stack, "string");
  assert(e.stack.includes("SyntaxError: boom"), e.stack);
  assertEquals(String(e), "SyntaxError: boom");
  assertEquals(Object.keys(e), []);
  assertEquals(Object.prototype.hasOwnProperty.call(e, "message"), false);
});

test("getters are brand-checked", () => {
  for (const name of ["name", "message", "code"]) {
    const getter = Object.getOwnPropertyDescriptor(DOMException.prototype, name).get;
    assertThrows(() => getter.call({}), TypeError, "Illegal invocation");
    assertThrows(() => getter.call(new Error("x")), TypeError);
    assertThrows(() => getter.call(undefined), TypeError);
  }
  assertThrows(() => DOMException.prototype.name, TypeError);
});

test("subclasses work", () => {
  class MyError extends DOMException {
    constructor() {
      super("custom", "DataCloneError");
    }
  }
  const e = new MyError();
  assertEquals(e.name, "DataCloneError");
  assertEquals(e.code, 25);
  assert(e instanceof DOMException);
});
