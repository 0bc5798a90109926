// UvHandle<T>: the one owner of a libuv handle (uv_tcp_t, uv_timer_t, uv_poll_t, …).
//
// libuv may touch a handle until its close callback has run, which is after the C++ object using
// it may be gone. So the handle lives in its own heap block: reset() (and the destructor) detach
// it (data = nullptr), uv_close it, and the close callback frees the block. Callbacks that can
// still arrive after uv_close (write and connect requests, cancelled with UV_ECANCELED) must not
// reach their owner through handle->data; they carry their own reference.
//
// Thread: the loop's.
#pragma once

#include <uv.h>

#include <utility>

namespace quiver::host::net {

template <typename T>
class UvHandle {
 public:
  UvHandle() = default;
  ~UvHandle() { reset(); }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  UvHandle(UvHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }

  // Allocates a handle and runs `init` on it (uv_timer_init(loop, h), …), with data = `owner`.
  // Returns init's libuv status; on failure nothing is kept.
  template <typename Init>
  int init(void* owner, Init&& init) {
    reset();
    auto* h = new T{};
    int rc = init(h);
    if (rc < 0) {
      delete h;
      return rc;
    }
    h->data = owner;
    handle_ = h;
    return 0;
  }

  T* get() const { return handle_; }
  uv_handle_t* handle() const { return reinterpret_cast<uv_handle_t*>(handle_); }
  uv_stream_t* stream() const { return reinterpret_cast<uv_stream_t*>(handle_); }
  explicit operator bool() const { return handle_ != nullptr; }

  void reset() {
    if (!handle_) return;
    auto* h = reinterpret_cast<uv_handle_t*>(std::exchange(handle_, nullptr));
    h->data = nullptr;
    uv_close(h, [](uv_handle_t* closed) { delete reinterpret_cast<T*>(closed); });
  }

 private:
  T* handle_ = nullptr;
};

}  // namespace quiver::host::net
