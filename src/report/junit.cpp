#include "report/junit.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string_view>
#include <tuple>
#include <vector>

namespace moat::report {
namespace {

using match::Finding;

// Appends code point `cp` as UTF-8.
void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one UTF-8 code point at s[i]; returns U+FFFD and consumes one byte when invalid
// (overlong forms and surrogates included).
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 1) return ++i, c;
  if (n == 0 || i + n > s.size()) return ++i, 0xFFFD;
  char32_t cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return ++i, 0xFFFD;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return ++i, 0xFFFD;
  i += n;
  return cp;
}

// Escaped for element text and attribute values alike.
std::string xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = next_code_point(s, i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;  // kept through attribute-value normalisation
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        // XML 1.0 Char: no other C0 control, no U+FFFE/U+FFFF.
        append_utf8(out, cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF ? char32_t{0xFFFD} : cp);
    }
  }
  return out;
}

std::string failure_text(const Finding& f) {
  std::string text = "Package: " + f.package.name + " " + f.package.version + "\nVulnerability: " + f.id;
  if (!f.aliases.empty()) {
    text += " (";
    for (std::size_t i = 0; i < f.aliases.size(); ++i) text += (i ? ", " : "") + f.aliases[i];
    text += ")";
  }
  text += "\nSeverity: " + std::string(match::severity_name(f.severity));
  if (f.score >= 0) {
    char score[32];
    std::snprintf(score, sizeof score, " (CVSS %.1f)", f.score);
    text += score;
  }
  text += "\nFixed in: " + (f.fixed_version.empty() ? std::string("no fix yet") : f.fixed_version);
  text += "\nFound in: " + f.package.found_in;
  for (const auto& r : f.references) text += "\n" + r;
  return text;
}

struct Case {
  const inventory::Package* package;
  std::vector<const Finding*> findings;
};

}  // namespace

void write_junit(const match::VulnReport& report, std::ostream& out) {
  const auto& inv = report.inventory;
  // Every inventoried package is a test case; a finding whose package is missing from the
  // inventory still gets one, so that no finding is lost.
  std::map<std::string, std::vector<Case>> suites;  // ecosystem → cases, sorted by name
  const auto key = [](const inventory::Package& p) {
    return std::tie(p.ecosystem, p.name, p.version, p.arch, p.found_in, p.layer);
  };
  std::map<std::string, std::size_t> case_index;  // package identity → index in its suite
  const auto find_case = [&](const inventory::Package& p) -> Case& {
    auto& cases = suites[p.ecosystem];
    const std::string id = p.name + '\0' + p.version + '\0' + p.arch + '\0' + p.found_in + '\0' + p.layer;
    const auto [it, added] = case_index.emplace(p.ecosystem + '\0' + id, cases.size());
    if (added) cases.push_back(Case{&p, {}});
    return cases[it->second];
  };
  for (const auto& p : inv.packages) find_case(p);
  for (const auto& f : report.findings) find_case(f.package).findings.push_back(&f);

  std::size_t tests = 0, failures = 0;
  for (auto& [eco, cases] : suites) {
    std::stable_sort(cases.begin(), cases.end(), [&](const Case& a, const Case& b) { return key(*a.package) < key(*b.package); });
    tests += cases.size();
    for (const auto& c : cases) failures += c.findings.empty() ? 0 : 1;
  }
  tests += report.not_covered.size();

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"moat\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\""
      << report.not_covered.size() << "\">\n";
  for (const auto& [eco, cases] : suites) {
    std::size_t suite_failures = 0;
    for (const auto& c : cases) suite_failures += c.findings.empty() ? 0 : 1;
    out << "  <testsuite name=\"" << xml(eco) << "\" tests=\"" << cases.size() << "\" failures=\"" << suite_failures
        << "\" errors=\"0\" skipped=\"0\">\n";
    for (const auto& c : cases) {
      const auto& p = *c.package;
      out << "    <testcase classname=\"" << xml(inv.target + "." + eco) << "\" name=\""
          << xml(p.name + "@" + p.version) << "\" file=\"" << xml(p.found_in) << "\"";
      if (c.findings.empty()) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      for (const Finding* f : c.findings) {
        out << "      <failure type=\"" << match::severity_name(f->severity) << "\" message=\""
            << xml(f->id + ": " + (f->summary.empty() ? std::string(match::severity_name(f->severity)) : f->summary))
            << "\">" << xml(failure_text(*f)) << "</failure>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  if (!report.not_covered.empty()) {
    out << "  <testsuite name=\"not checked\" tests=\"" << report.not_covered.size()
        << "\" failures=\"0\" errors=\"0\" skipped=\"" << report.not_covered.size() << "\">\n";
    for (const auto& c : report.not_covered) {
      out << "    <testcase classname=\"" << xml(inv.target + ".coverage") << "\" name=\"" << xml(c.data_source)
          << "\">\n      <skipped message=\""
          << xml("not checked: " + c.data_source + " — " + c.reason + "; " + std::to_string(c.packages) + " packages")
          << "\"/>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace moat::report
