// Deploy-time validation: compiles a function's module in a scratch isolate, without running
// it, so that a syntax error is refused (with line and column) before anything is stored.
#pragma once

#include <string>

#include "host/result.h"

namespace quiver::isolates {

// Error code "syntax_error" with a message like
// "SyntaxError: Unexpected token '}' (line 3, column 5)", or "unsupported_import".
Status checkModule(const std::string& name, const std::string& code);

}  // namespace quiver::isolates
