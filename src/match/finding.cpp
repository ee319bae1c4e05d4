#include "match/finding.h"

#include <algorithm>
#include <cctype>

namespace moat::match {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::None: return "NONE";
    case Severity::Low: return "LOW";
    case Severity::Medium: return "MEDIUM";
    case Severity::High: return "HIGH";
    case Severity::Critical: return "CRITICAL";
    default: return "UNKNOWN";
  }
}

Severity parse_severity(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (t == "CRITICAL") return Severity::Critical;
  if (t == "HIGH" || t == "IMPORTANT") return Severity::High;
  if (t == "MEDIUM" || t == "MODERATE") return Severity::Medium;
  if (t == "LOW" || t == "NEGLIGIBLE" || t == "UNIMPORTANT") return Severity::Low;
  if (t == "NONE") return Severity::None;
  return Severity::Unknown;
}

}  // namespace moat::match
