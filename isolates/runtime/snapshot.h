// The runtime's startup snapshot: a V8 snapshot of a context in which every runtime file has run
// (the whole Web API in place, the request path warmed up and compiled), so that a function
// instance's context is deserialized in about a millisecond instead of built by running ~600 KB of
// JavaScript (tens of milliseconds).
//
// Made at build time by `quiver-mksnapshot` (isolates/runtime/mksnapshot.cc), a separate process:
// V8's shared read-only heap wants every isolate of a process to come from the same blob, so the
// process that makes the snapshot is not one that uses it. The blob is linked into quiverd (and the
// test binaries) as the object library `quiver_runtime_snapshot` (snapshot_blob.S); a program
// that does not link it simply has no snapshot and builds contexts from the sources.
//
// Blob layout: the magic line "quiver-snapshot 1\n", the V8 version that made it and "\n", then
// V8's own blob. A blob made by another V8 (libnode upgraded under an installed quiverd) would
// make V8 abort, so it is checked first and ignored with a warning: contexts are then built from
// the sources, slower but correct. QUIVER_NO_SNAPSHOT=1 in the environment ignores it too (to
// compare the two paths).
//
// In the snapshot: the default context is a blank one (v8::Context::New gives a context without
// the runtime, as it would without the snapshot); context kRuntimeContextIndex holds the runtime,
// and its snapshot data kInternalsDataIndex is the `internals` object (Runtime::attach).
#pragma once

#include <v8.h>

#include <cstdint>
#include <string>

#include "host/result.h"

namespace quiver::isolates {

constexpr size_t kRuntimeContextIndex = 0;
constexpr size_t kInternalsDataIndex = 0;

// The process's snapshot, or null (none linked, another V8's, or disabled). Checked once; the
// first call prints the warning if there is one. Thread-safe.
const v8::StartupData* runtimeSnapshot();

// Every native callback the runtime's context holds (the ops, the HostObject constructor),
// null-terminated: what V8 needs to make the snapshot and to read it back.
const intptr_t* snapshotExternalReferences();

// Serialize/deserialize the internal fields of the snapshot's objects (the runtime's host objects
// hold nothing in them yet at snapshot time).
v8::SerializeInternalFieldsCallback snapshotFieldSerializer();
v8::DeserializeInternalFieldsCallback snapshotFieldDeserializer();

// Makes the blob (with the header above). V8 must be initialised; call in a process that has
// created no other isolate. Errors: "runtime_error" (a runtime file threw).
Result<std::string> makeRuntimeSnapshot();

}  // namespace quiver::isolates
