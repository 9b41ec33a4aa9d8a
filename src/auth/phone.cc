#include "auth/phone.h"

#include <phonenumbers/phonenumberutil.h>

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

bool known_region(std::string_view region) {
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  return regions.count(std::string(region)) > 0;
}

}  // namespace parley::auth
