// WPT url/resources/setters_tests.json, run as url-setters.any.js does: parse `href`, set the
// attribute to `new_value`, then every attribute listed in `expected` reads back as listed.
const FILE = "url/resources/setters_tests.json";
const data = wptData(FILE);

for (const attribute of Object.keys(data)) {
  if (attribute === "comment") continue;
  for (const testCase of data[attribute]) {
    let name = `Setting <${testCase.href}>.${attribute} = '${testCase.new_value}'`;
    if ("comment" in testCase) name += ` ${testCase.comment}`;
    wptTest(FILE, `URL: ${name}`, () => {
      const url = new URL(testCase.href);
      url[attribute] = testCase.new_value;
      for (const key of Object.keys(testCase.expected)) {
        assertEquals(url[key], testCase.expected[key], key);
      }
    });
  }
}
wptDone(FILE);
