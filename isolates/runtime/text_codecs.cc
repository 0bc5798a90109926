// The Encoding Standard's decoders (see text_codecs.h). Each decoder struct is the spec's
// algorithm for one encoding: handle(byte) is "the handler" of
// https://encoding.spec.whatwg.org/#concept-encoding-run, with kEnd for end-of-queue; its fields
// are the spec's state variables, packed into a uint32_t between calls.
//
// Index tables: read from ICU by decoding every byte sequence of the index's pointer range with a
// converter whose error callback stops (so an unmapped sequence is a null index entry). Measured
// against the Encoding Standard's indexes, the differences that remain are (ICU 72):
//   - single-byte: none after the corrections in kSingleByteFixes (ICU's KOI8-U is RFC 2319,
//     the standard's is KOI8-RU; ICU's windows-874 has PUA mappings the standard leaves unmapped;
//     windows-1253 0xAA and windows-1255 0xCA). ICU has no ISO-8859-16: that index is kIso885916.
//   - gb18030/gbk, Big5, EUC-KR, Shift_JIS, EUC-JP, ISO-2022-JP: the counts in
//     isolates/runtime/README-encoding.md (mostly ICU mapping extra PUA code points, and
//     GB18030-2005 vs. the standard's GB18030-2022 changes).
#include "isolates/runtime/text_codecs.h"

#include <unicode/ucnv.h>
#include <unicode/utf16.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

namespace quiver::isolates::text {
namespace {

constexpr int kEnd = -1;  // end-of-queue

// ---------------------------------------------------------------------------------------------
// The byte stream one decode() call reads: bytes pushed back ("prepend to the stream") first,
// then the input.

class ByteStream {
 public:
  explicit ByteStream(std::span<const uint8_t> input) : input_(input) {}
  // The next byte, or kEnd when the input is exhausted.
  int next() {
    if (pushed_ > 0) return back_[--pushed_];
    if (pos_ < input_.size()) return input_[pos_++];
    return kEnd;
  }
  // Prepends `byte` (kEnd is ignored: the end stays the end).
  void prepend(int byte) {
    if (byte != kEnd) back_[pushed_++] = static_cast<uint8_t>(byte);
  }

 private:
  std::span<const uint8_t> input_;
  size_t pos_ = 0;
  uint8_t back_[4] = {};
  int pushed_ = 0;
};

class Output {
 public:
  explicit Output(std::u16string& out) : out_(out) {}
  void emit(uint32_t cp) {
    if (cp < 0x10000) {
      out_.push_back(static_cast<char16_t>(cp));
    } else {
      out_.push_back(static_cast<char16_t>(U16_LEAD(cp)));
      out_.push_back(static_cast<char16_t>(U16_TRAIL(cp)));
    }
  }

 private:
  std::u16string& out_;
};

enum class Step { kContinue, kError, kFinished };

// https://encoding.spec.whatwg.org/#concept-encoding-run for one decoder: runs until the input
// is exhausted (streaming) or, with flush, until the decoder reports finished at end-of-queue.
template <class Decoder>
bool run(Decoder& decoder, std::span<const uint8_t> input, bool flush, bool fatal,
         std::u16string& out) {
  ByteStream stream(input);
  Output output(out);
  for (;;) {
    int byte = stream.next();
    if (byte == kEnd && !flush) return true;
    Step step = decoder.handle(byte, stream, output);
    if (step == Step::kFinished) return true;
    if (step == Step::kError) {
      if (fatal) return false;
      out.push_back(u'\uFFFD');
    }
  }
}

bool inRange(int byte, int low, int high) { return byte >= low && byte <= high; }

// ---------------------------------------------------------------------------------------------
// Index tables from ICU.

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

ConverterPtr openStopping(const char* name) {
  UErrorCode error = U_ZERO_ERROR;
  ConverterPtr converter(ucnv_open(name, &error));
  if (U_FAILURE(error)) return nullptr;
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
  ucnv_setFallback(converter.get(), false);
  return converter;
}

// The one code point ICU decodes `bytes` to, or 0 (null) for an error or any other result.
uint32_t icuLookup(UConverter* converter, const uint8_t* bytes, int length) {
  UChar units[4];
  UErrorCode error = U_ZERO_ERROR;
  int32_t n =
      ucnv_toUChars(converter, units, 4, reinterpret_cast<const char*>(bytes), length, &error);
  if (U_FAILURE(error) || n < 1 || n > 2) return 0;
  UChar32 cp;
  int32_t i = 0;
  U16_NEXT(units, i, n, cp);
  if (i != n || U_IS_SURROGATE(cp)) return 0;
  return static_cast<uint32_t>(cp);
}

// index[pointer] for every pointer of a two-byte encoding: pointer = (lead - lead_base) * row +
// (trail - trail_offset(trail)), over leads [lead_low, lead_high] and the trails `is_trail`
// accepts. Unmapped pointers are 0.
template <class T, class IsTrail, class TrailOffset>
std::vector<T> readTwoByteIndex(const char* converter_name, int lead_low, int lead_high, int row,
                                size_t size, IsTrail is_trail, TrailOffset trail_offset,
                                uint8_t prefix = 0) {
  std::vector<T> index(size, 0);
  ConverterPtr converter = openStopping(converter_name);
  if (!converter) return index;
  for (int lead = lead_low; lead <= lead_high; ++lead) {
    for (int trail = 0; trail <= 0xff; ++trail) {
      if (!is_trail(trail)) continue;
      size_t pointer = static_cast<size_t>((lead - lead_low) * row + trail - trail_offset(trail));
      if (pointer >= size) continue;
      uint8_t bytes[3] = {prefix, static_cast<uint8_t>(lead), static_cast<uint8_t>(trail)};
      index[pointer] = static_cast<T>(prefix ? icuLookup(converter.get(), bytes, 3)
                                             : icuLookup(converter.get(), bytes + 1, 2));
    }
  }
  return index;
}

// --- single-byte ---

struct SingleByteEncoding {
  const char* name;
  const char* icu_name;  // nullptr: the table is built in (kIso885916)
};

// https://encoding.spec.whatwg.org/#legacy-single-byte-encodings, in the standard's order.
constexpr SingleByteEncoding kSingleByte[] = {
    {"ibm866", "ibm-866_P100-1995"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso-8859-15", "ISO-8859-15"},
    {"iso-8859-16", nullptr},
    {"koi8-r", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"macintosh", "macintosh"},
    {"windows-874", "windows-874"},
    {"windows-1250", "windows-1250"},
    {"windows-1251", "windows-1251"},
    {"windows-1252", "windows-1252"},
    {"windows-1253", "windows-1253"},
    {"windows-1254", "windows-1254"},
    {"windows-1255", "windows-1255"},
    {"windows-1256", "windows-1256"},
    {"windows-1257", "windows-1257"},
    {"windows-1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
};
constexpr size_t kSingleByteCount = sizeof(kSingleByte) / sizeof(kSingleByte[0]);

// Where ICU 72's converters differ from the standard's index (byte -> code point, 0 = unmapped).
struct SingleByteFix {
  const char* name;
  uint8_t byte;
  uint16_t code_point;
};
constexpr SingleByteFix kSingleByteFixes[] = {
    {"koi8-u", 0xae, 0x045e}, {"koi8-u", 0xbe, 0x040e},  {"windows-874", 0xdb, 0},
    {"windows-874", 0xdc, 0}, {"windows-874", 0xdd, 0},  {"windows-874", 0xde, 0},
    {"windows-874", 0xfc, 0}, {"windows-874", 0xfd, 0},  {"windows-874", 0xfe, 0},
    {"windows-874", 0xff, 0}, {"windows-1253", 0xaa, 0}, {"windows-1255", 0xca, 0x05ba},
};

// index-iso-8859-16.txt, bytes 0xA0-0xFF (0x80-0x9F are U+0080-U+009F).
constexpr uint16_t kIso885916[96] = {
    0x00a0, 0x0104, 0x0105, 0x0141, 0x20ac, 0x201e, 0x0160, 0x00a7, 0x0161, 0x00a9, 0x0218, 0x00ab,
    0x0179, 0x00ad, 0x017a, 0x017b, 0x00b0, 0x00b1, 0x010c, 0x0142, 0x017d, 0x201d, 0x00b6, 0x00b7,
    0x017e, 0x010d, 0x0219, 0x00bb, 0x0152, 0x0153, 0x0178, 0x017c, 0x00c0, 0x00c1, 0x00c2, 0x0102,
    0x00c4, 0x0106, 0x00c6, 0x00c7, 0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf,
    0x0110, 0x0143, 0x00d2, 0x00d3, 0x00d4, 0x0150, 0x00d6, 0x015a, 0x0170, 0x00d9, 0x00da, 0x00db,
    0x00dc, 0x0118, 0x021a, 0x00df, 0x00e0, 0x00e1, 0x00e2, 0x0103, 0x00e4, 0x0107, 0x00e6, 0x00e7,
    0x00e8, 0x00e9, 0x00ea, 0x00eb, 0x00ec, 0x00ed, 0x00ee, 0x00ef, 0x0111, 0x0144, 0x00f2, 0x00f3,
    0x00f4, 0x0151, 0x00f6, 0x015b, 0x0171, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x0119, 0x021b, 0x00ff,
};

using SingleByteTable = std::array<uint16_t, 128>;  // bytes 0x80-0xFF; 0 = unmapped

SingleByteTable readSingleByteTable(const SingleByteEncoding& encoding) {
  SingleByteTable table{};
  if (encoding.icu_name == nullptr) {
    for (int i = 0; i < 32; ++i) table[i] = static_cast<uint16_t>(0x80 + i);
    for (int i = 0; i < 96; ++i) table[32 + i] = kIso885916[i];
  } else if (ConverterPtr converter = openStopping(encoding.icu_name)) {
    for (int i = 0; i < 128; ++i) {
      uint8_t byte = static_cast<uint8_t>(0x80 + i);
      uint32_t cp = icuLookup(converter.get(), &byte, 1);
      table[i] = cp < 0x10000 ? static_cast<uint16_t>(cp) : 0;
    }
  }
  for (const SingleByteFix& fix : kSingleByteFixes) {
    if (std::strcmp(fix.name, encoding.name) == 0) table[fix.byte - 0x80] = fix.code_point;
  }
  return table;
}

const SingleByteTable& singleByteTable(int which) {
  static const auto* tables = [] {
    auto* all = new std::array<SingleByteTable, kSingleByteCount>();
    for (size_t i = 0; i < kSingleByteCount; ++i) (*all)[i] = readSingleByteTable(kSingleByte[i]);
    return all;
  }();
  return (*tables)[which];
}

// --- multi-byte indexes ---

// index jis0208, by the pointer both Shift_JIS and EUC-JP (and ISO-2022-JP) compute: read
// through ICU's Shift_JIS (its Windows-31J flavour), whose pointer space is the same (188 = 2 × 94
// trails per lead; leads 0xA0-0xDF are single bytes, hence the lead offset).
const std::vector<uint16_t>& jis0208() {
  static const auto* index = [] {
    auto* table = new std::vector<uint16_t>(11280, 0);
    ConverterPtr converter = openStopping("ibm-943_P15A-2003");
    if (!converter) return table;
    for (int lead = 0x81; lead <= 0xfc; ++lead) {
      if (inRange(lead, 0xa0, 0xdf)) continue;
      int lead_offset = lead < 0xa0 ? 0x81 : 0xc1;
      for (int trail = 0x40; trail <= 0xfc; ++trail) {
        if (trail == 0x7f) continue;
        int offset = trail < 0x7f ? 0x40 : 0x41;
        size_t pointer = static_cast<size_t>((lead - lead_offset) * 188 + trail - offset);
        uint8_t bytes[2] = {static_cast<uint8_t>(lead), static_cast<uint8_t>(trail)};
        uint32_t cp = icuLookup(converter.get(), bytes, 2);
        if (pointer < table->size() && cp < 0x10000) (*table)[pointer] = static_cast<uint16_t>(cp);
      }
    }
    return table;
  }();
  return *index;
}

// index jis0212, pointer (lead - 0xA1) * 94 + trail - 0xA1: ICU's EUC-JP with the 0x8F prefix.
const std::vector<uint16_t>& jis0212() {
  static const auto* index = [] {
    auto* table = new std::vector<uint16_t>(readTwoByteIndex<uint16_t>(
        "euc-jp-2007", 0xa1, 0xfe, 94, 94 * 94, [](int t) { return inRange(t, 0xa1, 0xfe); },
        [](int) { return 0xa1; }, 0x8f));
    // Rows 0xF3 and up hold IBM extensions in ICU; the standard's index has nothing there.
    for (size_t pointer = (0xf3 - 0xa1) * 94; pointer < table->size(); ++pointer) {
      (*table)[pointer] = 0;
    }
    return table;
  }();
  return *index;
}

const std::vector<uint16_t>& eucKrIndex() {
  static const auto* index = [] {
    auto* table = new std::vector<uint16_t>(readTwoByteIndex<uint16_t>(
        "windows-949-2000", 0x81, 0xfe, 190, 126 * 190,
        [](int t) { return inRange(t, 0x41, 0xfe); }, [](int) { return 0x41; }));
    // The standard leaves the user-defined rows (0xC9, 0xFE) unmapped; ICU maps them to the PUA.
    for (uint16_t& cp : *table) {
      if (cp >= 0xe000 && cp <= 0xf8ff) cp = 0;
    }
    return table;
  }();
  return *index;
}

const std::vector<uint32_t>& big5Index() {
  static const auto* index = [] {
    auto* table = new std::vector<uint32_t>(readTwoByteIndex<uint32_t>(
        "ibm-1375_P100-2008", 0x81, 0xfe, 157, 126 * 157,
        [](int t) { return inRange(t, 0x40, 0x7e) || inRange(t, 0xa1, 0xfe); },
        [](int t) { return t < 0x7f ? 0x40 : 0x62; }));
    // The standard's index has no private-use code points; ICU maps the user-defined areas
    // (leads 0x81-0x86, 0x8E-0xA0, 0xC6A1-0xC8FE, 0xF9D6-0xFEFE) into the PUA.
    for (uint32_t& cp : *table) {
      if ((cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xf0000)) cp = 0;
    }
    return table;
  }();
  return *index;
}

const std::vector<uint16_t>& gb18030TwoByteIndex() {
  static const auto* index = [] {
    auto* table = new std::vector<uint16_t>(readTwoByteIndex<uint16_t>(
        "gb18030", 0x81, 0xfe, 190, 126 * 190,
        [](int t) { return inRange(t, 0x40, 0x7e) || inRange(t, 0x80, 0xfe); },
        [](int t) { return t < 0x7f ? 0x40 : 0x41; }));
    (*table)[6555] = 0x3000;  // 0xA3A0: the standard decodes it to U+3000, ICU to U+E5E5
    return table;
  }();
  return *index;
}

// index gb18030 ranges code point, for four-byte pointers below 39420 (the BMP part).
const std::vector<uint16_t>& gb18030FourByteIndex() {
  static const auto* index = [] {
    auto* table = new std::vector<uint16_t>(39420, 0);
    ConverterPtr converter = openStopping("gb18030");
    if (!converter) return table;
    for (uint32_t pointer = 0; pointer < 39420; ++pointer) {
      uint8_t bytes[4] = {static_cast<uint8_t>(0x81 + pointer / 12600),
                          static_cast<uint8_t>(0x30 + pointer / 1260 % 10),
                          static_cast<uint8_t>(0x81 + pointer / 10 % 126),
                          static_cast<uint8_t>(0x30 + pointer % 10)};
      uint32_t cp = icuLookup(converter.get(), bytes, 4);
      (*table)[pointer] = cp < 0x10000 ? static_cast<uint16_t>(cp) : 0;
    }
    return table;
  }();
  return *index;
}

// https://encoding.spec.whatwg.org/#index-gb18030-ranges-code-point
uint32_t gb18030RangesCodePoint(uint32_t pointer) {
  if ((pointer > 39419 && pointer < 189000) || pointer > 1237575) return 0;
  if (pointer == 7457) return 0xe7c7;
  if (pointer >= 189000) return 0x10000 + pointer - 189000;
  return gb18030FourByteIndex()[pointer];
}

// ---------------------------------------------------------------------------------------------
// Decoders. Each: explicit Decoder(uint32_t state), uint32_t state() const, and handle().

// https://encoding.spec.whatwg.org/#utf-8-decoder
struct Utf8Decoder {
  uint32_t code_point = 0;
  int bytes_needed = 0;
  int bytes_seen = 0;
  int lower = 0x80;
  int upper = 0xbf;

  // Packed: code point (bits 0-20), needed (21-22), seen (23-24), lower boundary - 0x80 (25-28
  // as 0x80, 0x90 or 0xA0), upper boundary (29-31: 0x8F, 0x9F or 0xBF).
  explicit Utf8Decoder(uint32_t state = 0) {
    code_point = state & 0x1fffff;
    bytes_needed = static_cast<int>((state >> 21) & 3);
    bytes_seen = static_cast<int>((state >> 23) & 3);
    lower = 0x80 + static_cast<int>((state >> 25) & 0xf) * 0x10;
    static constexpr int kUpper[] = {0xbf, 0x8f, 0x9f, 0xbf};
    upper = kUpper[(state >> 29) & 3];
  }
  uint32_t state() const {
    uint32_t upper_code = upper == 0x8f ? 1 : upper == 0x9f ? 2 : 0;
    return code_point | static_cast<uint32_t>(bytes_needed) << 21 |
           static_cast<uint32_t>(bytes_seen) << 23 |
           static_cast<uint32_t>((lower - 0x80) / 0x10) << 25 | upper_code << 29;
  }

  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) {
      if (bytes_needed == 0) return Step::kFinished;
      *this = Utf8Decoder();
      return Step::kError;
    }
    if (bytes_needed == 0) {
      if (byte <= 0x7f) {
        out.emit(static_cast<uint32_t>(byte));
      } else if (inRange(byte, 0xc2, 0xdf)) {
        bytes_needed = 1;
        code_point = byte & 0x1f;
      } else if (inRange(byte, 0xe0, 0xef)) {
        if (byte == 0xe0) lower = 0xa0;
        if (byte == 0xed) upper = 0x9f;
        bytes_needed = 2;
        code_point = byte & 0xf;
      } else if (inRange(byte, 0xf0, 0xf4)) {
        if (byte == 0xf0) lower = 0x90;
        if (byte == 0xf4) upper = 0x8f;
        bytes_needed = 3;
        code_point = byte & 0x7;
      } else {
        return Step::kError;
      }
      return Step::kContinue;
    }
    if (!inRange(byte, lower, upper)) {
      *this = Utf8Decoder();
      stream.prepend(byte);
      return Step::kError;
    }
    lower = 0x80;
    upper = 0xbf;
    code_point = (code_point << 6) | (byte & 0x3f);
    if (++bytes_seen != bytes_needed) return Step::kContinue;
    uint32_t cp = code_point;
    *this = Utf8Decoder();
    out.emit(cp);
    return Step::kContinue;
  }
};

// https://encoding.spec.whatwg.org/#shared-utf-16-decoder
struct Utf16Decoder {
  bool big_endian;
  int lead_byte = -1;       // -1: null
  int lead_surrogate = -1;  // -1: null

  // Packed: lead byte + 1 (bits 0-8), lead surrogate - 0xD800 + 1 (bits 9-19).
  Utf16Decoder(uint32_t state, bool be) : big_endian(be) {
    lead_byte = static_cast<int>(state & 0x1ff) - 1;
    uint32_t surrogate = (state >> 9) & 0x7ff;
    lead_surrogate = surrogate == 0 ? -1 : static_cast<int>(0xd800 + surrogate - 1);
  }
  uint32_t state() const {
    uint32_t surrogate =
        lead_surrogate < 0 ? 0 : static_cast<uint32_t>(lead_surrogate - 0xd800 + 1);
    return static_cast<uint32_t>(lead_byte + 1) | surrogate << 9;
  }

  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) {
      if (lead_byte < 0 && lead_surrogate < 0) return Step::kFinished;
      lead_byte = lead_surrogate = -1;
      return Step::kError;
    }
    if (lead_byte < 0) {
      lead_byte = byte;
      return Step::kContinue;
    }
    int unit = big_endian ? (lead_byte << 8) + byte : (byte << 8) + lead_byte;
    lead_byte = -1;
    if (lead_surrogate >= 0) {
      int lead = lead_surrogate;
      lead_surrogate = -1;
      if (inRange(unit, 0xdc00, 0xdfff)) {
        out.emit(0x10000 + ((static_cast<uint32_t>(lead) - 0xd800) << 10) + (unit - 0xdc00));
        return Step::kContinue;
      }
      int byte1 = unit >> 8;
      int byte2 = unit & 0xff;
      // Prepend [byte1, byte2] (big endian) or [byte2, byte1]: pushed last-first.
      stream.prepend(big_endian ? byte2 : byte1);
      stream.prepend(big_endian ? byte1 : byte2);
      return Step::kError;
    }
    if (inRange(unit, 0xd800, 0xdbff)) {
      lead_surrogate = unit;
      return Step::kContinue;
    }
    if (inRange(unit, 0xdc00, 0xdfff)) return Step::kError;
    out.emit(static_cast<uint32_t>(unit));
    return Step::kContinue;
  }
};

// https://encoding.spec.whatwg.org/#single-byte-decoder (stateless)
struct SingleByteDecoder {
  const SingleByteTable& table;
  uint32_t state() const { return 0; }
  Step handle(int byte, ByteStream&, Output& out) {
    if (byte == kEnd) return Step::kFinished;
    if (byte <= 0x7f) {
      out.emit(static_cast<uint32_t>(byte));
      return Step::kContinue;
    }
    uint16_t cp = table[byte - 0x80];
    if (cp == 0) return Step::kError;
    out.emit(cp);
    return Step::kContinue;
  }
};

// https://encoding.spec.whatwg.org/#x-user-defined-decoder
struct UserDefinedDecoder {
  uint32_t state() const { return 0; }
  Step handle(int byte, ByteStream&, Output& out) {
    if (byte == kEnd) return Step::kFinished;
    out.emit(byte <= 0x7f ? static_cast<uint32_t>(byte) : 0xf780 + byte - 0x80);
    return Step::kContinue;
  }
};

// https://encoding.spec.whatwg.org/#gb18030-decoder
struct Gb18030Decoder {
  int first = 0, second = 0, third = 0;
  explicit Gb18030Decoder(uint32_t state)
      : first(static_cast<int>(state & 0xff)),
        second(static_cast<int>((state >> 8) & 0xff)),
        third(static_cast<int>((state >> 16) & 0xff)) {}
  uint32_t state() const {
    return static_cast<uint32_t>(first) | static_cast<uint32_t>(second) << 8 |
           static_cast<uint32_t>(third) << 16;
  }

  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) {
      if (first == 0 && second == 0 && third == 0) return Step::kFinished;
      first = second = third = 0;
      return Step::kError;
    }
    if (third != 0) {
      if (!inRange(byte, 0x30, 0x39)) {
        stream.prepend(byte);
        stream.prepend(third);
        stream.prepend(second);
        first = second = third = 0;
        return Step::kError;
      }
      uint32_t pointer =
          static_cast<uint32_t>((first - 0x81) * (10 * 126 * 10) + (second - 0x30) * (10 * 126) +
                                (third - 0x81) * 10 + byte - 0x30);
      uint32_t cp = gb18030RangesCodePoint(pointer);
      first = second = third = 0;
      if (cp == 0) return Step::kError;
      out.emit(cp);
      return Step::kContinue;
    }
    if (second != 0) {
      if (inRange(byte, 0x81, 0xfe)) {
        third = byte;
        return Step::kContinue;
      }
      stream.prepend(byte);
      stream.prepend(second);
      first = second = 0;
      return Step::kError;
    }
    if (first != 0) {
      if (inRange(byte, 0x30, 0x39)) {
        second = byte;
        return Step::kContinue;
      }
      int lead = first;
      first = 0;
      int offset = byte < 0x7f ? 0x40 : 0x41;
      if (inRange(byte, 0x40, 0x7e) || inRange(byte, 0x80, 0xfe)) {
        uint16_t cp =
            gb18030TwoByteIndex()[static_cast<size_t>((lead - 0x81) * 190 + byte - offset)];
        if (cp != 0) {
          out.emit(cp);
          return Step::kContinue;
        }
      }
      if (byte <= 0x7f) stream.prepend(byte);
      return Step::kError;
    }
    if (byte <= 0x7f) {
      out.emit(static_cast<uint32_t>(byte));
      return Step::kContinue;
    }
    if (byte == 0x80) {
      out.emit(0x20ac);
      return Step::kContinue;
    }
    if (inRange(byte, 0x81, 0xfe)) {
      first = byte;
      return Step::kContinue;
    }
    return Step::kError;
  }
};

// Decoders whose whole state is one lead byte (Big5, EUC-KR, Shift_JIS).
struct LeadState {
  int lead = 0;
  explicit LeadState(uint32_t state) : lead(static_cast<int>(state & 0xff)) {}
  uint32_t state() const { return static_cast<uint32_t>(lead); }
  Step end() {
    if (lead == 0) return Step::kFinished;
    lead = 0;
    return Step::kError;
  }
};

// https://encoding.spec.whatwg.org/#big5-decoder
struct Big5Decoder : LeadState {
  using LeadState::LeadState;
  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) return end();
    if (lead != 0) {
      int l = lead;
      lead = 0;
      int offset = byte < 0x7f ? 0x40 : 0x62;
      if (inRange(byte, 0x40, 0x7e) || inRange(byte, 0xa1, 0xfe)) {
        int pointer = (l - 0x81) * 157 + (byte - offset);
        switch (pointer) {
          case 1133:
            out.emit(0x00ca);
            out.emit(0x0304);
            return Step::kContinue;
          case 1135:
            out.emit(0x00ca);
            out.emit(0x030c);
            return Step::kContinue;
          case 1164:
            out.emit(0x00ea);
            out.emit(0x0304);
            return Step::kContinue;
          case 1166:
            out.emit(0x00ea);
            out.emit(0x030c);
            return Step::kContinue;
          default:
            break;
        }
        uint32_t cp = big5Index()[static_cast<size_t>(pointer)];
        if (cp != 0) {
          out.emit(cp);
          return Step::kContinue;
        }
      }
      if (byte <= 0x7f) stream.prepend(byte);
      return Step::kError;
    }
    if (byte <= 0x7f) {
      out.emit(static_cast<uint32_t>(byte));
      return Step::kContinue;
    }
    if (inRange(byte, 0x81, 0xfe)) {
      lead = byte;
      return Step::kContinue;
    }
    return Step::kError;
  }
};

// https://encoding.spec.whatwg.org/#euc-kr-decoder
struct EucKrDecoder : LeadState {
  using LeadState::LeadState;
  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) return end();
    if (lead != 0) {
      int l = lead;
      lead = 0;
      if (inRange(byte, 0x41, 0xfe)) {
        uint16_t cp = eucKrIndex()[static_cast<size_t>((l - 0x81) * 190 + (byte - 0x41))];
        if (cp != 0) {
          out.emit(cp);
          return Step::kContinue;
        }
      }
      if (byte <= 0x7f) stream.prepend(byte);
      return Step::kError;
    }
    if (byte <= 0x7f) {
      out.emit(static_cast<uint32_t>(byte));
      return Step::kContinue;
    }
    if (inRange(byte, 0x81, 0xfe)) {
      lead = byte;
      return Step::kContinue;
    }
    return Step::kError;
  }
};

// https://encoding.spec.whatwg.org/#shift_jis-decoder
struct ShiftJisDecoder : LeadState {
  using LeadState::LeadState;
  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) return end();
    if (lead != 0) {
      int l = lead;
      lead = 0;
      int offset = byte < 0x7f ? 0x40 : 0x41;
      int lead_offset = l < 0xa0 ? 0x81 : 0xc1;
      if (inRange(byte, 0x40, 0x7e) || inRange(byte, 0x80, 0xfc)) {
        int pointer = (l - lead_offset) * 188 + byte - offset;
        if (inRange(pointer, 8836, 10715)) {
          out.emit(static_cast<uint32_t>(0xe000 - 8836 + pointer));
          return Step::kContinue;
        }
        uint16_t cp = jis0208()[static_cast<size_t>(pointer)];
        if (cp != 0) {
          out.emit(cp);
          return Step::kContinue;
        }
      }
      if (byte <= 0x7f) stream.prepend(byte);
      return Step::kError;
    }
    if (byte <= 0x80) {
      out.emit(static_cast<uint32_t>(byte));
      return Step::kContinue;
    }
    if (inRange(byte, 0xa1, 0xdf)) {
      out.emit(static_cast<uint32_t>(0xff61 - 0xa1 + byte));
      return Step::kContinue;
    }
    if (inRange(byte, 0x81, 0x9f) || inRange(byte, 0xe0, 0xfc)) {
      lead = byte;
      return Step::kContinue;
    }
    return Step::kError;
  }
};

// https://encoding.spec.whatwg.org/#euc-jp-decoder
struct EucJpDecoder {
  bool jis0212_flag = false;
  int lead = 0;
  explicit EucJpDecoder(uint32_t state)
      : jis0212_flag((state >> 8) & 1), lead(static_cast<int>(state & 0xff)) {}
  uint32_t state() const { return static_cast<uint32_t>(lead) | (jis0212_flag ? 1u << 8 : 0u); }

  Step handle(int byte, ByteStream& stream, Output& out) {
    if (byte == kEnd) {
      if (lead == 0) return Step::kFinished;
      lead = 0;
      return Step::kError;
    }
    if (lead == 0x8e && inRange(byte, 0xa1, 0xdf)) {
      lead = 0;
      out.emit(static_cast<uint32_t>(0xff61 - 0xa1 + byte));
      return Step::kContinue;
    }
    if (lead == 0x8f && inRange(byte, 0xa1, 0xfe)) {
      jis0212_flag = true;
      lead = byte;
      return Step::kContinue;
    }
    if (lead != 0) {
      int l = lead;
      lead = 0;
      uint16_t cp = 0;
      if (inRange(l, 0xa1, 0xfe) && inRange(byte, 0xa1, 0xfe)) {
        size_t pointer = static_cast<size_t>((l - 0xa1) * 94 + byte - 0xa1);
        cp = jis0212_flag ? jis0212()[pointer] : jis0208()[pointer];
      }
      jis0212_flag = false;
      if (cp != 0) {
        out.emit(cp);
        return Step::kContinue;
      }
      if (byte <= 0x7f) stream.prepend(byte);
      return Step::kError;
    }
    if (byte <= 0x7f) {
      out.emit(static_cast<uint32_t>(byte));
      return Step::kContinue;
    }
    if (byte == 0x8e || byte == 0x8f || inRange(byte, 0xa1, 0xfe)) {
      lead = byte;
      return Step::kContinue;
    }
    return Step::kError;
  }
};

// https://encoding.spec.whatwg.org/#iso-2022-jp-decoder
struct Iso2022JpDecoder {
  enum Mode : uint32_t { kAscii, kRoman, kKatakana, kLeadByte, kTrailByte, kEscapeStart, kEscape };
  Mode mode = kAscii;
  Mode output_mode = kAscii;
  int lead = 0;
  bool output = false;

  explicit Iso2022JpDecoder(uint32_t state)
      : mode(static_cast<Mode>(state & 7)),
        output_mode(static_cast<Mode>((state >> 3) & 7)),
        lead(static_cast<int>((state >> 6) & 0xff)),
        output((state >> 14) & 1) {}
  uint32_t state() const {
    return mode | output_mode << 3 | static_cast<uint32_t>(lead) << 6 | (output ? 1u << 14 : 0u);
  }

  Step emit(Output& out, uint32_t cp) {
    output = false;
    out.emit(cp);
    return Step::kContinue;
  }

  Step handle(int byte, ByteStream& stream, Output& out) {
    switch (mode) {
      case kAscii:
        if (byte == 0x1b) break;
        if (inRange(byte, 0x00, 0x7f) && byte != 0x0e && byte != 0x0f) {
          return emit(out, static_cast<uint32_t>(byte));
        }
        if (byte == kEnd) return Step::kFinished;
        output = false;
        return Step::kError;
      case kRoman:
        if (byte == 0x1b) break;
        if (byte == 0x5c) return emit(out, 0x00a5);
        if (byte == 0x7e) return emit(out, 0x203e);
        if (inRange(byte, 0x00, 0x7f) && byte != 0x0e && byte != 0x0f) {
          return emit(out, static_cast<uint32_t>(byte));
        }
        if (byte == kEnd) return Step::kFinished;
        output = false;
        return Step::kError;
      case kKatakana:
        if (byte == 0x1b) break;
        if (inRange(byte, 0x21, 0x5f))
          return emit(out, static_cast<uint32_t>(0xff61 - 0x21 + byte));
        if (byte == kEnd) return Step::kFinished;
        output = false;
        return Step::kError;
      case kLeadByte:
        if (byte == 0x1b) break;
        if (inRange(byte, 0x21, 0x7e)) {
          output = false;
          lead = byte;
          mode = kTrailByte;
          return Step::kContinue;
        }
        if (byte == kEnd) return Step::kFinished;
        output = false;
        return Step::kError;
      case kTrailByte: {
        if (byte == 0x1b) {
          mode = kEscapeStart;
          return Step::kError;
        }
        mode = kLeadByte;
        if (inRange(byte, 0x21, 0x7e)) {
          uint16_t cp = jis0208()[static_cast<size_t>((lead - 0x21) * 94 + byte - 0x21)];
          if (cp == 0) return Step::kError;
          out.emit(cp);
          return Step::kContinue;
        }
        if (byte == kEnd) stream.prepend(byte);  // (a no-op: the end stays the end)
        return Step::kError;
      }
      case kEscapeStart:
        if (byte == 0x24 || byte == 0x28) {
          lead = byte;
          mode = kEscape;
          return Step::kContinue;
        }
        stream.prepend(byte);
        output = false;
        mode = output_mode;
        return Step::kError;
      case kEscape: {
        int l = lead;
        lead = 0;
        int next = -1;
        if (l == 0x28 && byte == 0x42)
          next = kAscii;
        else if (l == 0x28 && byte == 0x4a)
          next = kRoman;
        else if (l == 0x28 && byte == 0x49)
          next = kKatakana;
        else if (l == 0x24 && (byte == 0x40 || byte == 0x42))
          next = kLeadByte;
        if (next >= 0) {
          mode = output_mode = static_cast<Mode>(next);
          bool was_output = output;
          output = true;
          return was_output ? Step::kError : Step::kContinue;
        }
        stream.prepend(byte);
        stream.prepend(l);
        output = false;
        mode = output_mode;
        return Step::kError;
      }
    }
    // 0x1B in the ASCII, Roman, katakana and lead byte states.
    mode = kEscapeStart;
    return Step::kContinue;
  }
};

template <class Decoder>
bool runAndSave(Decoder decoder, std::span<const uint8_t> input, uint32_t& state, bool flush,
                bool fatal, std::u16string& out) {
  bool ok = run(decoder, input, flush, fatal, out);
  state = decoder.state();
  return ok;
}

// https://encoding.spec.whatwg.org/#names-and-labels: every encoding but "replacement".
constexpr EncodingInfo kEncodings[] = {
    {"utf-8", DecoderKind::kUtf8, -1},
    {"ibm866", DecoderKind::kSingleByte, 0},
    {"iso-8859-2", DecoderKind::kSingleByte, 1},
    {"iso-8859-3", DecoderKind::kSingleByte, 2},
    {"iso-8859-4", DecoderKind::kSingleByte, 3},
    {"iso-8859-5", DecoderKind::kSingleByte, 4},
    {"iso-8859-6", DecoderKind::kSingleByte, 5},
    {"iso-8859-7", DecoderKind::kSingleByte, 6},
    {"iso-8859-8", DecoderKind::kSingleByte, 7},
    {"iso-8859-8-i", DecoderKind::kSingleByte, 8},
    {"iso-8859-10", DecoderKind::kSingleByte, 9},
    {"iso-8859-13", DecoderKind::kSingleByte, 10},
    {"iso-8859-14", DecoderKind::kSingleByte, 11},
    {"iso-8859-15", DecoderKind::kSingleByte, 12},
    {"iso-8859-16", DecoderKind::kSingleByte, 13},
    {"koi8-r", DecoderKind::kSingleByte, 14},
    {"koi8-u", DecoderKind::kSingleByte, 15},
    {"macintosh", DecoderKind::kSingleByte, 16},
    {"windows-874", DecoderKind::kSingleByte, 17},
    {"windows-1250", DecoderKind::kSingleByte, 18},
    {"windows-1251", DecoderKind::kSingleByte, 19},
    {"windows-1252", DecoderKind::kSingleByte, 20},
    {"windows-1253", DecoderKind::kSingleByte, 21},
    {"windows-1254", DecoderKind::kSingleByte, 22},
    {"windows-1255", DecoderKind::kSingleByte, 23},
    {"windows-1256", DecoderKind::kSingleByte, 24},
    {"windows-1257", DecoderKind::kSingleByte, 25},
    {"windows-1258", DecoderKind::kSingleByte, 26},
    {"x-mac-cyrillic", DecoderKind::kSingleByte, 27},
    {"gbk", DecoderKind::kGb18030, -1},
    {"gb18030", DecoderKind::kGb18030, -1},
    {"big5", DecoderKind::kBig5, -1},
    {"euc-jp", DecoderKind::kEucJp, -1},
    {"iso-2022-jp", DecoderKind::kIso2022Jp, -1},
    {"shift_jis", DecoderKind::kShiftJis, -1},
    {"euc-kr", DecoderKind::kEucKr, -1},
    {"utf-16be", DecoderKind::kUtf16Be, -1},
    {"utf-16le", DecoderKind::kUtf16Le, -1},
    {"x-user-defined", DecoderKind::kUserDefined, -1},
};
static_assert(kSingleByteCount == 28);

}  // namespace

const EncodingInfo* findEncoding(std::string_view name) {
  for (const EncodingInfo& encoding : kEncodings) {
    if (name == encoding.name) return &encoding;
  }
  return nullptr;
}

bool decode(const EncodingInfo& encoding, std::span<const uint8_t> input, uint32_t& state,
            bool flush, bool fatal, std::u16string& out) {
  switch (encoding.kind) {
    case DecoderKind::kUtf8:
      return runAndSave(Utf8Decoder(state), input, state, flush, fatal, out);
    case DecoderKind::kUtf16Le:
      return runAndSave(Utf16Decoder(state, false), input, state, flush, fatal, out);
    case DecoderKind::kUtf16Be:
      return runAndSave(Utf16Decoder(state, true), input, state, flush, fatal, out);
    case DecoderKind::kSingleByte:
      return runAndSave(SingleByteDecoder{singleByteTable(encoding.single_byte_index)}, input,
                        state, flush, fatal, out);
    case DecoderKind::kUserDefined:
      return runAndSave(UserDefinedDecoder{}, input, state, flush, fatal, out);
    case DecoderKind::kGb18030:
      return runAndSave(Gb18030Decoder(state), input, state, flush, fatal, out);
    case DecoderKind::kBig5:
      return runAndSave(Big5Decoder(state), input, state, flush, fatal, out);
    case DecoderKind::kEucJp:
      return runAndSave(EucJpDecoder(state), input, state, flush, fatal, out);
    case DecoderKind::kIso2022Jp:
      return runAndSave(Iso2022JpDecoder(state), input, state, flush, fatal, out);
    case DecoderKind::kShiftJis:
      return runAndSave(ShiftJisDecoder(state), input, state, flush, fatal, out);
    case DecoderKind::kEucKr:
      return runAndSave(EucKrDecoder(state), input, state, flush, fatal, out);
  }
  return false;
}

bool utf8Valid(std::span<const uint8_t> input) {
  const uint8_t* p = input.data();
  size_t n = input.size();
  size_t i = 0;
  while (i < n) {
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    uint8_t b = p[i];
    if (b <= 0x7f) {
      ++i;
      continue;
    }
    int needed;
    uint8_t lower = 0x80, upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      needed = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      needed = 2;
      if (b == 0xe0) lower = 0xa0;
      if (b == 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      needed = 3;
      if (b == 0xf0) lower = 0x90;
      if (b == 0xf4) upper = 0x8f;
    } else {
      return false;
    }
    if (n - i - 1 < static_cast<size_t>(needed)) return false;
    if (p[i + 1] < lower || p[i + 1] > upper) return false;
    for (int k = 2; k <= needed; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return false;
    }
    i += static_cast<size_t>(needed) + 1;
  }
  return true;
}

size_t utf8FinishSequence(std::span<const uint8_t> input, uint32_t& state, bool fatal,
                          std::u16string& out, bool& ok) {
  Utf8Decoder decoder(state);
  Output output(out);
  ok = true;
  size_t i = 0;
  while (i < input.size() && decoder.bytes_needed != 0) {
    int byte = input[i];
    if (!inRange(byte, decoder.lower, decoder.upper)) {
      // The byte is not consumed: it starts whatever follows the failed sequence.
      decoder = Utf8Decoder();
      if (fatal)
        ok = false;
      else
        out.push_back(u'\uFFFD');
      break;
    }
    ByteStream unused({});
    decoder.handle(byte, unused, output);
    ++i;
  }
  state = decoder.state();
  return i;
}

size_t utf8IncompleteTail(std::span<const uint8_t> input) {
  size_t n = input.size();
  // The last lead byte among the final four bytes (continuation bytes are 0x80-0xBF).
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    uint8_t b = input[n - back];
    if (b >= 0x80 && b <= 0xbf) continue;
    size_t needed = b >= 0xc2 && b <= 0xdf   ? 1
                    : b >= 0xe0 && b <= 0xef ? 2
                    : b >= 0xf0 && b <= 0xf4 ? 3
                                             : 0;
    size_t have = back - 1;  // continuation bytes after the lead
    if (needed == 0 || have >= needed) return 0;
    if (have >= 1) {
      uint8_t second = input[n - back + 1];
      uint8_t lower = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;
      uint8_t upper = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;
      if (second < lower || second > upper) return 0;  // already an error, decodable now
    }
    return back;
  }
  return 0;
}

}  // namespace quiver::isolates::text
