#include "report/vuln_table.h"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>
#include <tuple>
#include <vector>

#include "report/vuln_common.h"

namespace moat::report {
namespace {

using match::Finding;
using match::Severity;

constexpr std::size_t kTitleWidth = 60;
constexpr std::size_t kMaxAliasesShown = 3;
constexpr std::size_t kMaxSuppressedListed = 20;

const char* severity_color(Severity s) {
  switch (s) {
    case Severity::Critical: return "\033[1;31m";
    case Severity::High: return "\033[31m";
    case Severity::Medium: return "\033[33m";
    case Severity::Low: return "\033[36m";
    default: return "";
  }
}

std::string paint(const std::string& text, const char* code, bool color) {
  if (!color || *code == '\0') return text;
  return std::string(code) + text + "\033[0m";
}

// "3 days old" from an RFC 3339 time; "" when it cannot be read. Fractions and offsets are
// ignored: the age is only shown in days.
std::string age(const std::string& rfc3339) {
  std::tm tm{};
  std::istringstream in(rfc3339.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return "";
  const std::time_t then = timegm(&tm);
  const double seconds = std::difftime(std::time(nullptr), then);
  if (seconds < 0) return "";
  const long days = static_cast<long>(seconds / 86400);
  if (days == 0) return "updated today";
  return std::to_string(days) + (days == 1 ? " day old" : " days old");
}

std::string severity_cell(const Finding& f) {
  std::string s = match::severity_name(f.severity);
  if (f.score >= 0) {
    std::ostringstream score;
    score << std::fixed << std::setprecision(1) << f.score;
    s += " (" + score.str() + ")";
  }
  return s;
}

std::string aliases_cell(const Finding& f) {
  std::string out;
  for (std::size_t i = 0; i < f.aliases.size() && i < kMaxAliasesShown; ++i) out += (i ? ", " : "") + f.aliases[i];
  if (f.aliases.size() > kMaxAliasesShown) out += " +" + std::to_string(f.aliases.size() - kMaxAliasesShown);
  return vuln::printable(out);
}

std::string package_key(const inventory::Package& p) {
  return p.ecosystem + '\0' + p.name + '\0' + p.version + '\0' + p.found_in + '\0' + p.layer;
}

// One indented row, columns padded to `width`, no trailing blanks; the severity column (1) in
// `severity_code` when there is one.
void write_row(std::ostream& out, const std::vector<std::string>& row, const std::vector<std::size_t>& width,
               const char* severity_code) {
  std::string line = "  ";
  for (std::size_t c = 0; c < row.size(); ++c) {
    const bool paint_it = c == 1 && severity_code && *severity_code;
    if (paint_it) line += severity_code;
    line += row[c];
    if (paint_it) line += "\033[0m";
    if (c + 1 < row.size()) line += std::string(width[c] + 2 - vuln::display_width(row[c]), ' ');
  }
  line.erase(line.find_last_not_of(' ') + 1);
  out << line << '\n';
}

}  // namespace

void write_vuln_table(const match::VulnReport& report, std::ostream& out, bool color) {
  const auto& inv = report.inventory;
  out << paint(vuln::printable(inv.target), "\033[1m", color);
  if (!inv.kind.empty()) out << " (" << inv.kind << ")";
  if (inv.os) {
    const std::string os = inv.os->pretty_name.empty() ? inv.os->id + " " + inv.os->version_id : inv.os->pretty_name;
    out << " — " << vuln::printable(os);
  }
  out << '\n';
  if (report.database_updated.empty()) {
    out << "advisory database: update time unknown\n";
  } else {
    const std::string how_old = age(report.database_updated);
    out << "advisory database: updated " << vuln::printable(report.database_updated)
        << (how_old.empty() ? "" : " (" + how_old + ")") << '\n';
  }
  out << '\n';

  std::map<Severity, std::size_t> counts;
  for (const auto& f : report.findings) ++counts[f.severity];
  out << "Total: " << report.findings.size() << " (";
  bool first = true;
  for (Severity s : {Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Unknown}) {
    out << (first ? "" : ", ") << paint(match::severity_name(s), severity_color(s), color) << ' ' << counts[s];
    first = false;
  }
  if (counts[Severity::None]) out << ", NONE " << counts[Severity::None];
  out << ')';
  if (!report.suppressed.empty()) out << ", " << report.suppressed.size() << " suppressed";
  out << '\n';

  // Before the findings, so that nobody reads "no findings" as "clean" for what was not checked.
  for (const auto& c : report.not_covered) {
    out << paint("not checked: ", "\033[1;33m", color) << vuln::printable(c.data_source) << " — "
        << vuln::printable(c.reason) << "; " << c.packages << (c.packages == 1 ? " package" : " packages") << '\n';
  }

  if (report.findings.empty()) {
    out << '\n' << (report.not_covered.empty() ? "No vulnerabilities found.\n" : "No vulnerabilities found in the packages checked.\n");
  } else {
    // Group by package in the order findings come (the matcher sorts them by package).
    std::vector<std::vector<const Finding*>> groups;
    std::map<std::string, std::size_t> group_of;
    for (const auto& f : report.findings) {
      const auto [it, added] = group_of.emplace(package_key(f.package), groups.size());
      if (added) groups.emplace_back();
      groups[it->second].push_back(&f);
    }
    const std::vector<std::string> header = {"ID", "SEVERITY", "FIXED IN", "TITLE", "ALIASES"};
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
    std::vector<std::vector<std::string>> cells;  // per finding, in report order
    for (const auto& f : report.findings) {
      std::vector<std::string> row = {vuln::printable(f.id, 40), severity_cell(f),
                                      f.fixed_version.empty() ? "(no fix)" : vuln::printable(f.fixed_version, 40),
                                      vuln::printable(f.summary.empty() ? "-" : f.summary, kTitleWidth), aliases_cell(f)};
      for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], vuln::display_width(row[c]));
      cells.push_back(std::move(row));
    }
    const auto row_of = [&](const Finding* f) { return &cells[static_cast<std::size_t>(f - report.findings.data())]; };

    for (const auto& group : groups) {
      const auto& p = group.front()->package;
      out << '\n' << paint(vuln::printable(p.name), "\033[1m", color) << ' ' << vuln::printable(p.version) << " ("
          << p.ecosystem << ")  " << vuln::printable(p.found_in);
      if (!p.owner.empty()) out << "  owned by " << vuln::printable(p.owner);
      out << '\n';
      write_row(out, header, width, nullptr);
      for (const Finding* f : group) write_row(out, *row_of(f), width, color ? severity_color(f->severity) : "");
    }
  }

  if (!report.suppressed.empty()) {
    out << '\n' << report.suppressed.size() << (report.suppressed.size() == 1 ? " finding" : " findings")
        << " suppressed:\n";
    for (std::size_t i = 0; i < report.suppressed.size() && i < kMaxSuppressedListed; ++i) {
      const auto& s = report.suppressed[i];
      out << "  " << vuln::printable(s.finding.id, 40) << " in " << vuln::printable(s.finding.package.name) << ' '
          << vuln::printable(s.finding.package.version) << " — " << vuln::printable(s.reason, 80) << " ("
          << vuln::printable(s.by) << ")\n";
    }
    if (report.suppressed.size() > kMaxSuppressedListed)
      out << "  ... and " << report.suppressed.size() - kMaxSuppressedListed << " more\n";
  }
}

}  // namespace moat::report
