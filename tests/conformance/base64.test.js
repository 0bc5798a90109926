// fetch/data-urls/resources/base64.json through atob(): forgiving-base64 decode
// (https://infra.spec.whatwg.org/#forgiving-base64-decode). Each case is [input, bytes-or-null];
// null means atob throws an InvalidCharacterError DOMException.
const file = "fetch/data-urls/resources/base64.json";
for (const [input, expected] of wptData(file)) {
  wptTest(file, JSON.stringify(input), () => {
    if (expected === null) {
      const error = assertThrows(() => atob(input), DOMException);
      assertEquals(error.name, "InvalidCharacterError");
      return;
    }
    const decoded = atob(input);
    const bytes = [];
    for (let i = 0; i < decoded.length; i++) bytes.push(decoded.charCodeAt(i));
    assertEquals(bytes, expected);
  });
}
wptDone(file);
