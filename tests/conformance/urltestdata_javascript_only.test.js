// WPT url/resources/urltestdata-javascript-only.json (lone surrogates, which only a JavaScript
// string can carry): same checks as urltestdata.test.js. The JSON is parsed inside V8.
const FILE = "url/resources/urltestdata-javascript-only.json";

for (const expected of wptData(FILE)) {
  if (typeof expected === "string") continue;
  const base = expected.base !== null ? expected.base : undefined;
  const against = expected.base ? `against <${expected.base}>` : "without base";
  wptTest(FILE, `Parsing: <${expected.input}> ${against}`, () => {
    if (expected.failure) {
      assertThrows(() => new URL(expected.input, base), TypeError);
      assertEquals(URL.canParse(expected.input, base), false, "canParse");
      return;
    }
    const url = new URL(expected.input, base);
    for (const key of ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"]) {
      if (key in expected) assertEquals(url[key], expected[key], key);
    }
    assertEquals(URL.canParse(expected.input, base), true, "canParse");
  });
}
wptDone(FILE);
