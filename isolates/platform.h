// The V8 platform: initialised once per process, before any isolate exists, and torn down after
// the last one is gone. Every thread that creates isolates shares it.
#pragma once

namespace quiver::isolates {

// Idempotent and thread-safe. `argv0` locates ICU data when it is not the system's.
void initializeV8(const char* argv0);
// Call at most once, after every isolate has been disposed.
void shutdownV8();

}  // namespace quiver::isolates
