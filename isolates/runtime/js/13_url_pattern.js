// The URLPattern interface (https://urlpattern.spec.whatwg.org/): the tokenizer, the pattern
// parser, regular expression and pattern string generation, the constructor string parser,
// URLPatternInit processing, canonicalization through the URL parser (05_url.js), and matching.
// Sections follow the spec's order and names.
//
// Exports on `internals`: URLPattern, isURLPattern(value).
//
// Deviations:
//   - Component regular expressions are compiled with the "u" flag ("ui" with ignoreCase), not
//     "v": V8 10.2 has no unicodeSets mode. The generated parts only use syntax that means the
//     same in both; a user-written regexp group is read with "u" rules (in "v" mode a few
//     characters, such as "(" or "|" inside a character class, must be escaped).
//   - Patterns are matched with the captured RegExp.prototype.exec, so user code that replaces
//     RegExp.prototype.exec or String.prototype methods changes nothing.
//   - Only the standard's members: no URLPattern.compareComponent and no `routes`-style helpers.

const {
  ObjectFreeze,
  ObjectPrototype,
  ObjectSetPrototypeOf,
  RegExp,
  RegExpPrototypeExec,
  StringPrototypeCharCodeAt,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  TypeError,
} = primordials;
const {
  configureInterface,
  illegalInvocation,
  installGlobal,
  isObject,
  toUSVString,
} = internals.webidl;
const { urlSpec } = internals;
const {
  URLRecord,
  basicParse,
  copyRecord,
  internalList,
  isSpecialScheme,
  percentEncode,
  setScheme,
  sets,
  states,
} = urlSpec;

const PREFIX = "Failed to construct 'URLPattern'";
const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];
const FULL_WILDCARD_REGEXP_VALUE = ".*";

function typeError(message) {
  return new TypeError(`${PREFIX}: ${message}`);
}

// --- Code points ------------------------------------------------------------------------------
// The tokenizer and parser index code points, not UTF-16 code units.

function toCodePoints(string) {
  const list = internalList();
  for (let i = 0; i < string.length; i++) {
    const c = StringPrototypeCharCodeAt(string, i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < string.length) {
      const next = StringPrototypeCharCodeAt(string, i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        list[list.length] = StringPrototypeSlice(string, i, i + 2);
        i++;
        continue;
      }
    }
    list[list.length] = StringPrototypeSlice(string, i, i + 1);
  }
  return list;
}

function codePointSubstring(codePoints, start, end) {
  let out = "";
  for (let i = start; i < end; i++) out += codePoints[i];
  return out;
}

const identifierStart = new RegExp("^[$_\\p{ID_Start}]$", "u");
const identifierPart = new RegExp("^[$\\u200C\\u200D\\p{ID_Continue}]$", "u");

// https://urlpattern.spec.whatwg.org/#is-a-valid-name-code-point
function isValidNameCodePoint(codePoint, first) {
  return RegExpPrototypeExec(first ? identifierStart : identifierPart, codePoint) !== null;
}

function isAsciiDigitString(s) {
  const c = StringPrototypeCharCodeAt(s, 0);
  return c >= 0x30 && c <= 0x39;
}

// --- Tokenizer (https://urlpattern.spec.whatwg.org/#tokenizing) --------------------------------

class Token {
  type;
  index;
  value;
  constructor(type, index, value) {
    this.type = type;
    this.index = index;
    this.value = value;
  }
}

function tokenize(input, policy) {
  const cps = toCodePoints(input);
  const length = cps.length;
  const tokens = internalList();
  let index = 0;
  let nextIndex = 0;
  let codePoint = "";

  const getNextCodePoint = () => {
    codePoint = cps[nextIndex];
    nextIndex++;
  };
  const seekAndGetNextCodePoint = (i) => {
    nextIndex = i;
    getNextCodePoint();
  };
  const addToken = (type, nextPosition, valuePosition, valueLength) => {
    tokens[tokens.length] = new Token(type, index, codePointSubstring(cps, valuePosition, valuePosition + valueLength));
    index = nextPosition;
  };
  const addTokenWithDefaultLength = (type, nextPosition, valuePosition) => {
    addToken(type, nextPosition, valuePosition, nextPosition - valuePosition);
  };
  const addTokenWithDefaultPositionAndLength = (type) => {
    addTokenWithDefaultLength(type, nextIndex, index);
  };
  const tokenizingError = (nextPosition, valuePosition) => {
    if (policy === "strict") throw typeError(`Invalid pattern '${input}'.`);
    addTokenWithDefaultLength("invalid-char", nextPosition, valuePosition);
  };
  const isAscii = (cp) => cp.length === 1 && StringPrototypeCharCodeAt(cp, 0) < 0x80;

  while (index < length) {
    seekAndGetNextCodePoint(index);
    if (codePoint === "*") {
      addTokenWithDefaultPositionAndLength("asterisk");
      continue;
    }
    if (codePoint === "+" || codePoint === "?") {
      addTokenWithDefaultPositionAndLength("other-modifier");
      continue;
    }
    if (codePoint === "\\") {
      if (index === length - 1) {
        tokenizingError(nextIndex, index);
        continue;
      }
      const escapedIndex = nextIndex;
      getNextCodePoint();
      addTokenWithDefaultLength("escaped-char", nextIndex, escapedIndex);
      continue;
    }
    if (codePoint === "{") {
      addTokenWithDefaultPositionAndLength("open");
      continue;
    }
    if (codePoint === "}") {
      addTokenWithDefaultPositionAndLength("close");
      continue;
    }
    if (codePoint === ":") {
      let namePosition = nextIndex;
      const nameStart = namePosition;
      while (namePosition < length) {
        seekAndGetNextCodePoint(namePosition);
        if (!isValidNameCodePoint(codePoint, namePosition === nameStart)) break;
        namePosition = nextIndex;
      }
      if (namePosition <= nameStart) {
        tokenizingError(nameStart, index);
        continue;
      }
      addTokenWithDefaultLength("name", namePosition, nameStart);
      continue;
    }
    if (codePoint === "(") {
      let depth = 1;
      let regexpPosition = nextIndex;
      const regexpStart = regexpPosition;
      let error = false;
      while (regexpPosition < length) {
        seekAndGetNextCodePoint(regexpPosition);
        if (!isAscii(codePoint)) {
          tokenizingError(regexpStart, index);
          error = true;
          break;
        }
        if (regexpPosition === regexpStart && codePoint === "?") {
          tokenizingError(regexpStart, index);
          error = true;
          break;
        }
        if (codePoint === "\\") {
          if (regexpPosition === length - 1) {
            tokenizingError(regexpStart, index);
            error = true;
            break;
          }
          getNextCodePoint();
          if (!isAscii(codePoint)) {
            tokenizingError(regexpStart, index);
            error = true;
            break;
          }
          regexpPosition = nextIndex;
          continue;
        }
        if (codePoint === ")") {
          depth--;
          if (depth === 0) {
            regexpPosition = nextIndex;
            break;
          }
        } else if (codePoint === "(") {
          depth++;
          if (regexpPosition === length - 1) {
            tokenizingError(regexpStart, index);
            error = true;
            break;
          }
          const temporaryPosition = nextIndex;
          getNextCodePoint();
          if (codePoint !== "?") {
            tokenizingError(regexpStart, index);
            error = true;
            break;
          }
          nextIndex = temporaryPosition;
        }
        regexpPosition = nextIndex;
      }
      if (error) continue;
      if (depth !== 0) {
        tokenizingError(regexpStart, index);
        continue;
      }
      const regexpLength = regexpPosition - regexpStart - 1;
      if (regexpLength === 0) {
        tokenizingError(regexpStart, index);
        continue;
      }
      addToken("regexp", regexpPosition, regexpStart, regexpLength);
      continue;
    }
    addTokenWithDefaultPositionAndLength("char");
  }
  addTokenWithDefaultLength("end", index, index);
  return tokens;
}

// --- Parts and options (https://urlpattern.spec.whatwg.org/#parsing-patterns) ------------------

class Part {
  type; // "fixed-text", "regexp", "segment-wildcard", "full-wildcard"
  value;
  modifier; // "none", "optional", "zero-or-more", "one-or-more"
  name = "";
  prefix = "";
  suffix = "";
  constructor(type, value, modifier) {
    this.type = type;
    this.value = value;
    this.modifier = modifier;
  }
}

function makeOptions(delimiter, prefix, ignoreCase) {
  return ObjectFreeze({ __proto__: null, delimiter, prefix, ignoreCase });
}

const DEFAULT_OPTIONS = makeOptions("", "", false);
const HOSTNAME_OPTIONS = makeOptions(".", "", false);
const PATHNAME_OPTIONS = makeOptions("/", "/", false);

// https://urlpattern.spec.whatwg.org/#escape-a-regexp-string
function escapeRegExpString(input) {
  let result = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    switch (c) {
      case ".": case "+": case "*": case "?": case "^": case "$": case "{": case "}": case "(":
      case ")": case "[": case "]": case "|": case "/": case "\\":
        result += `\\${c}`;
        break;
      default:
        result += c;
    }
  }
  return result;
}

// https://urlpattern.spec.whatwg.org/#escape-a-pattern-string
function escapePatternString(input) {
  let result = "";
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    switch (c) {
      case "+": case "*": case "?": case ":": case "{": case "}": case "(": case ")": case "\\":
        result += `\\${c}`;
        break;
      default:
        result += c;
    }
  }
  return result;
}

// https://urlpattern.spec.whatwg.org/#generate-a-segment-wildcard-regexp
function segmentWildcardRegExp(options) {
  return `[^${escapeRegExpString(options.delimiter)}]+?`;
}

function modifierString(modifier) {
  switch (modifier) {
    case "zero-or-more":
      return "*";
    case "optional":
      return "?";
    case "one-or-more":
      return "+";
    default:
      return "";
  }
}

// https://urlpattern.spec.whatwg.org/#parse-a-pattern-string
function parsePatternString(input, options, encodingCallback) {
  const tokens = tokenize(input, "strict");
  const parts = internalList();
  const segmentWildcard = segmentWildcardRegExp(options);
  let index = 0;
  let pendingFixedValue = "";
  let nextNumericName = 0;

  const tryConsume = (type) => {
    const token = tokens[index];
    if (token.type !== type) return null;
    index++;
    return token;
  };
  const tryConsumeModifier = () => tryConsume("other-modifier") ?? tryConsume("asterisk");
  const tryConsumeRegExpOrWildcard = (nameToken) => {
    const token = tryConsume("regexp");
    if (nameToken === null && token === null) return tryConsume("asterisk");
    return token;
  };
  const consumeRequired = (type) => {
    const token = tryConsume(type);
    if (token === null) {
      throw typeError(`Invalid pattern '${input}': unexpected '${tokens[index].value}' at index ${tokens[index].index}.`);
    }
    return token;
  };
  const consumeText = () => {
    let result = "";
    for (;;) {
      const token = tryConsume("char") ?? tryConsume("escaped-char");
      if (token === null) return result;
      result += token.value;
    }
  };
  const maybeAddPartFromPendingFixedValue = () => {
    if (pendingFixedValue === "") return;
    const encoded = encodingCallback(pendingFixedValue);
    pendingFixedValue = "";
    parts[parts.length] = new Part("fixed-text", encoded, "none");
  };
  const isDuplicateName = (name) => {
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].name === name) return true;
    }
    return false;
  };
  const addPart = (prefix, nameToken, regexpOrWildcardToken, suffix, modifierToken) => {
    let modifier = "none";
    if (modifierToken !== null) {
      if (modifierToken.value === "?") modifier = "optional";
      else if (modifierToken.value === "*") modifier = "zero-or-more";
      else if (modifierToken.value === "+") modifier = "one-or-more";
    }
    if (nameToken === null && regexpOrWildcardToken === null && modifier === "none") {
      pendingFixedValue += prefix;
      return;
    }
    maybeAddPartFromPendingFixedValue();
    if (nameToken === null && regexpOrWildcardToken === null) {
      if (prefix === "") return;
      parts[parts.length] = new Part("fixed-text", encodingCallback(prefix), modifier);
      return;
    }
    let regexpValue;
    if (regexpOrWildcardToken === null) regexpValue = segmentWildcard;
    else if (regexpOrWildcardToken.type === "asterisk") regexpValue = FULL_WILDCARD_REGEXP_VALUE;
    else regexpValue = regexpOrWildcardToken.value;
    let type = "regexp";
    if (regexpValue === segmentWildcard) {
      type = "segment-wildcard";
      regexpValue = "";
    } else if (regexpValue === FULL_WILDCARD_REGEXP_VALUE) {
      type = "full-wildcard";
      regexpValue = "";
    }
    let name = "";
    if (nameToken !== null) {
      name = nameToken.value;
    } else if (regexpOrWildcardToken !== null) {
      name = `${nextNumericName}`;
      nextNumericName++;
    }
    if (isDuplicateName(name)) throw typeError(`Invalid pattern '${input}': duplicate group name '${name}'.`);
    const part = new Part(type, regexpValue, modifier);
    part.name = name;
    part.prefix = encodingCallback(prefix);
    part.suffix = encodingCallback(suffix);
    parts[parts.length] = part;
  };

  while (index < tokens.length) {
    const charToken = tryConsume("char");
    let nameToken = tryConsume("name");
    let regexpOrWildcardToken = tryConsumeRegExpOrWildcard(nameToken);
    if (nameToken !== null || regexpOrWildcardToken !== null) {
      let prefix = charToken !== null ? charToken.value : "";
      if (prefix !== "" && prefix !== options.prefix) {
        pendingFixedValue += prefix;
        prefix = "";
      }
      maybeAddPartFromPendingFixedValue();
      const modifierToken = tryConsumeModifier();
      addPart(prefix, nameToken, regexpOrWildcardToken, "", modifierToken);
      continue;
    }
    const fixedToken = charToken ?? tryConsume("escaped-char");
    if (fixedToken !== null) {
      pendingFixedValue += fixedToken.value;
      continue;
    }
    const openToken = tryConsume("open");
    if (openToken !== null) {
      const prefix = consumeText();
      nameToken = tryConsume("name");
      regexpOrWildcardToken = tryConsumeRegExpOrWildcard(nameToken);
      const suffix = consumeText();
      consumeRequired("close");
      const modifierToken = tryConsumeModifier();
      addPart(prefix, nameToken, regexpOrWildcardToken, suffix, modifierToken);
      continue;
    }
    maybeAddPartFromPendingFixedValue();
    consumeRequired("end");
  }
  return parts;
}

// https://urlpattern.spec.whatwg.org/#generate-a-regular-expression-and-name-list
function generateRegExp(parts, options) {
  let result = "^";
  const names = internalList();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.type === "fixed-text") {
      if (part.modifier === "none") result += escapeRegExpString(part.value);
      else result += `(?:${escapeRegExpString(part.value)})${modifierString(part.modifier)}`;
      continue;
    }
    names[names.length] = part.name;
    let regexpValue = part.value;
    if (part.type === "segment-wildcard") regexpValue = segmentWildcardRegExp(options);
    else if (part.type === "full-wildcard") regexpValue = FULL_WILDCARD_REGEXP_VALUE;
    const modifier = modifierString(part.modifier);
    if (part.prefix === "" && part.suffix === "") {
      if (part.modifier === "none" || part.modifier === "optional") result += `(${regexpValue})${modifier}`;
      else result += `((?:${regexpValue})${modifier})`;
      continue;
    }
    const prefix = escapeRegExpString(part.prefix);
    const suffix = escapeRegExpString(part.suffix);
    if (part.modifier === "none" || part.modifier === "optional") {
      result += `(?:${prefix}(${regexpValue})${suffix})${modifier}`;
      continue;
    }
    result += `(?:${prefix}((?:${regexpValue})(?:${suffix}${prefix}(?:${regexpValue}))*)${suffix})`;
    if (part.modifier === "zero-or-more") result += "?";
  }
  result += "$";
  return { __proto__: null, source: result, names };
}

function firstCodePoint(s) {
  return toCodePoints(StringPrototypeSlice(s, 0, 2))[0];
}

function lastCodePoint(s) {
  const cps = toCodePoints(StringPrototypeSlice(s, s.length >= 2 ? s.length - 2 : 0));
  return cps[cps.length - 1];
}

// https://urlpattern.spec.whatwg.org/#generate-a-pattern-string
function generatePatternString(parts, options) {
  let result = "";
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    const previous = index > 0 ? parts[index - 1] : null;
    const next = index < parts.length - 1 ? parts[index + 1] : null;
    if (part.type === "fixed-text") {
      if (part.modifier === "none") result += escapePatternString(part.value);
      else result += `{${escapePatternString(part.value)}}${modifierString(part.modifier)}`;
      continue;
    }
    const customName = !isAsciiDigitString(part.name);
    let needsGrouping = part.suffix !== "" || (part.prefix !== "" && part.prefix !== options.prefix);
    if (!needsGrouping && customName && part.type === "segment-wildcard" && part.modifier === "none" &&
        next !== null && next.prefix === "" && next.suffix === "") {
      if (next.type === "fixed-text") {
        needsGrouping = next.value !== "" && isValidNameCodePoint(firstCodePoint(next.value), false);
      } else {
        needsGrouping = isAsciiDigitString(next.name);
      }
    }
    if (!needsGrouping && part.prefix === "" && previous !== null && previous.type === "fixed-text" &&
        previous.value !== "" && lastCodePoint(previous.value) === options.prefix) {
      needsGrouping = true;
    }
    if (needsGrouping) result += "{";
    result += escapePatternString(part.prefix);
    if (customName) result += `:${part.name}`;
    if (part.type === "regexp") {
      result += `(${part.value})`;
    } else if (part.type === "segment-wildcard" && !customName) {
      result += `(${segmentWildcardRegExp(options)})`;
    } else if (part.type === "full-wildcard") {
      if (!customName && (previous === null || previous.type === "fixed-text" || previous.modifier !== "none" ||
          needsGrouping || part.prefix !== "")) {
        result += "*";
      } else {
        result += `(${FULL_WILDCARD_REGEXP_VALUE})`;
      }
    }
    if (part.type === "segment-wildcard" && customName && part.suffix !== "" &&
        isValidNameCodePoint(firstCodePoint(part.suffix), false)) {
      result += "\\";
    }
    result += escapePatternString(part.suffix);
    if (needsGrouping) result += "}";
    result += modifierString(part.modifier);
  }
  return result;
}

// --- Components (https://urlpattern.spec.whatwg.org/#component) -------------------------------

class Component {
  patternString;
  regularExpression;
  groupNameList;
  hasRegExpGroups;
  constructor(patternString, regularExpression, groupNameList, hasRegExpGroups) {
    this.patternString = patternString;
    this.regularExpression = regularExpression;
    this.groupNameList = groupNameList;
    this.hasRegExpGroups = hasRegExpGroups;
  }
}

// https://urlpattern.spec.whatwg.org/#compile-a-component
function compileComponent(input, encodingCallback, options) {
  const parts = parsePatternString(input, options, encodingCallback);
  const generated = generateRegExp(parts, options);
  let regularExpression;
  try {
    regularExpression = new RegExp(generated.source, options.ignoreCase ? "ui" : "u");
  } catch (error) {
    throw typeError(`Invalid pattern '${input}': ${error.message}`);
  }
  const patternString = generatePatternString(parts, options);
  let hasRegExpGroups = false;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].type === "regexp") hasRegExpGroups = true;
  }
  return new Component(patternString, regularExpression, generated.names, hasRegExpGroups);
}

const SPECIAL_SCHEMES = ["ftp", "file", "http", "https", "ws", "wss"];

// https://urlpattern.spec.whatwg.org/#protocol-component-matches-a-special-scheme
function protocolComponentMatchesSpecialScheme(component) {
  for (let i = 0; i < SPECIAL_SCHEMES.length; i++) {
    if (RegExpPrototypeExec(component.regularExpression, SPECIAL_SCHEMES[i]) !== null) return true;
  }
  return false;
}

// --- Canonicalization (https://urlpattern.spec.whatwg.org/#canon) ------------------------------

let dummyRecord = null;

// https://urlpattern.spec.whatwg.org/#create-a-dummy-url
function createDummyURL() {
  if (dummyRecord === null) dummyRecord = basicParse("https://dummy.invalid/", null, null, states.NO_OVERRIDE);
  return copyRecord(dummyRecord);
}

function canonicalizeProtocol(value) {
  if (value === "") return value;
  const parseResult = basicParse(`${value}://dummy.invalid/`, null, null, states.NO_OVERRIDE);
  if (parseResult === null) throw typeError(`Invalid protocol '${value}'.`);
  return parseResult.scheme;
}

function canonicalizeUsername(value) {
  return value === "" ? value : percentEncode(value, sets.USERINFO_SET);
}

function canonicalizePassword(value) {
  return value === "" ? value : percentEncode(value, sets.USERINFO_SET);
}

function canonicalizeHostname(value) {
  if (value === "") return value;
  const dummyURL = createDummyURL();
  if (basicParse(value, null, dummyURL, states.HOSTNAME) === null) {
    throw typeError(`Invalid hostname '${value}'.`);
  }
  return dummyURL.host ?? "";
}

function canonicalizeIPv6Hostname(value) {
  let result = "";
  for (let i = 0; i < value.length; i++) {
    const c = StringPrototypeCharCodeAt(value, i);
    const hex = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
    if (!hex && c !== 0x5b && c !== 0x5d && c !== 0x3a) throw typeError(`Invalid IPv6 hostname '${value}'.`);
    result += StringPrototypeToLowerCase(value[i]);
  }
  return result;
}

function canonicalizePort(portValue, protocolValue = undefined) {
  if (portValue === "") return portValue;
  const dummyURL = createDummyURL();
  if (protocolValue !== undefined) setScheme(dummyURL, protocolValue);
  if (basicParse(portValue, null, dummyURL, states.PORT) === null) {
    throw typeError(`Invalid port '${portValue}'.`);
  }
  return dummyURL.port === null ? "" : `${dummyURL.port}`;
}

function canonicalizePathname(value) {
  if (value === "") return value;
  const leadingSlash = StringPrototypeCharCodeAt(value, 0) === 0x2f;
  const modifiedValue = leadingSlash ? value : `/-${value}`;
  const dummyURL = createDummyURL();
  dummyURL.path = "";
  if (basicParse(modifiedValue, null, dummyURL, states.PATH_START) === null) {
    throw typeError(`Invalid pathname '${value}'.`);
  }
  return leadingSlash ? dummyURL.path : StringPrototypeSlice(dummyURL.path, 2);
}

function canonicalizeOpaquePathname(value) {
  if (value === "") return value;
  const dummyURL = new URLRecord();
  dummyURL.path = "";
  dummyURL.opaquePath = true;
  if (basicParse(value, null, dummyURL, states.OPAQUE_PATH) === null) {
    throw typeError(`Invalid pathname '${value}'.`);
  }
  return dummyURL.path;
}

function canonicalizeSearch(value) {
  if (value === "") return value;
  const dummyURL = new URLRecord();
  dummyURL.query = "";
  if (basicParse(value, null, dummyURL, states.QUERY) === null) throw typeError(`Invalid search '${value}'.`);
  return dummyURL.query;
}

function canonicalizeHash(value) {
  if (value === "") return value;
  const dummyURL = new URLRecord();
  dummyURL.fragment = "";
  if (basicParse(value, null, dummyURL, states.FRAGMENT) === null) throw typeError(`Invalid hash '${value}'.`);
  return dummyURL.fragment;
}

// --- The constructor string parser (https://urlpattern.spec.whatwg.org/#constructor-string-parsing)

function parseConstructorString(input) {
  const tokens = tokenize(input, "lenient");
  const cps = toCodePoints(input);
  const result = { __proto__: null };
  let componentStart = 0;
  let tokenIndex = 0;
  let tokenIncrement = 1;
  let groupDepth = 0;
  let hostnameIPv6BracketDepth = 0;
  let protocolMatchesSpecialScheme = false;
  let state = "init";

  const getSafeToken = (i) => (i < tokens.length ? tokens[i] : tokens[tokens.length - 1]);
  const isNonSpecialPatternChar = (i, value) => {
    const token = getSafeToken(i);
    if (token.value !== value) return false;
    return token.type === "char" || token.type === "escaped-char" || token.type === "invalid-char";
  };
  const isProtocolSuffix = () => isNonSpecialPatternChar(tokenIndex, ":");
  const nextIsAuthoritySlashes = () =>
    isNonSpecialPatternChar(tokenIndex + 1, "/") && isNonSpecialPatternChar(tokenIndex + 2, "/");
  const isIdentityTerminator = () => isNonSpecialPatternChar(tokenIndex, "@");
  const isPasswordPrefix = () => isNonSpecialPatternChar(tokenIndex, ":");
  const isPortPrefix = () => isNonSpecialPatternChar(tokenIndex, ":");
  const isPathnameStart = () => isNonSpecialPatternChar(tokenIndex, "/");
  const isSearchPrefix = () => {
    if (isNonSpecialPatternChar(tokenIndex, "?")) return true;
    if (tokens[tokenIndex].value !== "?") return false;
    const previousIndex = tokenIndex - 1;
    if (previousIndex < 0) return true;
    const previous = getSafeToken(previousIndex);
    return previous.type !== "name" && previous.type !== "regexp" && previous.type !== "close" &&
      previous.type !== "asterisk";
  };
  const isHashPrefix = () => isNonSpecialPatternChar(tokenIndex, "#");
  const isGroupOpen = () => tokens[tokenIndex].type === "open";
  const isGroupClose = () => tokens[tokenIndex].type === "close";
  const isIPv6Open = () => isNonSpecialPatternChar(tokenIndex, "[");
  const isIPv6Close = () => isNonSpecialPatternChar(tokenIndex, "]");
  const makeComponentString = () => {
    const token = tokens[tokenIndex];
    const startIndex = getSafeToken(componentStart).index;
    return codePointSubstring(cps, startIndex, token.index);
  };
  const rewind = () => {
    tokenIndex = componentStart;
    tokenIncrement = 0;
  };
  const rewindAndSetState = (newState) => {
    rewind();
    state = newState;
  };
  const changeState = (newState, skip) => {
    if (state !== "init" && state !== "authority" && state !== "done") result[state] = makeComponentString();
    if (state !== "init" && newState !== "done") {
      const beforeHostname = state === "protocol" || state === "authority" || state === "username" || state === "password";
      const beforePathname = beforeHostname || state === "hostname" || state === "port";
      if (beforeHostname && (newState === "port" || newState === "pathname" || newState === "search" || newState === "hash") &&
          result.hostname === undefined) {
        result.hostname = "";
      }
      if (beforePathname && (newState === "search" || newState === "hash") && result.pathname === undefined) {
        result.pathname = protocolMatchesSpecialScheme ? "/" : "";
      }
      if ((beforePathname || state === "pathname") && newState === "hash" && result.search === undefined) {
        result.search = "";
      }
    }
    state = newState;
    tokenIndex += skip;
    componentStart = tokenIndex;
    tokenIncrement = 0;
  };
  const computeProtocolMatchesSpecialScheme = () => {
    const protocolComponent = compileComponent(makeComponentString(), canonicalizeProtocol, DEFAULT_OPTIONS);
    if (protocolComponentMatchesSpecialScheme(protocolComponent)) protocolMatchesSpecialScheme = true;
  };

  while (tokenIndex < tokens.length) {
    tokenIncrement = 1;
    if (tokens[tokenIndex].type === "end") {
      if (state === "init") {
        rewind();
        if (isHashPrefix()) changeState("hash", 1);
        else if (isSearchPrefix()) changeState("search", 1);
        else changeState("pathname", 0);
        tokenIndex += tokenIncrement;
        continue;
      }
      if (state === "authority") {
        rewindAndSetState("hostname");
        tokenIndex += tokenIncrement;
        continue;
      }
      changeState("done", 0);
      break;
    }
    if (isGroupOpen()) {
      groupDepth++;
      tokenIndex += tokenIncrement;
      continue;
    }
    if (groupDepth > 0) {
      if (isGroupClose()) {
        groupDepth--;
      } else {
        tokenIndex += tokenIncrement;
        continue;
      }
    }
    switch (state) {
      case "init":
        if (isProtocolSuffix()) rewindAndSetState("protocol");
        break;
      case "protocol":
        if (isProtocolSuffix()) {
          computeProtocolMatchesSpecialScheme();
          let nextState = "pathname";
          let skip = 1;
          if (nextIsAuthoritySlashes()) {
            nextState = "authority";
            skip = 3;
          } else if (protocolMatchesSpecialScheme) {
            nextState = "authority";
          }
          changeState(nextState, skip);
        }
        break;
      case "authority":
        if (isIdentityTerminator()) rewindAndSetState("username");
        else if (isPathnameStart() || isSearchPrefix() || isHashPrefix()) rewindAndSetState("hostname");
        break;
      case "username":
        if (isPasswordPrefix()) changeState("password", 1);
        else if (isIdentityTerminator()) changeState("hostname", 1);
        break;
      case "password":
        if (isIdentityTerminator()) changeState("hostname", 1);
        break;
      case "hostname":
        if (isIPv6Open()) hostnameIPv6BracketDepth++;
        else if (isIPv6Close()) hostnameIPv6BracketDepth--;
        else if (isPortPrefix() && hostnameIPv6BracketDepth === 0) changeState("port", 1);
        else if (isPathnameStart()) changeState("pathname", 0);
        else if (isSearchPrefix()) changeState("search", 1);
        else if (isHashPrefix()) changeState("hash", 1);
        break;
      case "port":
        if (isPathnameStart()) changeState("pathname", 0);
        else if (isSearchPrefix()) changeState("search", 1);
        else if (isHashPrefix()) changeState("hash", 1);
        break;
      case "pathname":
        if (isSearchPrefix()) changeState("search", 1);
        else if (isHashPrefix()) changeState("hash", 1);
        break;
      case "search":
        if (isHashPrefix()) changeState("hash", 1);
        break;
      default:
        break;
    }
    tokenIndex += tokenIncrement;
  }
  if (result.hostname !== undefined && result.port === undefined) result.port = "";
  return result;
}

// --- URLPatternInit processing (https://urlpattern.spec.whatwg.org/#process-a-urlpatterninit) --

const INIT_MEMBERS = ["baseURL", "hash", "hostname", "password", "pathname", "port", "protocol", "search", "username"];

// Web IDL dictionary conversion of a URLPatternInit: a null-prototype object holding only the
// members that are present, each converted to USVString, read in lexicographic order.
function convertURLPatternInit(value, prefix) {
  const init = { __proto__: null };
  if (value === undefined || value === null) return init;
  for (let i = 0; i < INIT_MEMBERS.length; i++) {
    const name = INIT_MEMBERS[i];
    const member = value[name];
    if (member !== undefined) init[name] = toUSVString(member, prefix, name);
  }
  return init;
}

function processBaseURLString(input, type) {
  return type !== "pattern" ? input : escapePatternString(input);
}

// https://urlpattern.spec.whatwg.org/#is-an-absolute-pathname
function isAbsolutePathname(input, type) {
  if (input === "") return false;
  if (input[0] === "/") return true;
  if (type === "url") return false;
  if (input.length < 2) return false;
  return (input[0] === "\\" || input[0] === "{") && input[1] === "/";
}

function processInit(init, type, defaults) {
  const result = { __proto__: null };
  if (defaults !== null) {
    for (let i = 0; i < COMPONENTS.length; i++) result[COMPONENTS[i]] = defaults;
  }
  let baseURL = null;
  if (init.baseURL !== undefined) {
    baseURL = basicParse(init.baseURL, null, null, states.NO_OVERRIDE);
    if (baseURL === null) throw typeError(`Invalid base URL '${init.baseURL}'.`);
    const has = (name) => init[name] !== undefined;
    if (!has("protocol")) result.protocol = processBaseURLString(baseURL.scheme, type);
    if (type !== "pattern" && !has("protocol") && !has("hostname") && !has("port") && !has("username")) {
      result.username = processBaseURLString(baseURL.username, type);
    }
    if (type !== "pattern" && !has("protocol") && !has("hostname") && !has("port") && !has("username") &&
        !has("password")) {
      result.password = processBaseURLString(baseURL.password, type);
    }
    if (!has("protocol") && !has("hostname")) {
      result.hostname = processBaseURLString(baseURL.host ?? "", type);
    }
    if (!has("protocol") && !has("hostname") && !has("port")) {
      result.port = baseURL.port === null ? "" : `${baseURL.port}`;
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname")) {
      result.pathname = processBaseURLString(baseURL.path, type);
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname") && !has("search")) {
      result.search = processBaseURLString(baseURL.query ?? "", type);
    }
    if (!has("protocol") && !has("hostname") && !has("port") && !has("pathname") && !has("search") &&
        !has("hash")) {
      result.hash = processBaseURLString(baseURL.fragment ?? "", type);
    }
  }
  if (init.protocol !== undefined) {
    let stripped = init.protocol;
    if (stripped !== "" && stripped[stripped.length - 1] === ":") stripped = StringPrototypeSlice(stripped, 0, -1);
    result.protocol = type === "pattern" ? stripped : canonicalizeProtocol(stripped);
  }
  if (init.username !== undefined) {
    result.username = type === "pattern" ? init.username : canonicalizeUsername(init.username);
  }
  if (init.password !== undefined) {
    result.password = type === "pattern" ? init.password : canonicalizePassword(init.password);
  }
  if (init.hostname !== undefined) {
    result.hostname = type === "pattern" ? init.hostname : canonicalizeHostname(init.hostname);
  }
  const resultProtocolString = result.protocol ?? "";
  if (init.port !== undefined) {
    result.port = type === "pattern" ? init.port : canonicalizePort(init.port, resultProtocolString);
  }
  if (init.pathname !== undefined) {
    result.pathname = init.pathname;
    if (baseURL !== null && !baseURL.opaquePath && !isAbsolutePathname(result.pathname, type)) {
      const baseURLPath = processBaseURLString(baseURL.path, type);
      let slashIndex = -1;
      for (let i = baseURLPath.length - 1; i >= 0; i--) {
        if (baseURLPath[i] === "/") {
          slashIndex = i;
          break;
        }
      }
      if (slashIndex !== -1) {
        result.pathname = `${StringPrototypeSlice(baseURLPath, 0, slashIndex + 1)}${result.pathname}`;
      }
    }
    if (type !== "pattern") {
      result.pathname = isSpecialScheme(resultProtocolString) || resultProtocolString === ""
        ? canonicalizePathname(result.pathname)
        : canonicalizeOpaquePathname(result.pathname);
    }
  }
  if (init.search !== undefined) {
    let stripped = init.search;
    if (stripped !== "" && stripped[0] === "?") stripped = StringPrototypeSlice(stripped, 1);
    result.search = type === "pattern" ? stripped : canonicalizeSearch(stripped);
  }
  if (init.hash !== undefined) {
    let stripped = init.hash;
    if (stripped !== "" && stripped[0] === "#") stripped = StringPrototypeSlice(stripped, 1);
    result.hash = type === "pattern" ? stripped : canonicalizeHash(stripped);
  }
  return result;
}

// https://urlpattern.spec.whatwg.org/#hostname-pattern-is-an-ipv6-address
function hostnamePatternIsIPv6(input) {
  if (input.length < 2) return false;
  return input[0] === "[" || ((input[0] === "{" || input[0] === "\\") && input[1] === "[");
}

function defaultPortString(scheme) {
  switch (scheme) {
    case "http":
    case "ws":
      return "80";
    case "https":
    case "wss":
      return "443";
    case "ftp":
      return "21";
    default:
      return null;
  }
}

// https://urlpattern.spec.whatwg.org/#url-pattern-create: returns the eight components.
function createURLPattern(input, baseURL, ignoreCase) {
  let init;
  if (typeof input === "string") {
    init = parseConstructorString(input);
    if (baseURL === null && init.protocol === undefined) {
      throw typeError(`Relative constructor string '${input}' must have a base URL passed as the second argument.`);
    }
    if (baseURL !== null) init.baseURL = baseURL;
  } else {
    if (baseURL !== null) {
      throw typeError("A base URL must not be provided with a URLPatternInit dictionary; use its baseURL member.");
    }
    init = input;
  }
  const processed = processInit(init, "pattern", null);
  for (let i = 0; i < COMPONENTS.length; i++) {
    if (processed[COMPONENTS[i]] === undefined) processed[COMPONENTS[i]] = "*";
  }
  if (isSpecialScheme(processed.protocol) && processed.port === defaultPortString(processed.protocol)) {
    processed.port = "";
  }
  const components = { __proto__: null };
  components.protocol = compileComponent(processed.protocol, canonicalizeProtocol, DEFAULT_OPTIONS);
  components.username = compileComponent(processed.username, canonicalizeUsername, DEFAULT_OPTIONS);
  components.password = compileComponent(processed.password, canonicalizePassword, DEFAULT_OPTIONS);
  components.hostname = hostnamePatternIsIPv6(processed.hostname)
    ? compileComponent(processed.hostname, canonicalizeIPv6Hostname, HOSTNAME_OPTIONS)
    : compileComponent(processed.hostname, canonicalizeHostname, HOSTNAME_OPTIONS);
  components.port = compileComponent(processed.port, canonicalizePort, DEFAULT_OPTIONS);
  const compileOptions = makeOptions("", "", ignoreCase);
  if (protocolComponentMatchesSpecialScheme(components.protocol)) {
    components.pathname = compileComponent(processed.pathname, canonicalizePathname, makeOptions("/", "/", ignoreCase));
  } else {
    components.pathname = compileComponent(processed.pathname, canonicalizeOpaquePathname, compileOptions);
  }
  components.search = compileComponent(processed.search, canonicalizeSearch, compileOptions);
  components.hash = compileComponent(processed.hash, canonicalizeHash, compileOptions);
  return components;
}

// --- Matching (https://urlpattern.spec.whatwg.org/#url-pattern-match) --------------------------

function createComponentMatchResult(component, input, execResult) {
  // A record<USVString, …> becomes a plain object through CreateDataProperty: literals with
  // computed keys define (never set) their properties, so no setter on Object.prototype runs.
  const names = component.groupNameList;
  let groups;
  switch (execResult.length) {
    case 1:
      groups = {};
      break;
    case 2:
      groups = { [names[0]]: execResult[1] };
      break;
    case 3:
      groups = { [names[0]]: execResult[1], [names[1]]: execResult[2] };
      break;
    default:
      // Fill it while it has no prototype, then give it Object.prototype.
      groups = { __proto__: null };
      for (let index = 1; index < execResult.length; index++) groups[names[index - 1]] = execResult[index];
      ObjectSetPrototypeOf(groups, ObjectPrototype);
  }
  return { input, groups };
}

// Web IDL conversion of a URLPatternInit to a JavaScript object (for `inputs`).
function initToObject(init) {
  const object = { __proto__: null };
  for (let i = 0; i < INIT_MEMBERS.length; i++) {
    const name = INIT_MEMBERS[i];
    if (init[name] !== undefined) object[name] = init[name];
  }
  return ObjectSetPrototypeOf(object, ObjectPrototype);
}

// Returns the URLPatternResult or null (with testOnly, true instead of a result). `input` is a
// string or a converted URLPatternInit; `baseURLString` a string or undefined; `prefix` starts
// error messages.
function match(components, input, baseURLString, testOnly, prefix) {
  let inputs;
  let protocol;
  let username;
  let password;
  let hostname;
  let port;
  let pathname;
  let search;
  let hash;
  if (typeof input !== "string") {
    if (baseURLString !== undefined) {
      throw new TypeError(`${prefix}: a base URL must not be provided with a URLPatternInit dictionary.`);
    }
    inputs = [initToObject(input)];
    let applied;
    try {
      applied = processInit(input, "url", "");
    } catch {
      return null;
    }
    protocol = applied.protocol;
    username = applied.username;
    password = applied.password;
    hostname = applied.hostname;
    port = applied.port;
    pathname = applied.pathname;
    search = applied.search;
    hash = applied.hash;
  } else {
    let baseURL = null;
    if (baseURLString !== undefined) {
      baseURL = basicParse(baseURLString, null, null, states.NO_OVERRIDE);
      if (baseURL === null) return null;
      inputs = [input, baseURLString];
    } else {
      inputs = [input];
    }
    const url = basicParse(input, baseURL, null, states.NO_OVERRIDE);
    if (url === null) return null;
    protocol = url.scheme;
    username = url.username;
    password = url.password;
    hostname = url.host ?? "";
    port = url.port === null ? "" : `${url.port}`;
    pathname = url.path;
    search = url.query ?? "";
    hash = url.fragment ?? "";
  }
  const protocolResult = RegExpPrototypeExec(components.protocol.regularExpression, protocol);
  if (protocolResult === null) return null;
  const usernameResult = RegExpPrototypeExec(components.username.regularExpression, username);
  if (usernameResult === null) return null;
  const passwordResult = RegExpPrototypeExec(components.password.regularExpression, password);
  if (passwordResult === null) return null;
  const hostnameResult = RegExpPrototypeExec(components.hostname.regularExpression, hostname);
  if (hostnameResult === null) return null;
  const portResult = RegExpPrototypeExec(components.port.regularExpression, port);
  if (portResult === null) return null;
  const pathnameResult = RegExpPrototypeExec(components.pathname.regularExpression, pathname);
  if (pathnameResult === null) return null;
  const searchResult = RegExpPrototypeExec(components.search.regularExpression, search);
  if (searchResult === null) return null;
  const hashResult = RegExpPrototypeExec(components.hash.regularExpression, hash);
  if (hashResult === null) return null;
  if (testOnly) return true;
  return {
    inputs,
    protocol: createComponentMatchResult(components.protocol, protocol, protocolResult),
    username: createComponentMatchResult(components.username, username, usernameResult),
    password: createComponentMatchResult(components.password, password, passwordResult),
    hostname: createComponentMatchResult(components.hostname, hostname, hostnameResult),
    port: createComponentMatchResult(components.port, port, portResult),
    pathname: createComponentMatchResult(components.pathname, pathname, pathnameResult),
    search: createComponentMatchResult(components.search, search, searchResult),
    hash: createComponentMatchResult(components.hash, hash, hashResult),
  };
}

// Converts a URLPatternInput: a string stays a (USV) string, anything else is a dictionary.
function convertInput(input, prefix) {
  if (isObject(input) || input === undefined || input === null) return convertURLPatternInit(input, prefix);
  return toUSVString(input, prefix, "Argument 1");
}

// --- The interface (https://urlpattern.spec.whatwg.org/#urlpattern-class) ----------------------

let isURLPattern;
let componentsOf;

class URLPattern {
  #components;

  constructor(input = undefined, baseURL = undefined, options = undefined) {
    // Overloads: (input, baseURL, options) and (input, options). With two arguments, a second
    // argument that is undefined, null or an object is the options dictionary.
    let baseURLString = null;
    let optionsValue = options;
    if (arguments.length < 3 && (baseURL === undefined || baseURL === null || isObject(baseURL))) {
      optionsValue = baseURL;
    } else {
      baseURLString = toUSVString(baseURL, PREFIX, "Argument 2");
    }
    const convertedInput = convertInput(input, PREFIX);
    let ignoreCase = false;
    if (optionsValue !== undefined && optionsValue !== null) {
      if (!isObject(optionsValue)) throw typeError("The options argument can not be converted to a dictionary.");
      ignoreCase = !!optionsValue.ignoreCase;
    }
    this.#components = createURLPattern(convertedInput, baseURLString, ignoreCase);
  }

  static {
    isURLPattern = (value) => isObject(value) && #components in value;
    componentsOf = (pattern) => pattern.#components;
  }

  test(input = undefined, baseURL = undefined) {
    if (!isURLPattern(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'test' on 'URLPattern'";
    const converted = convertInput(input, prefix);
    const base = baseURL === undefined ? undefined : toUSVString(baseURL, prefix, "Argument 2");
    return match(this.#components, converted, base, true, prefix) !== null;
  }

  exec(input = undefined, baseURL = undefined) {
    if (!isURLPattern(this)) throw illegalInvocation();
    const prefix = "Failed to execute 'exec' on 'URLPattern'";
    const converted = convertInput(input, prefix);
    const base = baseURL === undefined ? undefined : toUSVString(baseURL, prefix, "Argument 2");
    return match(this.#components, converted, base, false, prefix);
  }

  get protocol() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.protocol.patternString;
  }

  get username() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.username.patternString;
  }

  get password() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.password.patternString;
  }

  get hostname() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.hostname.patternString;
  }

  get port() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.port.patternString;
  }

  get pathname() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.pathname.patternString;
  }

  get search() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.search.patternString;
  }

  get hash() {
    if (!isURLPattern(this)) throw illegalInvocation();
    return this.#components.hash.patternString;
  }

  get hasRegExpGroups() {
    if (!isURLPattern(this)) throw illegalInvocation();
    const components = this.#components;
    for (let i = 0; i < COMPONENTS.length; i++) {
      if (components[COMPONENTS[i]].hasRegExpGroups) return true;
    }
    return false;
  }
}

configureInterface(URLPattern, "URLPattern");
installGlobal("URLPattern", URLPattern);

internals.registerInspector(isURLPattern, (pattern) => {
  const components = componentsOf(pattern);
  const values = internalList();
  for (let i = 0; i < COMPONENTS.length; i++) values[i] = components[COMPONENTS[i]].patternString;
  return internals.makeDisplayObject(URLPattern.prototype, COMPONENTS, values);
});

internals.URLPattern = URLPattern;
internals.isURLPattern = isURLPattern;
