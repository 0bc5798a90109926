// WPT url/resources/IdnaTestV2.json and IdnaTestV2-removed.json (UTS #46 conformance data,
// filtered for the URL Standard; the second holds cases newer UTS #46 versions dropped), run as
// IdnaTestV2.window.js does: `new URL("https://" + input + "/x")` has that host, or throws a
// TypeError when the output is null. Characters that would end the host are percent-encoded
// first, as the WPT test does.
const FILES = ["url/resources/IdnaTestV2.json", "url/resources/IdnaTestV2-removed.json"];

function encodeHostEndingCodePoints(input) {
  let output = "";
  for (const codePoint of input) {
    output += [":", "/", "?", "#", "\\"].includes(codePoint) ? encodeURIComponent(codePoint) : codePoint;
  }
  return output;
}

for (const FILE of FILES) {
  for (const idnaTest of wptData(FILE)) {
    if (typeof idnaTest === "string") continue;
    if (idnaTest.input === "") continue; // cannot be tested through new URL()
    const name = `ToASCII("${idnaTest.input}")${idnaTest.comment ? " " + idnaTest.comment : ""}`;
    wptTest(FILE, name, () => {
      const input = `https://${encodeHostEndingCodePoints(idnaTest.input)}/x`;
      if (idnaTest.output === null) {
        assertThrows(() => new URL(input), TypeError);
      } else {
        const url = new URL(input);
        assertEquals(url.host, idnaTest.output, "host");
        assertEquals(url.hostname, idnaTest.output, "hostname");
        assertEquals(url.pathname, "/x", "pathname");
        assertEquals(url.href, `https://${idnaTest.output}/x`, "href");
      }
    });
  }
  wptDone(FILE);
}
