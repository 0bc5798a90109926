// WPT url/resources/toascii.json, run as toascii.window.js does without a document: through
// `new URL("https://" + input + "/x")` and through the host and hostname setters (a failing
// input leaves the URL's host unchanged).
const FILE = "url/resources/toascii.json";

for (const hostTest of wptData(FILE)) {
  if (typeof hostTest === "string") continue;
  wptTest(FILE, `${hostTest.input} (using URL)`, () => {
    if (hostTest.output !== null) {
      const url = new URL(`https://${hostTest.input}/x`);
      assertEquals(url.host, hostTest.output, "host");
      assertEquals(url.hostname, hostTest.output, "hostname");
      assertEquals(url.pathname, "/x", "pathname");
      assertEquals(url.href, `https://${hostTest.output}/x`, "href");
    } else {
      assertThrows(() => new URL(`https://${hostTest.input}/x`), TypeError);
    }
  });
  wptTest(FILE, `${hostTest.input} (using URL.host)`, () => {
    const url = new URL("https://x/x");
    url.host = hostTest.input;
    assertEquals(url.host, hostTest.output !== null ? hostTest.output : "x");
  });
  wptTest(FILE, `${hostTest.input} (using URL.hostname)`, () => {
    const url = new URL("https://x/x");
    url.hostname = hostTest.input;
    assertEquals(url.hostname, hostTest.output !== null ? hostTest.output : "x");
  });
}
wptDone(FILE);
