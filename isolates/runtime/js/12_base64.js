// atob() and btoa() (https://html.spec.whatwg.org/#atob), on the forgiving-base64 algorithms of
// https://infra.spec.whatwg.org/#forgiving-base64, done natively (ops.atob/btoa/base64Decode/
// base64Encode: one pass over the string, fast for large inputs).
//
// atob(data): data is converted to a DOMString; anything forgiving-base64 decode rejects throws an
// InvalidCharacterError DOMException; the result is the bytes as a string of U+0000-U+00FF.
// btoa(data): a DOMString with a code unit above U+00FF throws InvalidCharacterError.
//
// Exports on `internals` (for data: URLs, Blob and other users of base64):
//   forgivingBase64Decode(string) -> Uint8Array | null   (null: failure)
//   base64Encode(bytes) -> string                          (bytes: ArrayBuffer or any view)

const { DOMException } = internals;
const { installGlobal, requiredArguments, toDOMString } = internals.webidl;

function atob(data) {
  requiredArguments(arguments.length, 1, "Failed to execute 'atob'");
  const string = toDOMString(data, "Failed to execute 'atob'", "Argument 1");
  const decoded = ops.atob(string);
  if (decoded === null) {
    throw new DOMException(
      "Failed to execute 'atob': The string to be decoded is not correctly encoded.",
      "InvalidCharacterError",
    );
  }
  return decoded;
}

function btoa(data) {
  requiredArguments(arguments.length, 1, "Failed to execute 'btoa'");
  const string = toDOMString(data, "Failed to execute 'btoa'", "Argument 1");
  const encoded = ops.btoa(string);
  if (encoded === null) {
    throw new DOMException(
      "Failed to execute 'btoa': The string to be encoded contains characters outside of the Latin1 range.",
      "InvalidCharacterError",
    );
  }
  return encoded;
}

installGlobal("atob", atob);
installGlobal("btoa", btoa);

internals.forgivingBase64Decode = (string) => ops.base64Decode(`${string}`);
internals.base64Encode = (bytes) => ops.base64Encode(bytes);
