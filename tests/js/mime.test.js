// Tests for MIME type parsing and serializing and Fetch's "extract a MIME type"
// (isolates/runtime/js/07_mime.js), directly through __internals and through Body.blob().
// Specs: https://mimesniff.spec.whatwg.org/#understanding-mime-types,
// https://fetch.spec.whatwg.org/#concept-header-extract-mime-type
// The web-platform-tests' vectors run in tests/conformance/mime_types.test.js.

const internals = globalThis.__internals;

function roundTrip(input) {
  const record = internals.parseMimeType(input);
  return record === null ? null : internals.serializeMimeType(record);
}

function extract(...contentTypes) {
  const record = internals.extractMimeType(contentTypes.map((value) => ["content-type", value]));
  return record === null ? null : internals.serializeMimeType(record);
}

if (internals === undefined || internals === null) {
  test("mime tests need globalThis.__internals", () => {
    throw new Error("globalThis.__internals is not installed by the test host");
  });
} else {
  defineMimeTests();
}

function defineMimeTests() {
  test("parseMimeType returns a record with lowercase type, subtype and parameter names", () => {
    const record = internals.parseMimeType(" Text/HTML ; Charset=\"UTF-8\" ; q=1 ");
    assertEquals(record.type, "text");
    assertEquals(record.subtype, "html");
    assertEquals([...record.parameters], [["charset", "UTF-8"], ["q", "1"]]);
    assertEquals(internals.mimeEssence(record), "text/html");
    assertEquals(Object.getPrototypeOf(record), null);
  });

  test("parse and serialize", () => {
    const cases = [
      ["text/plain", "text/plain"],
      ["TEXT/PLAIN", "text/plain"],
      ["text/plain;charset=utf-8", "text/plain;charset=utf-8"],
      ["text/plain; charset=UTF-8", "text/plain;charset=UTF-8"],
      ["text/plain;CHARSET=x;charset=y", "text/plain;charset=x"],
      ["text/plain;charset=\"a\\\"b\"", "text/plain;charset=\"a\\\"b\""],
      ["text/plain;charset=\"a b\"", "text/plain;charset=\"a b\""],
      ["text/plain;charset=\"\"", "text/plain;charset=\"\""],
      ["text/plain;charset=", "text/plain"],
      ["text/plain;=x;y", "text/plain"],
      ["text/plain;a=b\\c", "text/plain;a=\"b\\\\c\""],
      ["text/plain;a=\"unterminated", "text/plain;a=unterminated"],
      ["text/plain;a=\"x\"junk;b=2", "text/plain;a=x;b=2"],
      ["text/plain;a=\u00ff", "text/plain;a=\"\u00ff\""],
      ["text/plain;a=\u0100", "text/plain"],
      ["\t\r\n text/plain \n", "text/plain"],
      ["multipart/form-data; boundary=----x", "multipart/form-data;boundary=----x"],
      ["", null],
      ["text", null],
      ["text/", null],
      ["/plain", null],
      ["te xt/plain", null],
      ["text/pl ain", null],
      ["text/plain\u0000", null],
      ["text/(plain)", null],
      ["\u00e9/x", null],
    ];
    for (const [input, expected] of cases) {
      assertEquals(roundTrip(input), expected, JSON.stringify(input));
    }
  });

  test("serializeMimeType quotes values that are not tokens", () => {
    const record = internals.parseMimeType("a/b");
    record.parameters.set("x", "has space");
    record.parameters.set("y", "token");
    record.parameters.set("z", "");
    record.parameters.set("w", "q\"b\\s");
    assertEquals(internals.serializeMimeType(record), "a/b;x=\"has space\";y=token;z=\"\";w=\"q\\\"b\\\\s\"");
  });

  test("getDecodeSplit splits on commas outside quotes", () => {
    assertEquals(internals.getDecodeSplit("a, b ,c"), ["a", "b", "c"]);
    assertEquals(internals.getDecodeSplit("text/plain;a=\"1,2\", x/y"), ["text/plain;a=\"1,2\"", "x/y"]);
    assertEquals(internals.getDecodeSplit("\"unterminated, x"), ["\"unterminated, x"]);
    assertEquals(internals.getDecodeSplit(""), [""]);
    assertEquals(internals.getDecodeSplit(",,"), ["", "", ""]);
  });

  test("collectHttpQuotedString", () => {
    assertEquals(internals.collectHttpQuotedString("\"a\\\"b\"rest", 0, true).value, "a\"b");
    assertEquals(internals.collectHttpQuotedString("\"a\\\"b\"rest", 0, true).position, 6);
    assertEquals(internals.collectHttpQuotedString("\"a\\\"b\"rest", 0, false).value, "\"a\\\"b\"");
    assertEquals(internals.collectHttpQuotedString("\"abc\\", 0, true).value, "abc\\");
    assertEquals(internals.collectHttpQuotedString("x\"q\"", 1, true).value, "q");
  });

  test("extractMimeType: the last valid type wins, */* and invalid ones are skipped", () => {
    assertEquals(extract(), null);
    assertEquals(extract("text/plain"), "text/plain");
    assertEquals(extract("text/plain", "text/html"), "text/html");
    assertEquals(extract("text/html", "*/*"), "text/html");
    assertEquals(extract("text/html", "bogus"), "text/html");
    assertEquals(extract("bogus"), null);
    assertEquals(extract(""), null);
    assertEquals(extract("text/html, text/plain"), "text/plain");
    assertEquals(extract("text/plain;a=\"x,y\""), "text/plain;a=\"x,y\"");
  });

  test("extractMimeType keeps the charset of an earlier value with the same essence", () => {
    assertEquals(extract("text/html;charset=gbk", "text/html"), "text/html;charset=gbk");
    assertEquals(extract("text/html;charset=gbk", "text/html;x=y"), "text/html;x=y;charset=gbk");
    assertEquals(extract("text/html;charset=gbk", "text/plain"), "text/plain");
    assertEquals(extract("text/html;charset=gbk", "text/plain", "text/html"), "text/html");
    assertEquals(extract("text/html;charset=gbk", "text/html;charset=utf-8"), "text/html;charset=utf-8");
    assertEquals(extract("text/html;charset=gbk, */*", "text/html"), "text/html;charset=gbk");
  });

  test("Body.blob() takes its type from the Content-Type, serialized", async () => {
    const cases = [
      [null, ""],
      ["text/plain", "text/plain"],
      ["Text/HTML; Charset=GBK", "text/html;charset=GBK"],
      ["bogus", ""],
      ["*/*", ""],
    ];
    for (const [contentType, expected] of cases) {
      const headers = contentType === null ? {} : { "content-type": contentType };
      assertEquals((await new Response(null, { headers }).blob()).type, expected, String(contentType));
      assertEquals((await new Request("https://example.com/", { headers }).blob()).type, expected, String(contentType));
    }
    const blob = await new Response("x").blob();
    assertEquals(blob.type, "text/plain;charset=UTF-8", "not lowercased like a Blob constructor's type");
    assertEquals(await blob.text(), "x");
  });

  test("Body.blob() reads the Content-Type at the time of the call", async () => {
    const response = new Response("x", { headers: { "content-type": "a/b" } });
    response.headers.append("content-type", "c/d;charset=q");
    assertEquals((await response.blob()).type, "c/d;charset=q");
  });
}
