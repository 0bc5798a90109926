// WPT fetch/data-urls/resources/data-urls.json through the data: URL processor
// (internals.parseDataURL, isolates/runtime/js/26_data_url.js), as WPT's
// fetch/data-urls/processing.any.js checks fetch(): failure (null) where fetch() would reject with
// a TypeError, else the serialized MIME type (the response's Content-Type) and the body's bytes.
// The processor uses the URL parser (internals.parseURL/serializeURL) and forgiving-base64 decode
// (internals.forgivingBase64Decode) from the URL and encoding implementations: until both are in
// the runtime, this file only reports that it is waiting for them (one test, named so).

const FILE = "fetch/data-urls/resources/data-urls.json";
const internals = globalThis.__internals;
const missing = ["parseURL", "serializeURL", "forgivingBase64Decode"].filter((name) => typeof internals[name] !== "function");

if (missing.length > 0) {
  test(`${FILE}: NOT RUN until the runtime has internals.${missing.join(", internals.")}`, () => {});
} else {
  defineDataUrlTests();
}

function defineDataUrlTests() {
  for (const [input, expectedMimeType, expectedBody] of wptData(FILE)) {
    wptTest(FILE, input, () => {
      const result = internals.parseDataURL(input);
      if (expectedMimeType === null) {
        assertEquals(result, null);
        return;
      }
      assert(result !== null, "expected a result, got failure");
      assertEquals(internals.serializeMimeType(result.mimeType), expectedMimeType, "MIME type");
      assertEquals(Array.from(result.body), expectedBody, "body");
    });
  }
  wptDone(FILE);
}
