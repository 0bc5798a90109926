// Tests for the URL interface (isolates/runtime/js/05_url.js, 12_url_api.js). The WPT vectors
// (tests/conformance/url*.test.js) cover parsing and the setters exhaustively; these cover the
// interface itself: Web IDL shape, argument handling, errors, statics, searchParams linkage,
// caching, and a few behaviours worth pinning down by name.

test("URL is a global interface with the Web IDL shape", () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "URL");
  assertEquals(descriptor.writable, true);
  assertEquals(descriptor.enumerable, false);
  assertEquals(descriptor.configurable, true);
  assertEquals(typeof URL, "function");
  assertEquals(URL.length, 1);
  assertEquals(URL.name, "URL");
  assertEquals(Object.prototype.toString.call(new URL("http://h/")), "[object URL]");
  for (const name of ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "searchParams", "hash"]) {
    const attribute = Object.getOwnPropertyDescriptor(URL.prototype, name);
    assertEquals(typeof attribute.get, "function", name);
    assertEquals(attribute.enumerable, true, name);
    const readonly = name === "origin" || name === "searchParams";
    assertEquals(typeof attribute.set, readonly ? "undefined" : "function", name);
  }
  for (const name of ["toString", "toJSON"]) {
    assertEquals(Object.getOwnPropertyDescriptor(URL.prototype, name).enumerable, true, name);
  }
  assertEquals(Object.getOwnPropertyDescriptor(URL, "canParse").enumerable, true);
  assertEquals(Object.getOwnPropertyDescriptor(URL, "parse").enumerable, true);
  assertEquals(Object.keys(new URL("http://h/")), []);
});

test("URL requires new and an argument", () => {
  assertThrows(() => URL("http://h/"), TypeError);
  assertThrows(() => new URL(), TypeError, "1 argument required");
});

test("components of a typical request URL", () => {
  const url = new URL("https://user:pa%20ss@Example.COM:8443/a/b/../c?x=1&y=%20#frag");
  assertEquals(url.href, "https://user:pa%20ss@example.com:8443/a/c?x=1&y=%20#frag");
  assertEquals(url.origin, "https://example.com:8443");
  assertEquals(url.protocol, "https:");
  assertEquals(url.username, "user");
  assertEquals(url.password, "pa%20ss");
  assertEquals(url.host, "example.com:8443");
  assertEquals(url.hostname, "example.com");
  assertEquals(url.port, "8443");
  assertEquals(url.pathname, "/a/c");
  assertEquals(url.search, "?x=1&y=%20");
  assertEquals(url.hash, "#frag");
  assertEquals(url.toString(), url.href);
  assertEquals(url.toJSON(), url.href);
  assertEquals(JSON.stringify({ url }), `{"url":"${url.href}"}`);
  assertEquals(`${url}`, url.href);
});

test("relative URLs against a base string or a URL object", () => {
  assertEquals(new URL("../x?y#z", "http://h/a/b/c").href, "http://h/a/x?y#z");
  const base = new URL("https://example.com/dir/page");
  assertEquals(new URL("other", base).href, "https://example.com/dir/other");
  assertEquals(new URL("//cdn.example/x", base).href, "https://cdn.example/x");
  assertEquals(new URL("", base).href, "https://example.com/dir/page");
  assertEquals(new URL("#only", "http://h/p?q#old").href, "http://h/p?q#only");
  assertEquals(new URL("#f", "sc:opaque").href, "sc:opaque#f");
  assertThrows(() => new URL("x", "sc:opaque"), TypeError);
});

test("an invalid base throws even when the input is absolute", () => {
  const error = assertThrows(() => new URL("http://abs/", "not a base"), TypeError);
  assertEquals(error.message, "Invalid base URL: not a base");
  assertEquals(new URL("http://abs/", undefined).href, "http://abs/");
  assertThrows(() => new URL("http://abs/", null), TypeError, "Invalid base URL: null");
});

test("invalid URLs throw TypeError 'Invalid URL: <input>'", () => {
  const error = assertThrows(() => new URL("relative"), TypeError);
  assertEquals(error.message, "Invalid URL: relative");
  assertEquals(Object.getPrototypeOf(error), TypeError.prototype);
  assertEquals(assertThrows(() => new URL("/x", "mailto:a@b"), TypeError).message, "Invalid URL: /x with base mailto:a@b");
  for (const input of ["", "http://", "http://a b/", "http://[::1/", "http://1.2.3.4.5/", "http://999.1.1.1/", "https://xn--a.\u00df/", "http://h:65536/", "http://h:x/", "http://%00/"]) {
    assertThrows(() => new URL(input), TypeError, "Invalid URL", JSON.stringify(input));
  }
});

test("arguments are converted with ToString", () => {
  assertEquals(new URL({ toString: () => "http://obj/" }).href, "http://obj/");
  assertEquals(new URL("x", { toString: () => "http://base/" }).href, "http://base/x");
  assertThrows(() => new URL(Symbol("s")), TypeError);
  const order = [];
  assertThrows(() => new URL({ toString() { order.push("url"); throw new RangeError("u"); } }, { toString() { order.push("base"); return "http://b/"; } }), RangeError);
  assertEquals(order, ["url"]);
});

test("URL.canParse and URL.parse", () => {
  assertEquals(URL.canParse("http://h/"), true);
  assertEquals(URL.canParse("nope"), false);
  assertEquals(URL.canParse("x", "http://h/"), true);
  assertEquals(URL.canParse("x", "bad base"), false);
  assertEquals(URL.canParse("http://h/", undefined), true);
  assertThrows(() => URL.canParse(), TypeError, "1 argument required");
  const parsed = URL.parse("a?b", "http://h/dir/");
  assert(parsed instanceof URL);
  assertEquals(parsed.href, "http://h/dir/a?b");
  assertEquals(URL.parse("nope"), null);
  assertEquals(URL.parse("x", "bad base"), null);
  assertThrows(() => URL.parse(), TypeError);
  class MyURL extends URL {}
  assertEquals(Object.getPrototypeOf(MyURL.parse("http://h/")), URL.prototype, "URL.parse makes a URL, not a subclass");
});

test("IDNA: Unicode hosts become Punycode, ASCII hosts are only lowercased", () => {
  assertEquals(new URL("https://M\u00fcnchen.de/").hostname, "xn--mnchen-3ya.de");
  assertEquals(new URL("https://\u4f8b\u3048.\u30c6\u30b9\u30c8/").hostname, "xn--r8jz45g.xn--zckzah");
  assertEquals(new URL("https://fa\u00df.de/").hostname, "xn--fa-hia.de", "nontransitional: \u00df is kept");
  assertEquals(new URL("https://EXAMPLE.com/").hostname, "example.com");
  assertEquals(new URL("https://xn--MNCHEN-3ya.de/").hostname, "xn--mnchen-3ya.de");
  assertEquals(new URL("https://\uff27\uff4f.com/").hostname, "go.com", "fullwidth letters are mapped");
  assertEquals(new URL("https://a\u3002b/").hostname, "a.b", "ideographic full stop separates labels");
  assertEquals(new URL("https://%F0%9F%92%A9.la/").hostname, "xn--ls8h.la", "percent-decoded before IDNA");
  assertThrows(() => new URL("https://a\u200db/"), TypeError, "Invalid URL", "CheckJoiners");
  assertThrows(() => new URL("https://\u00ad/"), TypeError, "Invalid URL", "empty after mapping");
  assertEquals(new URL("https://-x.y-/").hostname, "-x.y-", "CheckHyphens is false");
  assertEquals(new URL("https://a..b/").hostname, "a..b", "VerifyDnsLength is false");
  assertEquals(new URL("https://" + "a".repeat(70) + ".\u00e9/").hostname, "a".repeat(70) + ".xn--9ca");
});

test("hosts: IPv4 number forms, IPv6, opaque hosts", () => {
  const cases = [
    ["http://0x7f.1/", "127.0.0.1"],
    ["http://0177.0.0.1/", "127.0.0.1"],
    ["http://2130706433/", "127.0.0.1"],
    ["http://127.1/", "127.0.0.1"],
    ["http://1.2.3.4./", "1.2.3.4"],
    ["http://0x/", "0.0.0.0"],
    ["http://[0:0::1]/", "[::1]"],
    ["http://[1:0:0:2:0:0:0:3]/", "[1:0:0:2::3]"],
    ["http://[::ffff:192.168.0.1]/", "[::ffff:c0a8:1]"],
    ["http://%31%32%37.0.0.1/", "127.0.0.1"],
    ["foo://Opaque.Host/", "Opaque.Host"],
    ["foo://h%C3%A9/", "h%C3%A9"],
    ["foo://\u00e9/", "%C3%A9"],
  ];
  for (const [input, host] of cases) assertEquals(new URL(input).hostname, host, input);
  for (const input of ["http://1.2.3.256/", "http://0x100000000/", "http://[::1::]/", "http://[1:2:3:4:5:6:7:8:9]/", "http://a.0x1/x", "foo://a b/", "http://1.2.3.09/"]) {
    assertThrows(() => new URL(input), TypeError, "Invalid URL", input);
  }
  assertEquals(new URL("http://a.0x1g/").hostname, "a.0x1g", "not a number: a domain");
  assertEquals(new URL("http://0x1.a/").hostname, "0x1.a", "only the last label decides IPv4");
});

test("special and non-special schemes, file URLs, opaque paths", () => {
  assertEquals(new URL("HTTP://h:80/").href, "http://h/");
  assertEquals(new URL("ws://h:80/").port, "");
  assertEquals(new URL("wss://h:443/").port, "");
  assertEquals(new URL("ftp://h:21/").port, "");
  assertEquals(new URL("foo://h:80/").port, "80");
  assertEquals(new URL("http://h\\a\\b").pathname, "/a/b");
  assertEquals(new URL("foo://h/a\\b").pathname, "/a\\b");
  assertThrows(() => new URL("foo://h\\a"), TypeError, "Invalid URL", "\\ is a forbidden host code point");
  assertEquals(new URL("file:///C:/x/../../y").href, "file:///C:/y");
  assertEquals(new URL("file://localhost/etc").href, "file:///etc");
  assertEquals(new URL("file:c:\\dir\\f").href, "file:///c:/dir/f");
  assertEquals(new URL("..", "file:///C:/").href, "file:///C:/");
  const mailto = new URL("mailto:Someone@Example.com?subject=hi");
  assertEquals([mailto.pathname, mailto.search, mailto.host, mailto.origin], ["Someone@Example.com", "?subject=hi", "", "null"]);
  assertEquals(new URL("data:text/plain,a b").pathname, "text/plain,a b");
  assertEquals(new URL("javascript:alert(1)").protocol, "javascript:");
  assertEquals(new URL("sc:/a/../b").href, "sc:/b");
  assertEquals(new URL("sc:/.//p").href, "sc:/.//p");
  assertEquals(new URL("blob:https://example.com:8080/uuid").origin, "https://example.com:8080");
  assertEquals(new URL("blob:ftp://h/").origin, "null");
});

test("percent-encoding of each component", () => {
  const url = new URL("http://h/p a\"<>`{}^|?q a\"'<>#f a\"<>`");
  assertEquals(url.pathname, "/p%20a%22%3C%3E%60%7B%7D%5E|");
  assertEquals(url.search, "?q%20a%22%27%3C%3E");
  assertEquals(url.hash, "#f%20a%22%3C%3E%60");
  assertEquals(new URL("foo://h/?'").search, "?'", "' is encoded in special queries only");
  assertEquals(new URL("http://h/\u00e9\ud83d\ude00").pathname, "/%C3%A9%F0%9F%98%80");
  assertEquals(new URL("http://h/\ud800x").pathname, "/%EF%BF%BDx", "a lone surrogate is U+FFFD");
  assertEquals(new URL("http://h/%zz%41").pathname, "/%zz%41", "existing escapes are kept");
  assertEquals(new URL("http://a b@h/").username, "a%20b");
  assertEquals(new URL("http://a:b:c@h/").password, "b%3Ac");
  assertEquals(new URL(" \t http://h/\na\rb\t \u0000").href, "http://h/ab");
});

test("setters", () => {
  const url = new URL("http://example.com/path?q#h");
  url.protocol = "https";
  url.username = "us er";
  url.password = "p@ss";
  url.hostname = "Example.ORG";
  url.port = "8080";
  url.pathname = "/a b/../c";
  url.search = "x=1 2";
  url.hash = "frag ment";
  assertEquals(url.href, "https://us%20er:p%40ss@example.org:8080/c?x=1%202#frag%20ment");
  url.host = "other.example:81";
  assertEquals(url.host, "other.example:81");
  url.port = "443";
  assertEquals(url.port, "", "the default port is dropped");
  url.port = "";
  url.search = "";
  url.hash = "";
  assertEquals(url.href, "https://us%20er:p%40ss@other.example/c");
  url.href = "mailto:x@y";
  assertEquals(url.protocol, "mailto:");
  url.protocol = "http";
  assertEquals(url.protocol, "mailto:", "cannot switch between special and non-special");
  url.host = "ignored";
  assertEquals(url.href, "mailto:x@y", "no host setter on an opaque path");
  const error = assertThrows(() => { url.href = "bad"; }, TypeError);
  assertEquals(error.message, "Invalid URL: bad");
  assertEquals(url.href, "mailto:x@y");
  const port = new URL("http://h/");
  port.port = "80abc";
  assertEquals(port.port, "", "digits then garbage: the digits count (80 is the default)");
  port.port = "8080abc";
  assertEquals(port.port, "8080");
  port.port = "abc";
  assertEquals(port.port, "8080", "no digits: unchanged");
  port.port = "99999";
  assertEquals(port.port, "8080", "out of range: unchanged");
});

test("setters convert their value with ToString and are brand-checked", () => {
  const url = new URL("http://h/");
  url.pathname = { toString: () => "/obj" };
  assertEquals(url.pathname, "/obj");
  url.port = 1234;
  assertEquals(url.port, "1234");
  const href = Object.getOwnPropertyDescriptor(URL.prototype, "href");
  assertThrows(() => href.get.call({}), TypeError, "Illegal invocation");
  assertThrows(() => href.set.call({}, "http://x/"), TypeError, "Illegal invocation");
  assertThrows(() => URL.prototype.toString.call(Object.create(URL.prototype)), TypeError, "Illegal invocation");
});

test("href is cached and invalidated by every change", () => {
  const url = new URL("http://h/a?b=1");
  assertEquals(url.href, "http://h/a?b=1");
  url.searchParams.append("c", "2");
  assertEquals(url.href, "http://h/a?b=1&c=2");
  url.hash = "x";
  assertEquals(url.href, "http://h/a?b=1&c=2#x");
  url.searchParams.delete("b");
  assertEquals(url.toString(), "http://h/a?c=2#x");
  url.searchParams.delete("c");
  assertEquals(url.toJSON(), "http://h/a#x", "an empty list clears the query");
});

test("searchParams is one live object linked both ways", () => {
  const url = new URL("http://h/?a=1&a=2&b=%20+");
  const params = url.searchParams;
  assertEquals(url.searchParams, params);
  assertEquals(params.getAll("a"), ["1", "2"]);
  assertEquals(params.get("b"), "  ");
  url.search = "?x=y";
  assertEquals([...params], [["x", "y"]]);
  url.href = "http://h/?z=9";
  assertEquals([...params], [["z", "9"]]);
  params.set("q", "a b&c");
  assertEquals(url.search, "?z=9&q=a+b%26c");
  url.search = "";
  assertEquals(params.size, 0);
  params.append("n", "1");
  assertEquals(url.href, "http://h/?n=1");
  const opaque = new URL("sc:space ?query");
  opaque.searchParams.delete("query");
  assertEquals(opaque.href, "sc:space%20");
});

test("subclassing works", () => {
  class MyURL extends URL {
    get extra() {
      return this.hostname.toUpperCase();
    }
  }
  const url = new MyURL("http://sub.example/");
  assertEquals(url.extra, "SUB.EXAMPLE");
  assertEquals(url.href, "http://sub.example/");
  assert(url instanceof URL);
});

test("console prints a URL like Node.js", () => {
  const logs = captureLogs(() => console.log(new URL("https://u@example.com:81/p?a=1#h")));
  assertEquals(logs[0][1], [
    "URL {",
    "  href: 'https://u@example.com:81/p?a=1#h',",
    "  origin: 'https://example.com:81',",
    "  protocol: 'https:',",
    "  username: 'u',",
    "  password: '',",
    "  host: 'example.com:81',",
    "  hostname: 'example.com',",
    "  port: '81',",
    "  pathname: '/p',",
    "  search: '?a=1',",
    "  searchParams: URLSearchParams { 'a' => '1' },",
    "  hash: '#h'",
    "}",
  ].join("\n"));
});

test("Request and Response.redirect use the same parser", () => {
  assertEquals(new Request("https://\u00e9.example/a/../b").url, "https://xn--9ca.example/b");
  assertEquals(new Request(new URL("http://h/x#frag")).url, "http://h/x#frag");
  assertEquals(Response.redirect(new URL("http://h/r")).headers.get("location"), "http://h/r");
});
