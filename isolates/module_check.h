// Deploy-time validation: compiles a function's module in a scratch isolate, without running
// it, so that a syntax error is refused (with line and column) before anything is stored. The
// same compile yields the version's first V8 code cache, stored with it.
#pragma once

#include <string>

#include "host/result.h"

namespace quiver::isolates {

// The module's code cache (its eagerly compiled top level; empty if V8 made none), or error code
// "syntax_error" with a message like "SyntaxError: Unexpected token '}' (line 3, column 5)", or
// "unsupported_import".
Result<std::string> checkModule(const std::string& name, const std::string& code);

}  // namespace quiver::isolates
