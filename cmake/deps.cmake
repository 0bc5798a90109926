# Locates the dependencies scripts/setup installs. V8 and llhttp come from Debian's libnode and
# node-llhttp, either installed system-wide or unpacked into .deps/ (see ../../shared/DEPS.md).

set(QUIVER_DEPS_PREFIX "${CMAKE_SOURCE_DIR}/.deps/usr")

# --- llhttp: shipped as C sources; compiled into a small static library of ours.
find_path(LLHTTP_SRC_DIR llhttp.c
  PATHS "${QUIVER_DEPS_PREFIX}/share/llhttp" /usr/share/llhttp NO_DEFAULT_PATH REQUIRED)
find_path(LLHTTP_INCLUDE_DIR llhttp.h
  PATHS "${QUIVER_DEPS_PREFIX}/share/include/llhttp" /usr/share/include/llhttp
        /usr/include/llhttp NO_DEFAULT_PATH REQUIRED)
add_library(llhttp STATIC
  "${LLHTTP_SRC_DIR}/llhttp.c" "${LLHTTP_SRC_DIR}/api.c" "${LLHTTP_SRC_DIR}/http.c")
target_include_directories(llhttp SYSTEM PUBLIC "${LLHTTP_INCLUDE_DIR}")
set_target_properties(llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)

if(QUIVER_FUZZ_ONLY)
  return()
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)  # libc-ares-dev: outbound DNS
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)  # quiverd --config (libtomlplusplus-dev)
find_package(Threads REQUIRED)
# zlib: compression streams and HTTP content codings (host/zlib_stream.h).
find_package(ZLIB REQUIRED)
# ICU: the same libicu72 libnode links (TextDecoder's legacy encodings; URL's IDNA).
find_package(ICU COMPONENTS uc i18n REQUIRED)

# --- V8: the one inside libnode.so.108.
find_path(V8_INCLUDE_DIR v8.h
  PATHS "${QUIVER_DEPS_PREFIX}/include/node" /usr/include/node NO_DEFAULT_PATH REQUIRED)
find_library(LIBNODE_LIBRARY NAMES node libnode.so.108
  PATHS "${QUIVER_DEPS_PREFIX}/lib/x86_64-linux-gnu" /usr/lib/x86_64-linux-gnu NO_DEFAULT_PATH
  REQUIRED)
get_filename_component(LIBNODE_DIR "${LIBNODE_LIBRARY}" DIRECTORY)
add_library(quiver_v8 INTERFACE)
target_include_directories(quiver_v8 SYSTEM INTERFACE "${V8_INCLUDE_DIR}")
# libuv first: libnode re-exports uv_* and we want the real libuv's symbols (the same library).
target_link_libraries(quiver_v8 INTERFACE PkgConfig::LIBUV "${LIBNODE_LIBRARY}")
set(CMAKE_BUILD_RPATH "${LIBNODE_DIR}")
set(CMAKE_INSTALL_RPATH "${LIBNODE_DIR}")
