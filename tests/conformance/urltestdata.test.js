// WPT url/resources/urltestdata.json, run the way url-constructor.any.js, url-origin.any.js,
// url-statics-canparse.any.js and url-statics-parse.any.js run it: `new URL(input, base)` gives
// every listed component (or throws a TypeError for failures), URL.canParse and URL.parse agree,
// and searchParams serializes as listed.
const FILE = "url/resources/urltestdata.json";

function check(expected) {
  const base = expected.base !== null ? expected.base : undefined;
  if (expected.failure) {
    assertThrows(() => new URL(expected.input, base), TypeError);
    assertEquals(URL.canParse(expected.input, base), false, "canParse");
    assertEquals(URL.parse(expected.input, base), null, "parse");
    return;
  }
  const url = new URL(expected.input, base);
  assertEquals(url.href, expected.href, "href");
  if ("origin" in expected) assertEquals(url.origin, expected.origin, "origin");
  assertEquals(url.protocol, expected.protocol, "protocol");
  assertEquals(url.username, expected.username, "username");
  assertEquals(url.password, expected.password, "password");
  assertEquals(url.host, expected.host, "host");
  assertEquals(url.hostname, expected.hostname, "hostname");
  assertEquals(url.port, expected.port, "port");
  assertEquals(url.pathname, expected.pathname, "pathname");
  assertEquals(url.search, expected.search, "search");
  if ("searchParams" in expected) {
    assertEquals(url.searchParams.toString(), expected.searchParams, "searchParams");
  }
  assertEquals(url.hash, expected.hash, "hash");
  assertEquals(URL.canParse(expected.input, base), true, "canParse");
  assertEquals(URL.parse(expected.input, base).href, expected.href, "parse");
}

for (const expected of wptData(FILE)) {
  if (typeof expected === "string") continue;
  const against = expected.base ? `against <${expected.base}>` : "without base";
  wptTest(FILE, `Parsing: <${expected.input}> ${against}`, () => check(expected));
}
wptDone(FILE);
