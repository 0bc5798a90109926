// Native ops of the URL area: IDNA ("domain to ASCII",
// https://url.spec.whatwg.org/#concept-domain-to-ascii) through ICU's UTS #46 implementation.
// Everything else of the URL Standard is JavaScript (runtime/js/05_url.js); the JS side only calls
// this op for hosts that need IDNA processing (non-ASCII, or a label starting with "xn--"), so the
// common request URL never gets here.
//
// Thread safety: the two UIDNA objects are created once per process and never modified; ICU
// documents UTS46 instances as immutable and safe to use from several threads at once.
#include <unicode/uidna.h>

#include <vector>

#include "isolates/runtime/ops.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

// The URL Standard's options: CheckHyphens=false, CheckBidi=true, CheckJoiners=true,
// UseSTD3ASCIIRules=beStrict, Transitional_Processing=false, VerifyDnsLength=beStrict.
// ICU has no switch for CheckHyphens or VerifyDnsLength: it always reports those errors, and
// urlDomainToAscii masks them below (as Chromium does in url_idna_icu.cc).
UIDNA* openUts46(bool be_strict) {
  uint32_t options = UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_NONTRANSITIONAL_TO_ASCII |
                     UIDNA_NONTRANSITIONAL_TO_UNICODE;
  if (be_strict) options |= UIDNA_USE_STD3_RULES;
  UErrorCode status = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(options, &status);
  return U_SUCCESS(status) ? idna : nullptr;
}

// Lazily created, intentionally never freed: they live as long as the process.
UIDNA* uts46(bool be_strict) {
  static UIDNA* const lenient = openUts46(false);
  static UIDNA* const strict = openUts46(true);
  return be_strict ? strict : lenient;
}

constexpr uint32_t kHyphenErrors =
    UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN | UIDNA_ERROR_HYPHEN_3_4;
constexpr uint32_t kDnsLengthErrors =
    UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG;

// ops.urlDomainToAscii(domain, beStrict) -> string, or null when UTS #46 ToASCII fails.
// `domain` is the already percent-decoded host; the caller checks for forbidden domain code
// points, an empty result and IPv4 afterwards, as the host parser says.
void opUrlDomainToAscii(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsString()) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8str(isolate, "ops.urlDomainToAscii(domain, beStrict) takes a string")));
    return;
  }
  bool be_strict = args.Length() > 1 && args[1]->IsTrue();
  UIDNA* idna = uts46(be_strict);
  if (idna == nullptr) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8str(isolate, "IDNA is not available (ICU failed to open UTS #46)")));
    return;
  }
  auto domain = args[0].As<v8::String>();
  int length = domain->Length();
  std::vector<uint16_t> input(static_cast<size_t>(length) + 1);
  domain->Write(isolate, input.data(), 0, length, v8::String::NO_NULL_TERMINATION);

  // ToASCII never grows a label by more than Punycode's expansion; start with room for the
  // common case and retry once with the size ICU asks for.
  std::vector<UChar> output(static_cast<size_t>(length) * 2 + 64);
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  int32_t written =
      uidna_nameToASCII(idna, reinterpret_cast<const UChar*>(input.data()), length, output.data(),
                        static_cast<int32_t>(output.size()), &info, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR && written > 0) {
    output.resize(static_cast<size_t>(written));
    info = UIDNA_INFO_INITIALIZER;
    status = U_ZERO_ERROR;
    written = uidna_nameToASCII(idna, reinterpret_cast<const UChar*>(input.data()), length,
                                output.data(), static_cast<int32_t>(output.size()), &info, &status);
  }
  uint32_t errors = info.errors & ~kHyphenErrors;
  if (!be_strict) errors &= ~kDnsLengthErrors;
  if (U_FAILURE(status) || errors != 0) {
    args.GetReturnValue().SetNull();
    return;
  }
  v8::Local<v8::String> result;
  if (!v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t*>(output.data()),
                                  v8::NewStringType::kNormal, written)
           .ToLocal(&result)) {
    return;  // RangeError (string too long) already thrown
  }
  args.GetReturnValue().Set(result);
}

// One op per line, alphabetical.
// clang-format off
constexpr Op kOps[] = {
    {"urlDomainToAscii", opUrlDomainToAscii},
};
// clang-format on

}  // namespace

std::span<const Op> urlOps() { return kOps; }

}  // namespace quiver::isolates
