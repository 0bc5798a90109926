// Tests for URLPattern (isolates/runtime/js/13_url_pattern.js). The WPT's urlpatterntestdata.json
// is not available here; these cases come from the spec's examples and from the behaviour of the
// browser and Deno implementations (constructor forms and errors, pattern syntax, canonical
// pattern strings, matching and the shape of exec() results).

const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];

function components(pattern) {
  const result = {};
  for (const name of COMPONENTS) result[name] = pattern[name];
  return result;
}

test("URLPattern is a global interface with the Web IDL shape", () => {
  assertEquals(typeof URLPattern, "function");
  assertEquals(URLPattern.length, 0);
  const pattern = new URLPattern();
  assertEquals(Object.prototype.toString.call(pattern), "[object URLPattern]");
  for (const name of [...COMPONENTS, "hasRegExpGroups"]) {
    const descriptor = Object.getOwnPropertyDescriptor(URLPattern.prototype, name);
    assertEquals(typeof descriptor.get, "function", name);
    assertEquals(descriptor.set, undefined, name);
    assertEquals(descriptor.enumerable, true, name);
  }
  assertEquals(Object.getOwnPropertyDescriptor(URLPattern.prototype, "exec").enumerable, true);
  assertThrows(() => URLPattern(), TypeError);
  assertThrows(() => URLPattern.prototype.test.call({}, "http://h/"), TypeError, "Illegal invocation");
  assertThrows(() => Object.getOwnPropertyDescriptor(URLPattern.prototype, "pathname").get.call({}), TypeError);
});

test("no input: every component is a wildcard", () => {
  const pattern = new URLPattern();
  assertEquals(components(pattern), {
    protocol: "*", username: "*", password: "*", hostname: "*", port: "*", pathname: "*", search: "*", hash: "*",
  });
  assertEquals(pattern.hasRegExpGroups, false);
  assert(pattern.test("https://anything.example:123/x?y#z"));
  assert(new URLPattern({}).test("mailto:someone@example.com"));
  assert(new URLPattern(undefined, { ignoreCase: true }).test("http://h/"));
});

test("constructor strings", () => {
  assertEquals(components(new URLPattern("https://example.com/foo/*")), {
    protocol: "https", username: "*", password: "*", hostname: "example.com", port: "", pathname: "/foo/*", search: "*", hash: "*",
  });
  assertEquals(components(new URLPattern("https://user\\:pass@example.com:8080/p?q=1#frag")), {
    protocol: "https", username: "user", password: "pass", hostname: "example.com", port: "8080", pathname: "/p", search: "q=1", hash: "frag",
  });
  assertEquals(components(new URLPattern("/books/:id", "https://example.com/base/")), {
    protocol: "https", username: "*", password: "*", hostname: "example.com", port: "", pathname: "/books/:id", search: "*", hash: "*",
  });
  assertEquals(components(new URLPattern("?q=:query", "https://example.com/search")), {
    protocol: "https", username: "*", password: "*", hostname: "example.com", port: "", pathname: "/search", search: "q=:query", hash: "*",
  });
  assertEquals(components(new URLPattern("#top", "https://example.com/p?x")), {
    protocol: "https", username: "*", password: "*", hostname: "example.com", port: "", pathname: "/p", search: "x", hash: "top",
  });
  const withModifier = new URLPattern("http{s}?://{*.}?example.com/*");
  assertEquals([withModifier.protocol, withModifier.hostname, withModifier.pathname], ["http{s}?", "{*.}?example.com", "/*"]);
  assertEquals(new URLPattern("https://user:pass@example.com/").username, "user:pass", "an unescaped :pass is a named group");
  assertEquals(new URLPattern("https://[\\:\\:1]:8080/").hostname, "[\\:\\:1]");
  assertThrows(() => new URLPattern("https://[::1]/"), TypeError, undefined, "'::' is an invalid name in a pattern");
  assertEquals(new URLPattern("https://example.com").pathname, "*", "no pathname after the host: wildcard");
  assertEquals(new URLPattern("https://example.com?x").pathname, "/", "a search prefix implies the special default path");
  assertThrows(() => new URLPattern("data:text/plain,*"), TypeError, "base URL", "':text' is a named group, not a protocol suffix");
  const opaque = new URLPattern("data\\:text/plain,*");
  assertEquals([opaque.protocol, opaque.hostname, opaque.port, opaque.pathname], ["data", "", "", "text/plain,*"]);
  assertEquals(new URLPattern("https://example.com/:id(\\d+)").pathname, "/:id(\\d+)");
});

test("constructor errors are TypeErrors", () => {
  const cases = [
    () => new URLPattern("/relative"),
    () => new URLPattern("relative/path"),
    () => new URLPattern({ pathname: "/foo" }, "https://example.com"),
    () => new URLPattern({ pathname: "(foo" }),
    () => new URLPattern({ pathname: "/:foo/:foo" }),
    () => new URLPattern({ pathname: "/(?:x)" }),
    () => new URLPattern({ pathname: "/()" }),
    () => new URLPattern({ pathname: "/(caf\u00e9)" }),
    () => new URLPattern({ pathname: "/:" }),
    () => new URLPattern({ pathname: "/foo\\" }),
    () => new URLPattern({ pathname: "/{foo" }),
    () => new URLPattern({ pathname: "/foo}" }),
    () => new URLPattern({ pathname: "/(a[)" }),
    () => new URLPattern({ hostname: "bad host" }),
    () => new URLPattern({ hostname: "[::xyz]" }),
    () => new URLPattern({ protocol: "ht~tp" }),
    () => new URLPattern({ port: "abc" }),
    () => new URLPattern({ port: "99999" }),
    () => new URLPattern({ baseURL: "not a url" }),
    () => new URLPattern("/x", "not a url"),
    () => new URLPattern({ pathname: "/x" }, 42),
  ];
  for (let i = 0; i < cases.length; i++) {
    const error = assertThrows(cases[i], TypeError, undefined, `case ${i}`);
    assertEquals(Object.getPrototypeOf(error), TypeError.prototype, `case ${i}`);
  }
  assertThrows(() => new URLPattern("/x"), TypeError, "base URL");
  assertThrows(() => new URLPattern({ pathname: "/:a/:a" }), TypeError, "duplicate group name 'a'");
});

test("dictionary members are converted and read in order", () => {
  const order = [];
  const init = {};
  for (const name of ["username", "protocol", "hash", "baseURL", "search", "port", "pathname", "password", "hostname"]) {
    Object.defineProperty(init, name, { get() { order.push(name); return undefined; }, enumerable: true });
  }
  new URLPattern(init);
  assertEquals(order, ["baseURL", "hash", "hostname", "password", "pathname", "port", "protocol", "search", "username"]);
  const pattern = new URLPattern({ pathname: { toString: () => "/from-object" }, port: 8080 });
  assertEquals([pattern.pathname, pattern.port], ["/from-object", "8080"]);
});

test("named groups, segment wildcards and modifiers in pathnames", () => {
  const cases = [
    ["/foo/:bar", "/foo/baz", { bar: "baz" }],
    ["/foo/:bar", "/foo/index.html", { bar: "index.html" }],
    ["/foo/:bar", "/foo/bar/", null],
    ["/foo/:bar", "/foo/", null],
    ["/foo/:bar?", "/foo", { bar: undefined }],
    ["/foo/:bar?", "/foo/x", { bar: "x" }],
    ["/foo/:bar?", "/foo/", null],
    ["/foo/:bar+", "/foo/a/b/c", { bar: "a/b/c" }],
    ["/foo/:bar+", "/foo", null],
    ["/foo/:bar*", "/foo", { bar: undefined }],
    ["/foo/:bar*", "/foo/a/b", { bar: "a/b" }],
    ["/:a-:b", "/x-y", { a: "x", b: "y" }],
    ["/:a.:ext", "/file.tar.gz", { a: "file", ext: "tar.gz" }],
    ["/caf\u00e9/:x", "/caf%C3%A9/1", { x: "1" }],
    ["/:name", "/caf%C3%A9", { name: "caf%C3%A9" }],
    ["/:\u00e9t\u00e9", "/summer", { "\u00e9t\u00e9": "summer" }],
    ["/:_$x1", "/v", { _$x1: "v" }],
  ];
  for (const [pathname, input, groups] of cases) {
    const result = new URLPattern({ pathname }).exec({ pathname: input });
    if (groups === null) {
      assertEquals(result, null, `${pathname} vs ${input}`);
    } else {
      assert(result !== null, `${pathname} should match ${input}`);
      assertEquals(result.pathname.groups, groups, `${pathname} vs ${input}`);
    }
  }
});

test("full wildcards and regexp groups", () => {
  const cases = [
    ["/foo/*", "/foo/bar/baz", { 0: "bar/baz" }],
    ["/foo/*", "/foo/", { 0: "" }],
    ["/foo/*", "/foo", null],
    ["/foo/*?", "/foo", { 0: undefined }],
    ["/foo{/*}?", "/foo", { 0: undefined }],
    ["*", "/anything/at/all", { 0: "/anything/at/all" }],
    ["/(.*)", "/x", { 0: "x" }],
    ["/(foo)/(bar)", "/foo/bar", { 0: "foo", 1: "bar" }],
    ["/:id(\\d+)", "/123", { id: "123" }],
    ["/:id(\\d+)", "/abc", null],
    ["/:kind(book|film)/:id", "/film/7", { kind: "film", id: "7" }],
    ["/:kind(book|film)/:id", "/song/7", null],
    ["/(\\d+)?", "/", null],
    ["{/(\\d+)}?", "", { 0: undefined }],
    ["/:path(.*)/edit", "/a/b/edit", { path: "a/b" }],
  ];
  for (const [pathname, input, groups] of cases) {
    const result = new URLPattern({ pathname }).exec({ pathname: input });
    if (groups === null) {
      assertEquals(result, null, `${pathname} vs ${input}`);
    } else {
      assert(result !== null, `${pathname} should match ${input}`);
      assertEquals(result.pathname.groups, groups, `${pathname} vs ${input}`);
    }
  }
  assertEquals(new URLPattern({ pathname: "/:id(\\d+)" }).hasRegExpGroups, true);
  assertEquals(new URLPattern({ pathname: "/:id/*" }).hasRegExpGroups, false);
  assertEquals(new URLPattern({ hostname: "(a|b).example" }).hasRegExpGroups, true);
});

test("canonical pattern strings", () => {
  const cases = [
    [{ pathname: "/foo/:bar" }, "pathname", "/foo/:bar"],
    [{ pathname: "/foo/{bar}" }, "pathname", "/foo/bar"],
    [{ pathname: "/foo{/:bar}?" }, "pathname", "/foo/:bar?"],
    [{ pathname: "/foo/{:bar}?" }, "pathname", "/foo/{:bar}?"],
    [{ pathname: "/foo/:bar?" }, "pathname", "/foo/:bar?"],
    [{ pathname: "/(.*)" }, "pathname", "/*"],
    [{ pathname: "/([^\\/]+?)" }, "pathname", "/([^\\/]+?)"],
    [{ pathname: "/:foo([^\\/]+?)" }, "pathname", "/:foo"],
    [{ pathname: "/:a(.*)" }, "pathname", "/:a(.*)"],
    [{ pathname: "/foo bar" }, "pathname", "/foo%20bar"],
    [{ pathname: "/a/./b/../c" }, "pathname", "/a/c"],
    [{ pathname: "/a/:x/../c" }, "pathname", "/a/:x/c"], // each fixed piece is canonicalized alone
    [{ pathname: "/foo\\:bar" }, "pathname", "/foo\\:bar"],
    [{ pathname: "/:a\\b" }, "pathname", "{/:a}b"],
    [{ pathname: "/:a{b}" }, "pathname", "{/:a}b"],
    [{ pathname: "/:a{-b}" }, "pathname", "/:a-b"],
    [{ pathname: "/:a(x)b" }, "pathname", "/:a(x)b"],
    [{ pathname: "/{:a}(x)" }, "pathname", "/{:a}(x)"],
    [{ pathname: "/{x}?" }, "pathname", "/{x}?"],
    [{ pathname: "/foo{/bar}?" }, "pathname", "/foo{/bar}?"],
    [{ pathname: "{/:a}+" }, "pathname", "/:a+"],
    [{ hostname: "EXAMPLE.com" }, "hostname", "example.com"],
    [{ hostname: "{*.}?example.com" }, "hostname", "{*.}?example.com"],
    [{ hostname: "*.EXAMPLE.com" }, "hostname", "*.example.com"],
    [{ hostname: "xn--caf-dma.com" }, "hostname", "xn--caf-dma.com"],
    [{ hostname: "caf\u00e9.com" }, "hostname", "xn--caf-dma.com"],
    [{ hostname: "[\\:\\:AB]" }, "hostname", "[\\:\\:ab]"],
    [{ protocol: "HTTP" }, "protocol", "http"],
    [{ protocol: "https:" }, "protocol", "https"],
    [{ protocol: "http", port: "80" }, "port", ""],
    [{ protocol: "https", port: "80" }, "port", "80"],
    [{ port: "0080" }, "port", "80"],
    [{ search: "?q=a b" }, "search", "q=a%20b"],
    [{ hash: "#a b" }, "hash", "a%20b"],
    [{ username: "a@b" }, "username", "a%40b"],
    [{ password: "p\\:w" }, "password", "p%3Aw"],
    [{ password: "p:w" }, "password", "p:w"],
  ];
  for (const [init, component, expected] of cases) {
    assertEquals(new URLPattern(init)[component], expected, JSON.stringify(init));
  }
});

test("baseURL inheritance", () => {
  const pattern = new URLPattern({ pathname: "/foo", baseURL: "https://example.com:8443/bar?q#h" });
  assertEquals(components(pattern), {
    protocol: "https", username: "*", password: "*", hostname: "example.com", port: "8443", pathname: "/foo", search: "*", hash: "*",
  });
  const relative = new URLPattern({ pathname: "baz/:x", baseURL: "https://example.com/a/b" });
  assertEquals(relative.pathname, "/a/baz/:x");
  const searchOnly = new URLPattern({ search: "x=1", baseURL: "https://example.com/a?old#h" });
  assertEquals([searchOnly.pathname, searchOnly.search, searchOnly.hash], ["/a", "x=1", "*"]);
  const fromBase = new URLPattern({ baseURL: "https://example.com/a?b#c" });
  assertEquals([fromBase.pathname, fromBase.search, fromBase.hash], ["/a", "b", "c"]);
  assertEquals(new URLPattern({ baseURL: "https://ex.com/(a)" }).pathname, "/\\(a\\)", "base components are escaped");
  assert(pattern.test("https://example.com:8443/foo?anything#at-all"));
  assert(!pattern.test("https://example.com/foo"));
});

test("ignoreCase", () => {
  const pattern = new URLPattern({ pathname: "/FOO/:bar" }, { ignoreCase: true });
  assert(pattern.test({ pathname: "/foo/x" }));
  assert(pattern.test("https://h/Foo/x"));
  assertEquals(pattern.exec("https://h/fOo/X").pathname.groups.bar, "X");
  assert(!new URLPattern({ pathname: "/FOO" }).test({ pathname: "/foo" }));
  const withBase = new URLPattern("/Caps", "https://example.com", { ignoreCase: true });
  assert(withBase.test("https://example.com/caps"));
  assert(new URLPattern({ search: "Q=1" }, { ignoreCase: true }).test({ search: "q=1" }));
  assert(new URLPattern({ hostname: "EXAMPLE.com" }, { ignoreCase: false }).test("https://example.com/"), "hostnames are canonicalized to lowercase");
});

test("protocol, hostname and port patterns", () => {
  const protocol = new URLPattern({ protocol: "http{s}?" });
  assert(protocol.test("https://x/"));
  assert(protocol.test("http://x/"));
  assert(!protocol.test("ftp://x/"));
  const subdomains = new URLPattern({ hostname: "*.example.com" });
  assert(subdomains.test("https://a.b.example.com/"));
  assertEquals(subdomains.exec("https://a.b.example.com/").hostname.groups, { 0: "a.b" });
  assert(!subdomains.test("https://example.com/"));
  const optionalSub = new URLPattern({ hostname: "{:sub.}?example.com" });
  assertEquals(optionalSub.exec("https://api.example.com/").hostname.groups, { sub: "api" });
  assertEquals(optionalSub.exec("https://example.com/").hostname.groups, { sub: undefined });
  assertEquals(new URLPattern({ hostname: ":sub.example.com" }).exec("https://a.b.example.com/"), null, "segment wildcards stop at dots");
  const ipv6 = new URLPattern({ hostname: "[\\:\\:1]" });
  assert(ipv6.test("http://[0:0::1]:8080/"));
  const port = new URLPattern({ port: "(80|8080)" });
  assert(port.test("http://h:8080/"));
  assert(!port.test("http://h/"), "the default port is the empty string");
  assert(new URLPattern({ port: "" }).test("https://h:443/"));
  assert(new URLPattern({ protocol: "data", pathname: "text/*" }).test("data:text/plain,hi"));
});

test("test and exec with strings, base URLs and dictionaries", () => {
  const pattern = new URLPattern({ pathname: "/books/:id" });
  assert(pattern.test("https://example.com/books/123"));
  assert(pattern.test("/books/123", "https://example.com"));
  assert(!pattern.test("https://example.com/books"));
  assert(!pattern.test("not a url"));
  assert(!pattern.test("/books/1", "not a base"));
  assert(pattern.test({ pathname: "/books/1" }));
  assert(pattern.test({ pathname: "/books/1", baseURL: "https://example.com" }));
  assert(pattern.test(new URL("https://example.com/books/9")), "a URL object is read as a dictionary");
  assertEquals(pattern.exec({ pathname: "/books/1", baseURL: "not a url" }), null);
  assertThrows(() => pattern.test({ pathname: "/books/1" }, "https://example.com"), TypeError);
  assertThrows(() => pattern.exec({ pathname: "/books/1" }, "https://example.com"), TypeError);
  assertEquals(pattern.test(), false, "an empty dictionary has an empty pathname");
  assert(new URLPattern().test());
});

test("exec result shape", () => {
  const pattern = new URLPattern("https://:sub.example.com/:kind/:id(\\d+)");
  const result = pattern.exec("https://api.example.com/users/42?x=1#top");
  assertEquals(result.inputs, ["https://api.example.com/users/42?x=1#top"]);
  assertEquals(result.protocol, { input: "https", groups: {} });
  assertEquals(result.username, { input: "", groups: { 0: "" } });
  assertEquals(result.password, { input: "", groups: { 0: "" } });
  assertEquals(result.hostname, { input: "api.example.com", groups: { sub: "api" } });
  assertEquals(result.port, { input: "", groups: {} });
  assertEquals(result.pathname, { input: "/users/42", groups: { kind: "users", id: "42" } });
  assertEquals(result.search, { input: "x=1", groups: { 0: "x=1" } });
  assertEquals(result.hash, { input: "top", groups: { 0: "top" } });
  assertEquals(Object.keys(result), ["inputs", ...COMPONENTS]);
  const withBase = pattern.exec("/users/1", "https://www.example.com");
  assertEquals(withBase.inputs, ["/users/1", "https://www.example.com"]);
  assertEquals(withBase.hostname.groups.sub, "www");
  const fromDictionary = new URLPattern({ pathname: "/a/:b" }).exec({ pathname: "/a/c", hash: "h" });
  assertEquals(fromDictionary.inputs, [{ hash: "h", pathname: "/a/c" }]);
  assertEquals(fromDictionary.pathname, { input: "/a/c", groups: { b: "c" } });
  assertEquals(fromDictionary.protocol, { input: "", groups: { 0: "" } });
});

test("dictionary inputs are canonicalized before matching", () => {
  const pattern = new URLPattern({ pathname: "/caf\u00e9", hostname: "example.com", protocol: "https" });
  assert(pattern.test({ protocol: "HTTPS:", hostname: "EXAMPLE.COM", pathname: "/caf\u00e9" }));
  assert(pattern.test({ protocol: "https", hostname: "example.com", pathname: "/a/../caf%C3%A9" }));
  assertEquals(pattern.exec({ protocol: "https", hostname: "bad host", pathname: "/caf\u00e9" }), null, "a canonicalization error is no match");
  assert(new URLPattern({ port: "8080" }).test({ port: "08080" }));
  assert(new URLPattern({ search: "a=:v" }).test({ search: "?a=1" }));
});

test("console prints a URLPattern with its components", () => {
  const text = captureLogs(() => console.log(new URLPattern({ pathname: "/x/:y" })))[0][1];
  assert(text.startsWith("URLPattern {"), text);
  assert(text.includes("pathname: '/x/:y'"), text);
  assert(text.includes("protocol: '*'"), text);
});
