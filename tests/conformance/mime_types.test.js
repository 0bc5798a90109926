// WPT mimesniff/mime-types/resources/mime-types.json and generated-mime-types.json, checked as WPT's
// mimesniff/mime-types/parsing.any.js does: through Blob/File types and through
// Request/Response.blob() (the Content-Type parsed with "extract a MIME type" and serialized).
// Inputs that are not valid header values must make the Request/Response constructors throw.
// Inputs with leading or trailing HTTP whitespace, which WPT skips for Request/Response (header
// value normalization strips it), are checked here after that normalization.

const FILES = [
  "mimesniff/mime-types/resources/mime-types.json",
  "mimesniff/mime-types/resources/generated-mime-types.json",
];
// WPT uses "about:blank"; the URL does not matter to these checks.
const REQUEST_URL = "https://example.com/";

// https://fetch.spec.whatwg.org/#concept-header-value, as parsing.any.js classifies inputs, after
// https://fetch.spec.whatwg.org/#concept-header-value-normalize.
function isByteCompatible(string) {
  string = string.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  for (let i = 0; i < string.length; i++) {
    const c = string.charCodeAt(i);
    if (c > 0xff) return "incompatible";
    if (c === 0x00 || c === 0x0a || c === 0x0d) return "header-value-incompatible";
  }
  return "compatible";
}

for (const FILE of FILES) {
  for (const vector of wptData(FILE)) {
    if (typeof vector === "string") continue; // a comment
    const output = vector.output === null ? "" : vector.output;
    wptTest(FILE, `${vector.input} (Blob/File)`, () => {
      assertEquals(new Blob([], { type: vector.input }).type, output, "Blob");
      assertEquals(new File([], "noname", { type: vector.input }).type, output, "File");
    });
    wptTest(FILE, `${vector.input} (Request/Response)`, async () => {
      const headers = [["Content-Type", vector.input]];
      if (isByteCompatible(vector.input) !== "compatible") {
        assertThrows(() => new Request(REQUEST_URL, { headers }), TypeError);
        assertThrows(() => new Response(null, { headers }), TypeError);
        return;
      }
      assertEquals((await new Request(REQUEST_URL, { headers }).blob()).type, output, "Request");
      assertEquals((await new Response(null, { headers }).blob()).type, output, "Response");
    });
  }
  wptDone(FILE);
}
