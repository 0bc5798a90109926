// The decoders of the Encoding Standard (https://encoding.spec.whatwg.org/) behind TextDecoder,
// as plain C++ over byte spans (no V8 here): UTF-8, UTF-16LE/BE, the legacy single-byte
// encodings, x-user-defined, gb18030 (gbk decodes the same way), Big5, EUC-JP, ISO-2022-JP,
// Shift_JIS and EUC-KR. Each follows its spec decoder step by step (error handling, bytes pushed
// back to the stream, end-of-stream); the legacy encodings' index tables are read from ICU's
// converters (ucnv) once per process, on first use, with the corrections text_codecs.cc lists
// where ICU's data differs from the Encoding Standard's indexes.
//
// Streaming: a decoder's whole state between two chunks fits in one uint32_t, which the caller
// keeps (the JS TextDecoder holds it as a number), so no native object outlives a call and no GC
// finalizer is needed. State 0 is a fresh decoder for every encoding.
//
// Thread-safety: the tables are function-local statics (built once, then read-only): any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace quiver::isolates::text {

enum class DecoderKind : uint8_t {
  kUtf8,
  kUtf16Le,
  kUtf16Be,
  kSingleByte,
  kUserDefined,
  kGb18030,
  kBig5,
  kEucJp,
  kIso2022Jp,
  kShiftJis,
  kEucKr,
};

struct EncodingInfo {
  const char* name;  // the Encoding Standard's name, lowercase ("utf-8", "shift_jis", …)
  DecoderKind kind;
  int single_byte_index;  // kSingleByte: which table; otherwise -1
};

// The encoding with this (lowercase) name, or nullptr. "replacement" is not one of them: it has
// no decoder a TextDecoder can use.
const EncodingInfo* findEncoding(std::string_view name);

// Decodes `input` as the continuation of the stream whose state is `state`, appending UTF-16 code
// units to `out` and updating `state`. With `flush` the end of the stream follows the input (the
// state is then 0 again). Errors become U+FFFD; with `fatal`, the first error stops decoding and
// the result is false (`out` and `state` are then unspecified).
bool decode(const EncodingInfo& encoding, std::span<const uint8_t> input, uint32_t& state,
            bool flush, bool fatal, std::u16string& out);

// UTF-8 helpers for the fast path, which leaves the bulk of the bytes to V8's own decoder:
//   utf8Valid: whether `input` is a complete, valid UTF-8 byte sequence.
//   utf8IncompleteTail: how many bytes at the end of `input` begin a sequence that more input
//     could still complete (0 to 3); the rest of `input` decodes to the same code points whatever
//     follows.
//   utf8FinishSequence: continues a stream whose state is not 0 until the pending sequence
//     completes or fails; returns how many bytes of `input` that took (the rest of `input` then
//     starts at a character boundary). With `fatal`, an error sets `ok` to false.
bool utf8Valid(std::span<const uint8_t> input);
size_t utf8IncompleteTail(std::span<const uint8_t> input);
size_t utf8FinishSequence(std::span<const uint8_t> input, uint32_t& state, bool fatal,
                          std::u16string& out, bool& ok);

}  // namespace quiver::isolates::text
