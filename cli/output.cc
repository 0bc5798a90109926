// Formatting for tables, field blocks and JSON, kept apart from the verbs that decide what to say.
#include "output.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace quiver::cli {
namespace {

std::vector<size_t> columnWidths(const TableRow& header, const std::vector<TableRow>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto widen = [&widths](const TableRow& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  widen(header);
  for (const auto& row : rows) widen(row);
  return widths;
}

void printRow(const TableRow& row, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) {
    line += row[i];
    if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
  }
  std::cout << line << '\n';
}

}  // namespace

void printTable(const TableRow& header, const std::vector<TableRow>& rows) {
  std::vector<size_t> widths = columnWidths(header, rows);
  printRow(header, widths);
  for (const auto& row : rows) printRow(row, widths);
}

void printFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size());
  for (const auto& [key, value] : fields) {
    std::cout << key << ':' << std::string(width - key.size() + 1, ' ') << value << '\n';
  }
}

void printJson(const Json& value) {
  std::cout << value.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
}

void printRaw(std::string_view bytes) {
  std::cout.flush();
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  std::fflush(stdout);
}

std::string fieldText(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return "-";
  const Json& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string oneLineExcerpt(const std::string& text, size_t maxBytes) {
  size_t end = std::min(text.size(), maxBytes);
  // Back up over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  std::string excerpt = text.substr(0, end);
  for (char& c : excerpt) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return excerpt;
}

std::string shortHash(const std::string& hash, size_t length) { return hash.substr(0, length); }

}  // namespace quiver::cli
