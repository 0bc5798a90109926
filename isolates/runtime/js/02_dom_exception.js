// DOMException (https://webidl.spec.whatwg.org/#idl-DOMException).
//
// constructor(optional DOMString message = "", optional DOMString name = "Error"); `name`,
// `message` and `code` are brand-checked getters on the prototype; `code` comes from the legacy
// error names table (https://webidl.spec.whatwg.org/#dfn-error-names-table), 0 for other names.
// The legacy code constants (INDEX_SIZE_ERR = 1 … DATA_CLONE_ERR = 25) are on the constructor
// and the prototype. Instances are Error-like: DOMException.prototype inherits from
// Error.prototype (as the spec requires) and each instance gets an own `stack` from V8's
// Error.captureStackTrace (not in the spec; what browsers and Deno do).
// Instances are platform objects made by internals.createHostObject, so structuredClone() serializes
// them as the spec says (name and message; a new DOMException of the realm on the other side; see
// 41_structured_clone.js). Deviation: QuotaExceededError is still a plain DOMException name with
// code 22.
//
// Exports on `internals`: DOMException, isDOMException(value), and for the serializer
// domExceptionParts(value) -> [name, message] and reviveDOMException(object, message, name).

const {
  ErrorCaptureStackTrace,
  ErrorPrototype,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectSetPrototypeOf,
} = primordials;
const { configureInterface, illegalInvocation, installGlobal, isObject, toDOMString } = internals.webidl;
const { createHostObject, HostObjectSlots } = internals;

// https://webidl.spec.whatwg.org/#dfn-error-names-table (names with a legacy code only).
const codes = ObjectFreeze({
  __proto__: null,
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InUseAttributeError: 10,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
});

// https://webidl.spec.whatwg.org/#idl-DOMException (the const members), in declaration order.
const constants = [
  ["INDEX_SIZE_ERR", 1], ["DOMSTRING_SIZE_ERR", 2], ["HIERARCHY_REQUEST_ERR", 3],
  ["WRONG_DOCUMENT_ERR", 4], ["INVALID_CHARACTER_ERR", 5], ["NO_DATA_ALLOWED_ERR", 6],
  ["NO_MODIFICATION_ALLOWED_ERR", 7], ["NOT_FOUND_ERR", 8], ["NOT_SUPPORTED_ERR", 9],
  ["INUSE_ATTRIBUTE_ERR", 10], ["INVALID_STATE_ERR", 11], ["SYNTAX_ERR", 12],
  ["INVALID_MODIFICATION_ERR", 13], ["NAMESPACE_ERR", 14], ["INVALID_ACCESS_ERR", 15],
  ["VALIDATION_ERR", 16], ["TYPE_MISMATCH_ERR", 17], ["SECURITY_ERR", 18], ["NETWORK_ERR", 19],
  ["ABORT_ERR", 20], ["URL_MISMATCH_ERR", 21], ["QUOTA_EXCEEDED_ERR", 22], ["TIMEOUT_ERR", 23],
  ["INVALID_NODE_TYPE_ERR", 24], ["DATA_CLONE_ERR", 25],
];

let isDOMException;
let domExceptionParts;
let reviveDOMException;
let DOMException;

// The private state, stamped onto the host object (see 01_host_object.js).
class DOMExceptionSlots extends HostObjectSlots {
  #message;
  #name;
  #code;

  constructor(object) {
    super(object);
  }

  static {
    isDOMException = (value) => isObject(value) && #code in value;
    domExceptionParts = (value) => [value.#name, value.#message];
    // Turns a fresh host object from the structured deserializer into a DOMException in place.
    reviveDOMException = (object, message, name) => {
      const self = new DOMExceptionSlots(object);
      self.#message = message;
      self.#name = name;
      self.#code = codes[name] ?? 0;
      ObjectSetPrototypeOf(self, DOMException.prototype);
      ErrorCaptureStackTrace(self, reviveDOMException);
    };

    DOMException = class DOMException {
      constructor(message = undefined, name = undefined) {
        const prefix = "Failed to construct 'DOMException'";
        const convertedMessage = message === undefined ? "" : toDOMString(message, prefix, "Argument 1");
        const convertedName = name === undefined ? "Error" : toDOMString(name, prefix, "Argument 2");
        const self = new DOMExceptionSlots(createHostObject(new.target));
        self.#message = convertedMessage;
        self.#name = convertedName;
        self.#code = codes[convertedName] ?? 0;
        ErrorCaptureStackTrace(self, DOMException);
        return self;
      }

      get name() {
        if (!isDOMException(this)) throw illegalInvocation();
        return this.#name;
      }

      get message() {
        if (!isDOMException(this)) throw illegalInvocation();
        return this.#message;
      }

      get code() {
        if (!isDOMException(this)) throw illegalInvocation();
        return this.#code;
      }
    };
  }
}

ObjectSetPrototypeOf(DOMException.prototype, ErrorPrototype);
configureInterface(DOMException, "DOMException");
for (let i = 0; i < constants.length; i++) {
  const descriptor = {
    __proto__: null,
    value: constants[i][1],
    writable: false,
    enumerable: true,
    configurable: false,
  };
  ObjectDefineProperty(DOMException, constants[i][0], descriptor);
  ObjectDefineProperty(DOMException.prototype, constants[i][0], descriptor);
}

installGlobal("DOMException", DOMException);
internals.DOMException = DOMException;
internals.isDOMException = isDOMException;
internals.domExceptionParts = domExceptionParts;
internals.reviveDOMException = reviveDOMException;
