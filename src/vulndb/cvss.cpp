#include "vulndb/cvss.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "base/error.h"

namespace moat::vulndb {
namespace {

// Metric name and the values the specification allows for it; base metrics are required.
struct MetricDef {
  std::string_view name;
  std::vector<std::string_view> values;
  bool base;
};

// name -> value, for the metrics present in a vector
using Metrics = std::map<std::string, std::string, std::less<>>;

[[noreturn]] void bad_vector(std::string_view vector, const std::string& what) {
  constexpr std::size_t kShown = 200;
  std::string shown(vector.substr(0, kShown));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (vector.size() > kShown) shown += "...";
  fail("CVSS vector \"" + shown + "\"", what);
}

Metrics parse_metrics(std::string_view vector, std::string_view body, const std::vector<MetricDef>& defs) {
  Metrics out;
  if (body.empty()) bad_vector(vector, "has no metrics");
  while (true) {
    std::size_t slash = body.find('/');
    std::string_view part = body.substr(0, slash);
    std::size_t colon = part.find(':');
    if (colon == std::string_view::npos) bad_vector(vector, "metric \"" + std::string(part) + "\" has no value");
    std::string_view name = part.substr(0, colon), value = part.substr(colon + 1);
    const MetricDef* def = nullptr;
    for (const MetricDef& d : defs) {
      if (d.name == name) def = &d;
    }
    if (def == nullptr) bad_vector(vector, "unknown metric \"" + std::string(name) + "\"");
    bool allowed = false;
    for (std::string_view v : def->values) allowed = allowed || v == value;
    if (!allowed) bad_vector(vector, "invalid value \"" + std::string(value) + "\" for " + std::string(name));
    if (!out.emplace(std::string(name), std::string(value)).second) {
      bad_vector(vector, "repeats metric " + std::string(name));
    }
    if (slash == std::string_view::npos) break;
    body.remove_prefix(slash + 1);
  }
  for (const MetricDef& d : defs) {
    if (d.base && !out.contains(d.name)) bad_vector(vector, "lacks base metric " + std::string(d.name));
  }
  return out;
}

std::string severity_of(double score) {
  if (score == 0) return "NONE";
  if (score < 4.0) return "LOW";
  if (score < 7.0) return "MEDIUM";
  if (score < 9.0) return "HIGH";
  return "CRITICAL";
}

// CVSS v3.x -----------------------------------------------------------------------------------

const std::vector<MetricDef>& v3_defs() {
  static const std::vector<MetricDef> defs{
      {"AV", {"N", "A", "L", "P"}, true},       {"AC", {"L", "H"}, true},
      {"PR", {"N", "L", "H"}, true},            {"UI", {"N", "R"}, true},
      {"S", {"U", "C"}, true},                  {"C", {"H", "L", "N"}, true},
      {"I", {"H", "L", "N"}, true},             {"A", {"H", "L", "N"}, true},
      {"E", {"X", "U", "P", "F", "H"}, false},  {"RL", {"X", "O", "T", "W", "U"}, false},
      {"RC", {"X", "U", "R", "C"}, false},      {"CR", {"X", "L", "M", "H"}, false},
      {"IR", {"X", "L", "M", "H"}, false},      {"AR", {"X", "L", "M", "H"}, false},
      {"MAV", {"X", "N", "A", "L", "P"}, false}, {"MAC", {"X", "L", "H"}, false},
      {"MPR", {"X", "N", "L", "H"}, false},     {"MUI", {"X", "N", "R"}, false},
      {"MS", {"X", "U", "C"}, false},           {"MC", {"X", "N", "L", "H"}, false},
      {"MI", {"X", "N", "L", "H"}, false},      {"MA", {"X", "N", "L", "H"}, false},
  };
  return defs;
}

// v3.1's Roundup: the smallest one-decimal number >= x, computed on integers so that
// floating-point noise (4.000000000000001) does not push a score up a tenth.
double roundup_31(double x) {
  long long scaled = std::llround(x * 100000.0);
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return static_cast<double>(scaled / 10000 + 1) / 10.0;
}

double roundup_30(double x) { return std::ceil(x * 10.0) / 10.0; }

double score_v3(const Metrics& m, bool v31) {
  auto pick = [&](const char* name, std::initializer_list<std::pair<const char*, double>> weights) {
    const std::string& v = m.at(name);
    for (const auto& [value, weight] : weights) {
      if (v == value) return weight;
    }
    return 0.0;
  };
  bool changed = m.at("S") == "C";
  double av = pick("AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}});
  double ac = pick("AC", {{"L", 0.77}, {"H", 0.44}});
  double pr = changed ? pick("PR", {{"N", 0.85}, {"L", 0.68}, {"H", 0.5}})
                      : pick("PR", {{"N", 0.85}, {"L", 0.62}, {"H", 0.27}});
  double ui = pick("UI", {{"N", 0.85}, {"R", 0.62}});
  double c = pick("C", {{"H", 0.56}, {"L", 0.22}, {"N", 0}});
  double i = pick("I", {{"H", 0.56}, {"L", 0.22}, {"N", 0}});
  double a = pick("A", {{"H", 0.56}, {"L", 0.22}, {"N", 0}});

  double iss = 1 - (1 - c) * (1 - i) * (1 - a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  return v31 ? roundup_31(raw) : roundup_30(raw);
}

// CVSS v4.0 -----------------------------------------------------------------------------------

const std::vector<MetricDef>& v4_defs() {
  static const std::vector<MetricDef> defs{
      {"AV", {"N", "A", "L", "P"}, true},
      {"AC", {"L", "H"}, true},
      {"AT", {"N", "P"}, true},
      {"PR", {"N", "L", "H"}, true},
      {"UI", {"N", "P", "A"}, true},
      {"VC", {"H", "L", "N"}, true},
      {"VI", {"H", "L", "N"}, true},
      {"VA", {"H", "L", "N"}, true},
      {"SC", {"H", "L", "N"}, true},
      {"SI", {"H", "L", "N"}, true},
      {"SA", {"H", "L", "N"}, true},
      {"E", {"X", "A", "P", "U"}, false},
      {"CR", {"X", "H", "M", "L"}, false},
      {"IR", {"X", "H", "M", "L"}, false},
      {"AR", {"X", "H", "M", "L"}, false},
      {"MAV", {"X", "N", "A", "L", "P"}, false},
      {"MAC", {"X", "L", "H"}, false},
      {"MAT", {"X", "N", "P"}, false},
      {"MPR", {"X", "N", "L", "H"}, false},
      {"MUI", {"X", "N", "P", "A"}, false},
      {"MVC", {"X", "H", "L", "N"}, false},
      {"MVI", {"X", "H", "L", "N"}, false},
      {"MVA", {"X", "H", "L", "N"}, false},
      {"MSC", {"X", "H", "L", "N"}, false},
      {"MSI", {"X", "S", "H", "L", "N"}, false},
      {"MSA", {"X", "S", "H", "L", "N"}, false},
      {"S", {"X", "N", "P"}, false},
      {"AU", {"X", "N", "Y"}, false},
      {"R", {"X", "A", "U", "I"}, false},
      {"V", {"X", "D", "C"}, false},
      {"RE", {"X", "L", "M", "H"}, false},
      {"U", {"X", "Clear", "Green", "Amber", "Red"}, false},
  };
  return defs;
}

// The score of the highest-severity vector of each macrovector, keyed EQ1..EQ6, as published with
// the v4.0 specification (FIRST's cvss-v4-calculator). Macrovectors that cannot occur are absent.
struct MacroScore {
  std::string_view macrovector;
  double score;
};
constexpr MacroScore kMacroScores[] = {
    {"000000", 10.0}, {"000001", 9.9}, {"000010", 9.8}, {"000011", 9.5}, {"000020", 9.5},
    {"000021", 9.2}, {"000100", 10.0}, {"000101", 9.6}, {"000110", 9.3}, {"000111", 8.7},
    {"000120", 9.1}, {"000121", 8.1}, {"000200", 9.3}, {"000201", 9.0}, {"000210", 8.9},
    {"000211", 8.0}, {"000220", 8.1}, {"000221", 6.8}, {"001000", 9.8}, {"001001", 9.5},
    {"001010", 9.5}, {"001011", 9.2}, {"001020", 9.0}, {"001021", 8.4}, {"001100", 9.3},
    {"001101", 9.2}, {"001110", 8.9}, {"001111", 8.1}, {"001120", 8.1}, {"001121", 6.5},
    {"001200", 8.8}, {"001201", 8.0}, {"001210", 7.8}, {"001211", 7.0}, {"001220", 6.9},
    {"001221", 4.8}, {"002001", 9.2}, {"002011", 8.2}, {"002021", 7.2}, {"002101", 7.9},
    {"002111", 6.9}, {"002121", 5.0}, {"002201", 6.9}, {"002211", 5.5}, {"002221", 2.7},
    {"010000", 9.9}, {"010001", 9.7}, {"010010", 9.5}, {"010011", 9.2}, {"010020", 9.2},
    {"010021", 8.5}, {"010100", 9.5}, {"010101", 9.1}, {"010110", 9.0}, {"010111", 8.3},
    {"010120", 8.4}, {"010121", 7.1}, {"010200", 9.2}, {"010201", 8.1}, {"010210", 8.2},
    {"010211", 7.1}, {"010220", 7.2}, {"010221", 5.3}, {"011000", 9.5}, {"011001", 9.3},
    {"011010", 9.2}, {"011011", 8.5}, {"011020", 8.5}, {"011021", 7.3}, {"011100", 9.2},
    {"011101", 8.2}, {"011110", 8.0}, {"011111", 7.2}, {"011120", 7.0}, {"011121", 5.9},
    {"011200", 8.4}, {"011201", 7.0}, {"011210", 7.1}, {"011211", 5.2}, {"011220", 5.0},
    {"011221", 3.0}, {"012001", 8.6}, {"012011", 7.5}, {"012021", 5.2}, {"012101", 7.1},
    {"012111", 5.2}, {"012121", 2.9}, {"012201", 6.3}, {"012211", 2.9}, {"012221", 1.7},
    {"100000", 9.8}, {"100001", 9.5}, {"100010", 9.4}, {"100011", 8.7}, {"100020", 9.1},
    {"100021", 8.1}, {"100100", 9.4}, {"100101", 8.9}, {"100110", 8.6}, {"100111", 7.4},
    {"100120", 7.7}, {"100121", 6.4}, {"100200", 8.7}, {"100201", 7.5}, {"100210", 7.4},
    {"100211", 6.3}, {"100220", 6.3}, {"100221", 4.9}, {"101000", 9.4}, {"101001", 8.9},
    {"101010", 8.8}, {"101011", 7.7}, {"101020", 7.6}, {"101021", 6.7}, {"101100", 8.6},
    {"101101", 7.6}, {"101110", 7.4}, {"101111", 5.8}, {"101120", 5.9}, {"101121", 5.0},
    {"101200", 7.2}, {"101201", 5.7}, {"101210", 5.7}, {"101211", 5.2}, {"101220", 5.2},
    {"101221", 2.5}, {"102001", 8.3}, {"102011", 7.0}, {"102021", 5.4}, {"102101", 6.5},
    {"102111", 5.8}, {"102121", 2.6}, {"102201", 5.3}, {"102211", 2.1}, {"102221", 1.3},
    {"110000", 9.5}, {"110001", 9.0}, {"110010", 8.8}, {"110011", 7.6}, {"110020", 7.6},
    {"110021", 7.0}, {"110100", 9.0}, {"110101", 7.7}, {"110110", 7.5}, {"110111", 6.2},
    {"110120", 6.1}, {"110121", 5.3}, {"110200", 7.7}, {"110201", 6.6}, {"110210", 6.8},
    {"110211", 5.9}, {"110220", 5.2}, {"110221", 3.0}, {"111000", 8.9}, {"111001", 7.8},
    {"111010", 7.6}, {"111011", 6.7}, {"111020", 6.2}, {"111021", 5.8}, {"111100", 7.4},
    {"111101", 5.9}, {"111110", 5.7}, {"111111", 5.7}, {"111120", 4.7}, {"111121", 2.3},
    {"111200", 6.1}, {"111201", 5.2}, {"111210", 5.7}, {"111211", 2.9}, {"111220", 2.4},
    {"111221", 1.6}, {"112001", 7.1}, {"112011", 5.9}, {"112021", 3.0}, {"112101", 5.8},
    {"112111", 2.6}, {"112121", 1.5}, {"112201", 2.3}, {"112211", 1.3}, {"112221", 0.6},
    {"200000", 9.3}, {"200001", 8.7}, {"200010", 8.6}, {"200011", 7.2}, {"200020", 7.5},
    {"200021", 5.8}, {"200100", 8.6}, {"200101", 7.4}, {"200110", 7.4}, {"200111", 6.1},
    {"200120", 5.6}, {"200121", 3.4}, {"200200", 7.0}, {"200201", 5.4}, {"200210", 5.2},
    {"200211", 4.0}, {"200220", 4.0}, {"200221", 2.2}, {"201000", 8.5}, {"201001", 7.5},
    {"201010", 7.4}, {"201011", 5.5}, {"201020", 6.2}, {"201021", 5.1}, {"201100", 7.2},
    {"201101", 5.7}, {"201110", 5.5}, {"201111", 4.1}, {"201120", 4.6}, {"201121", 1.9},
    {"201200", 5.3}, {"201201", 3.6}, {"201210", 3.4}, {"201211", 1.9}, {"201220", 1.9},
    {"201221", 0.8}, {"202001", 6.4}, {"202011", 5.1}, {"202021", 2.0}, {"202101", 4.7},
    {"202111", 2.1}, {"202121", 1.1}, {"202201", 2.4}, {"202211", 0.9}, {"202221", 0.4},
    {"210000", 8.8}, {"210001", 7.5}, {"210010", 7.3}, {"210011", 5.3}, {"210020", 6.0},
    {"210021", 5.0}, {"210100", 7.3}, {"210101", 5.5}, {"210110", 5.9}, {"210111", 4.0},
    {"210120", 4.1}, {"210121", 2.0}, {"210200", 5.4}, {"210201", 4.3}, {"210210", 4.5},
    {"210211", 2.2}, {"210220", 2.0}, {"210221", 1.1}, {"211000", 7.5}, {"211001", 5.5},
    {"211010", 5.8}, {"211011", 4.5}, {"211020", 4.0}, {"211021", 2.1}, {"211100", 6.1},
    {"211101", 5.1}, {"211110", 4.8}, {"211111", 1.8}, {"211120", 2.0}, {"211121", 0.9},
    {"211200", 4.6}, {"211201", 1.8}, {"211210", 1.7}, {"211211", 0.7}, {"211220", 0.8},
    {"211221", 0.2}, {"212001", 5.3}, {"212011", 2.4}, {"212021", 1.4}, {"212101", 2.4},
    {"212111", 1.2}, {"212121", 0.5}, {"212201", 1.0}, {"212211", 0.3}, {"212221", 0.1},
};

constexpr double kNoScore = std::numeric_limits<double>::quiet_NaN();

double macro_score(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
  char key[7] = {static_cast<char>('0' + eq1), static_cast<char>('0' + eq2), static_cast<char>('0' + eq3),
                 static_cast<char>('0' + eq4), static_cast<char>('0' + eq5), static_cast<char>('0' + eq6), '\0'};
  for (const MacroScore& m : kMacroScores) {
    if (m.macrovector == key) return m.score;
  }
  return kNoScore;
}

// The highest-severity vectors of each equivalence set, per EQ level (the specification's tables).
using Alternatives = std::vector<std::string_view>;
const std::array<Alternatives, 3> kEq1Max{{{"AV:N/PR:N/UI:N"},
                                          {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"},
                                          {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"}}};
const std::array<Alternatives, 2> kEq2Max{{{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}}};
// [eq3][eq6]
const std::array<std::array<Alternatives, 2>, 3> kEq3Eq6Max{{
    {{{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"}, {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}}},
    {{{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
      {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
       "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"}}},
    {{{}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}}},
}};
const std::array<Alternatives, 3> kEq4Max{{{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}}};
const std::array<Alternatives, 3> kEq5Max{{{"E:A"}, {"E:P"}, {"E:U"}}};

// Depth of each equivalence set, in severity steps (the specification's "max severity" table).
constexpr int kEq1Depth[3] = {1, 4, 5};
constexpr int kEq2Depth[2] = {1, 2};
constexpr int kEq3Eq6Depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
constexpr int kEq4Depth[3] = {6, 5, 4};

// Severity level of a metric value, in tenths: 0 is the most severe.
double level(std::string_view metric, std::string_view value) {
  struct Level {
    std::string_view metric, value;
    double level;
  };
  static const Level kLevels[] = {
      {"AV", "N", 0.0}, {"AV", "A", 0.1}, {"AV", "L", 0.2}, {"AV", "P", 0.3}, {"PR", "N", 0.0}, {"PR", "L", 0.1},
      {"PR", "H", 0.2}, {"UI", "N", 0.0}, {"UI", "P", 0.1}, {"UI", "A", 0.2}, {"AC", "L", 0.0}, {"AC", "H", 0.1},
      {"AT", "N", 0.0}, {"AT", "P", 0.1}, {"VC", "H", 0.0}, {"VC", "L", 0.1}, {"VC", "N", 0.2}, {"VI", "H", 0.0},
      {"VI", "L", 0.1}, {"VI", "N", 0.2}, {"VA", "H", 0.0}, {"VA", "L", 0.1}, {"VA", "N", 0.2}, {"SC", "H", 0.1},
      {"SC", "L", 0.2}, {"SC", "N", 0.3}, {"SI", "S", 0.0}, {"SI", "H", 0.1}, {"SI", "L", 0.2}, {"SI", "N", 0.3},
      {"SA", "S", 0.0}, {"SA", "H", 0.1}, {"SA", "L", 0.2}, {"SA", "N", 0.3}, {"CR", "H", 0.0}, {"CR", "M", 0.1},
      {"CR", "L", 0.2}, {"IR", "H", 0.0}, {"IR", "M", 0.1}, {"IR", "L", 0.2}, {"AR", "H", 0.0}, {"AR", "M", 0.1},
      {"AR", "L", 0.2}};
  for (const Level& l : kLevels) {
    if (l.metric == metric && l.value == value) return l.level;
  }
  return 0;
}

Metrics split_pairs(std::string_view s) {
  Metrics out;
  while (!s.empty()) {
    std::size_t slash = s.find('/');
    std::string_view part = s.substr(0, slash);
    std::size_t colon = part.find(':');
    out.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1)));
    s.remove_prefix(slash == std::string_view::npos ? s.size() : slash + 1);
  }
  return out;
}

double score_v4(const Metrics& given) {
  // CVSS-B: only the base metrics count; threat and environmental ones take the values the
  // specification assumes when they are not defined (E:A, CR/IR/AR:H, no modified metrics).
  Metrics m;
  for (const char* name : {"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"}) m[name] = given.at(name);
  m["E"] = "A";
  m["CR"] = m["IR"] = m["AR"] = "H";
  auto is = [&](const char* name, const char* value) { return m.at(name) == value; };

  if (is("VC", "N") && is("VI", "N") && is("VA", "N") && is("SC", "N") && is("SI", "N") && is("SA", "N")) return 0;

  int eq1 = (is("AV", "N") && is("PR", "N") && is("UI", "N"))                             ? 0
            : ((is("AV", "N") || is("PR", "N") || is("UI", "N")) && !is("AV", "P")) ? 1
                                                                                         : 2;
  int eq2 = (is("AC", "L") && is("AT", "N")) ? 0 : 1;
  int eq3 = (is("VC", "H") && is("VI", "H"))                      ? 0
            : (is("VC", "H") || is("VI", "H") || is("VA", "H")) ? 1
                                                                  : 2;
  // EQ4 level 0 needs MSI:S or MSA:S, which only environmental metrics can set.
  int eq4 = (is("SC", "H") || is("SI", "H") || is("SA", "H")) ? 1 : 2;
  int eq5 = 0;
  int eq6 = ((is("CR", "H") && is("VC", "H")) || (is("IR", "H") && is("VI", "H")) || (is("AR", "H") && is("VA", "H")))
                ? 0
                : 1;

  double value = macro_score(eq1, eq2, eq3, eq4, eq5, eq6);

  // 1a. The score of the next lower macrovector along each EQ (NaN where there is none).
  double lower_eq1 = macro_score(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
  double lower_eq2 = macro_score(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
  double lower_eq3eq6;
  if (eq3 == 0 && eq6 == 0) {  // two ways down; the higher one counts
    double left = macro_score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    double right = macro_score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    lower_eq3eq6 = left > right ? left : right;
  } else if (eq3 == 1 && eq6 == 0) {
    lower_eq3eq6 = macro_score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  } else if (eq3 == 2 && eq6 == 1) {
    lower_eq3eq6 = kNoScore;
  } else {
    lower_eq3eq6 = macro_score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  }
  double lower_eq4 = macro_score(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
  double lower_eq5 = macro_score(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

  // 1b. The distance from the first highest-severity vector of the macrovector that is at least as
  // severe as this one in every metric.
  static const char* const kDistanceMetrics[] = {"AV", "PR", "UI", "AC", "AT", "VC", "VI",
                                                 "VA", "SC", "SI", "SA", "CR", "IR", "AR"};
  std::map<std::string, double, std::less<>> distance;
  bool found = false;
  for (std::string_view e1 : kEq1Max[eq1]) {
    for (std::string_view e2 : kEq2Max[eq2]) {
      for (std::string_view e36 : kEq3Eq6Max[eq3][eq6]) {
        for (std::string_view e4 : kEq4Max[eq4]) {
          for (std::string_view e5 : kEq5Max[eq5]) {
            if (found) continue;
            Metrics max = split_pairs(std::string(e1) + "/" + std::string(e2) + "/" + std::string(e36) + "/" +
                                      std::string(e4) + "/" + std::string(e5));
            bool below = false;
            for (const char* metric : kDistanceMetrics) {
              distance[metric] = level(metric, m.at(metric)) - level(metric, max.at(metric));
              below = below || distance[metric] < 0;
            }
            found = !below;
          }
        }
      }
    }
  }
  double d_eq1 = distance["AV"] + distance["PR"] + distance["UI"];
  double d_eq2 = distance["AC"] + distance["AT"];
  double d_eq3eq6 =
      distance["VC"] + distance["VI"] + distance["VA"] + distance["CR"] + distance["IR"] + distance["AR"];
  double d_eq4 = distance["SC"] + distance["SI"] + distance["SA"];

  // 1c-d. Each EQ moves the score towards its next lower macrovector in proportion to the
  // distance over the depth of the macrovector; 2. those moves are averaged over the EQs that have
  // a lower macrovector.
  constexpr double kStep = 0.1;
  int existing = 0;
  double sum = 0;
  auto add = [&](double lower, double current_distance, double depth) {
    double available = value - lower;
    if (std::isnan(available)) return;
    ++existing;
    sum += depth == 0 ? 0 : available * (current_distance / depth);
  };
  add(lower_eq1, d_eq1, kEq1Depth[eq1] * kStep);
  add(lower_eq2, d_eq2, kEq2Depth[eq2] * kStep);
  add(lower_eq3eq6, d_eq3eq6, kEq3Eq6Depth[eq3][eq6] * kStep);
  add(lower_eq4, d_eq4, kEq4Depth[eq4] * kStep);
  add(lower_eq5, 0, 1);  // EQ5 has no depth: its share is always 0
  double mean = existing == 0 ? 0 : sum / existing;

  value -= mean;
  value = std::clamp(value, 0.0, 10.0);
  return std::floor(value * 10 + 0.5) / 10;  // JavaScript's Math.round, as the reference calculator
}

}  // namespace

CvssScore score_cvss(std::string_view vector) {
  CvssScore out;
  std::string_view body;
  if (vector.starts_with("CVSS:3.0/")) {
    out.version = "3.0";
  } else if (vector.starts_with("CVSS:3.1/")) {
    out.version = "3.1";
  } else if (vector.starts_with("CVSS:4.0/")) {
    out.version = "4.0";
  } else {
    bad_vector(vector, "does not start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/");
  }
  body = vector.substr(9);
  if (out.version == "4.0") {
    out.base_score = score_v4(parse_metrics(vector, body, v4_defs()));
  } else {
    out.base_score = score_v3(parse_metrics(vector, body, v3_defs()), out.version == "3.1");
  }
  out.severity = severity_of(out.base_score);
  return out;
}

}  // namespace moat::vulndb
