#include "auth/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <arpa/inet.h>

#include <cstring>
#include <set>

namespace parley::auth {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

Result<std::string> normalize_phone(std::string_view input, std::string_view default_region) {
  if (input.empty() || input.size() > 64) return Status(Code::kInvalid, "phone number is empty or too long");
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  auto err = util.Parse(std::string(input), std::string(default_region), &number);
  if (err != PhoneNumberUtil::NO_PARSING_ERROR)
    return Status(Code::kInvalid, "not a phone number (use +<country code><number>)");
  if (!util.IsValidNumber(number)) return Status(Code::kInvalid, "not a valid phone number");
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

std::string calling_code(std::string_view e164) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return "?";
  return std::to_string(number.country_code());
}

std::string network_of(std::string_view ip) {
  std::string s(ip);
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
      char v4[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &a6.s6_addr[12], v4, sizeof v4);
      return v4;
    }
    std::memset(&a6.s6_addr[8], 0, 8);
    char v6[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a6, v6, sizeof v6);
    return std::string(v6) + "/64";
  }
  return s;
}

bool known_region(std::string_view region) {
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  return regions.count(std::string(region)) > 0;
}

}  // namespace parley::auth
