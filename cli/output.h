// Everything the CLI writes to stdout on success: aligned tables and key/value blocks for humans,
// compact JSON for machines (--json), and helpers to show daemon fields that may be absent.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quiver::cli {

// Daemon replies keep their key order, so --json prints fields the way quiverd sent them.
using Json = nlohmann::ordered_json;

using TableRow = std::vector<std::string>;

// Prints columns separated by two spaces, padded to the widest cell; the last column is not padded.
void printTable(const TableRow& header, const std::vector<TableRow>& rows);

// Prints "key: value" lines with the values aligned.
void printFields(const std::vector<std::pair<std::string, std::string>>& fields);

// One line of compact JSON. Invalid UTF-8 in strings is replaced (U+FFFD) instead of failing.
void printJson(const Json& value);

// Writes bytes to stdout exactly as given (no newline added) and flushes.
void printRaw(std::string_view bytes);

// A field as display text: strings as-is, numbers/bools as JSON, missing or null as "-".
std::string fieldText(const Json& object, const char* key);

// Up to `maxBytes` of text on one line: control characters become spaces and a UTF-8 sequence
// is never cut in half. For quoting unexpected replies inside a one-line error.
std::string oneLineExcerpt(const std::string& text, size_t maxBytes);

// The first `length` characters of a hash, for display.
std::string shortHash(const std::string& hash, size_t length);

}  // namespace quiver::cli
