#pragma once
// One problem found in one file: what every config check produces and the reports consume. The
// image scan's secret and malware scanners report in the same shape, so one set of writers and one
// gate serve them all.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace moat::misconfig {

enum class Level { Low, Medium, High, Critical };

struct Position {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

struct ConfigFinding {
  std::string rule_id;     // stable: "MOAT-DF-001", "MOAT-K8S-012"
  std::string title;       // what the rule checks, one line
  Level level = Level::Medium;
  std::string file;        // as given on the command line or found in the walk
  Position where;          // of the offending key or instruction
  std::string message;     // this occurrence: names the object/instruction and the value found
  std::string resolution;  // what to do instead
  std::vector<std::string> references;  // CIS / PSS / hadolint ids, URLs
  std::string object;      // Kubernetes "Deployment/ns/name", Dockerfile stage, Compose service, image layer
  std::string scanner = "config";  // "config", "secret" or "malware"
};

// What a rule is, whichever kind of file it checks.
struct Rule {
  std::string id;  // "MOAT-DF-001", "MOAT-K8S-012", "MOAT-DC-003"
  std::string title;
  Level level = Level::Medium;
  std::string resolution;
  std::vector<std::string> references;  // "CIS Docker 4.1", "PSS restricted", "hadolint DL3002"
};

// The rule with this id in a table; ids come from the checks' own constants, so a miss is a bug
// (std::logic_error), not an input error.
const Rule& find_rule(const std::vector<Rule>& rules, std::string_view id);

// Moves the findings whose rule is not in suppressed to out; counts the others in *suppressed_count
// when it is given. The one step every check's in-place suppression ends with.
void keep_unsuppressed(std::vector<ConfigFinding>& found, const std::set<std::string>& suppressed,
                       std::vector<ConfigFinding>& out, size_t* suppressed_count);

// A file that could not be checked: reported, and the walk goes on.
struct FileError {
  std::string file;
  std::string message;
};

}  // namespace moat::misconfig
