// WPT url/resources/percent-encoding.json. The WPT test loads each input into a document of every
// listed encoding; only a document's encoding changes how the query is encoded, and a server
// runtime has no document, so only the "utf-8" expectations are meaningful here. They are
// checked the way percent-encoding.window.js checks them: the URL
// "https://doesnotmatter.invalid/?" + input + "#" + input has that search and hash.
const FILE = "url/resources/percent-encoding.json";

for (const testUnit of wptData(FILE)) {
  if (typeof testUnit === "string") continue;
  const expected = testUnit.output["utf-8"];
  wptTest(FILE, `Input ${testUnit.input} with encoding utf-8`, () => {
    const url = new URL(`https://doesnotmatter.invalid/?${testUnit.input}#${testUnit.input}`);
    assertEquals(url.hash, `#${expected}`, "fragment");
    assertEquals(url.search, `?${expected}`, "query");
  });
}
wptDone(FILE);
