#pragma once
// One configuration problem found in one file: what every config check produces and the reports consume.
#include <string>
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
  std::string object;      // Kubernetes "Deployment/ns/name", Dockerfile stage, Compose service
};

// A file that could not be checked: reported, and the walk goes on.
struct FileError {
  std::string file;
  std::string message;
};

}  // namespace moat::misconfig
