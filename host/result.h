// Result<T>: how expected failures from the outside world (bad input, I/O, a full disk) travel
// without exceptions. Bugs are asserts; errors thrown into JS belong to isolates/.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace quiver {

// A failure with a stable machine-readable code ("invalid_name", "store_error") and a message
// meant for a human. The gateway maps codes to HTTP statuses.
struct Error {
  std::string code;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status okStatus() { return Unit{}; }

}  // namespace quiver
