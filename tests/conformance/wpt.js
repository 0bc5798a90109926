// Conformance helpers for tests/conformance/*.test.js: reading the web-platform-tests' JSON
// vectors and registering one harness test per case, with the expectations file applied.
// A classic script, evaluated after harness.js and before the conformance test file.
//
// Defines on globalThis:
//   wptData(file) -> the parsed JSON of ../shared/conformance/wpt/<file> (JSON.parse inside V8,
//                    so lone surrogates survive)
//   wptTest(file, name, fn)   registers a test for one case of `file` (counted in the group
//                             `file`: the host reports pass counts per data file); a name used twice gets a
//                             " #2", " #3", … suffix. If expectations.json lists the case as
//                             failing, the harness expects it to fail and an unexpected pass fails.
//   wptDone(file)             registers the checks on the expectations themselves: every entry
//                             names a case that exists, and files that must pass 100% have none
//                             (outside the file's group: the group counts cases only).
//
// Host contract: __readConformanceFile(relativePath) -> string, relative to the conformance
// directory (the one holding README.md and wpt/), and __readRepoFile(relativePath) -> string,
// relative to the repository root. Both throw if the file is missing.
(function () {
  "use strict";

  const JSONParse = JSON.parse;
  const ObjectKeys = Object.keys;
  const ObjectDefineProperty = Object.defineProperty;
  const ArrayPrototypeIncludes = Function.prototype.call.bind(Array.prototype.includes);
  const readConformanceFile = globalThis.__readConformanceFile;
  const readRepoFile = globalThis.__readRepoFile;
  const registerTest = globalThis.test;

  const expectations = JSONParse(readRepoFile("tests/conformance/expectations.json"));
  const requiredFullPass = expectations.required_full_pass;
  const expectedFailures = expectations.expected_failures;

  const seen = { __proto__: null }; // file -> { name -> count }

  function wptData(file) {
    return JSONParse(readConformanceFile(`wpt/${file}`));
  }

  function wptTest(file, name, fn) {
    const names = seen[file] || (seen[file] = { __proto__: null });
    let unique = name;
    if (names[name] !== undefined) {
      names[name]++;
      unique = `${name} #${names[name]}`;
    } else {
      names[name] = 1;
    }
    names[unique] = names[unique] || 1;
    const listed = expectedFailures[file];
    const reason = listed !== undefined && Object.prototype.hasOwnProperty.call(listed, unique)
      ? listed[unique] : undefined;
    registerTest(`${file}: ${unique}`, fn, { expectedFailure: reason, group: file });
  }

  function wptDone(file) {
    const listed = expectedFailures[file] || {};
    const names = seen[file] || { __proto__: null };
    registerTest(`${file}: expectations name existing cases`, () => {
      const keys = ObjectKeys(listed);
      for (let i = 0; i < keys.length; i++) {
        if (names[keys[i]] === undefined) {
          throw new Error(`expectations.json lists a case that does not exist: ${keys[i]}`);
        }
      }
    });
    if (ArrayPrototypeIncludes(requiredFullPass, file)) {
      registerTest(`${file}: must pass 100%`, () => {
        const count = ObjectKeys(listed).length;
        if (count !== 0) throw new Error(`${count} expected failures listed for a file that must pass 100%`);
      });
    }
  }

  const define = (name, value) => ObjectDefineProperty(globalThis, name, {
    __proto__: null, value, writable: true, enumerable: false, configurable: true,
  });
  define("wptData", wptData);
  define("wptTest", wptTest);
  define("wptDone", wptDone);
})();
