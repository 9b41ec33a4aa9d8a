// Fuzz target: phone number normalisation, auth::normalize_phone and auth::known_region
// (libphonenumber underneath). The input is "REGION|number" ("DE|030 1234567"), or just
// a number, read with the default region "US". Invariants beyond "no crash":
// - an error has a message; input over 64 bytes is always refused;
// - a result is libphonenumber's E.164: '+' and digits, at most 20 (a country code of up to
//   3, a national number of up to 17; longer than ITU's 15 for some German numbers);
// - normalising is idempotent and the result does not depend on the region: the E.164 form
//   read again, with any region, gives itself. Sign-in, contact lookup and group invites
//   all compare normalised numbers, so a number that changes on a second pass would be two
//   users.
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/phone.h"
#include "check.h"

using namespace parley;

namespace {

bool e164(std::string_view s) {
  if (s.size() < 3 || s.size() > 21 || s[0] != '+') return false;
  for (char c : s.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // libphonenumber logs every unknown region to stdout; quiet, the fuzzer runs faster.
  i18n::phonenumbers::PhoneNumberUtil::GetInstance()->SetLogger(new i18n::phonenumbers::NullLogger());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view region = "US";
  if (auto bar = input.find('|'); bar != std::string_view::npos) {
    region = input.substr(0, bar);
    input = input.substr(bar + 1);
  }
  (void)auth::known_region(region);
  auto r = auth::normalize_phone(input, region);
  if (!r) {
    FUZZ_CHECK(!r.status().message().empty(), input);
    return 0;
  }
  FUZZ_CHECK(input.size() <= 64, input);
  const std::string& phone = *r;
  FUZZ_CHECK(e164(phone), std::string(input) + " -> " + phone);
  for (std::string_view again_in : {region, std::string_view("US"), std::string_view("DE"), std::string_view("ZZ")}) {
    auto again = auth::normalize_phone(phone, again_in);
    FUZZ_CHECK(again.ok() && *again == phone,
               std::string(input) + " (" + std::string(region) + ") -> " + phone + ", read again with " +
                   std::string(again_in) + " -> " + (again.ok() ? *again : again.status().message()));
  }
  return 0;
}
