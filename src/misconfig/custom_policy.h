#pragma once
// User-written rules in a declarative YAML format (docs/policies.md): each rule names a target
// (Kubernetes objects, pods or containers; Dockerfile instructions, stages or the whole file),
// conditions over field paths, and the message to report. Rules are checked by the same walk as
// the built-in checks and suppressed by the same in-place annotation and comment syntax.
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"
#include "misconfig/dockerfile.h"
#include "misconfig/yaml_doc.h"

namespace moat::misconfig {

struct CustomRule;

struct PolicyCheckResult {
  std::vector<ConfigFinding> findings;
  size_t suppressed = 0;
};

class PolicySet {
 public:
  PolicySet();
  ~PolicySet();
  PolicySet(PolicySet&&) noexcept;
  PolicySet& operator=(PolicySet&&) noexcept;

  // Adds the rules of one policy file. Throws moat::Error "<file>:<line>:<column>: <what>" for a
  // malformed file, an unknown key or operator, a bad path or regex, a missing field, an id that
  // starts with MOAT- (reserved for built-in rules) or one already defined by an earlier file.
  // Nothing of a failing file is added.
  void add(std::string_view text, const std::string& file);

  bool empty() const { return rules_.empty(); }
  size_t size() const { return rules_.size(); }
  // Whether `id` (compared case-insensitively) is a rule of this set.
  bool defines(std::string_view id) const;
  // Whether `comment` is a `moat:ignore ... reason: ...` naming only rules of this set: the
  // built-in Dockerfile checks report such a comment as naming no known rule (MOAT-DF-030).
  bool only_custom_ids(const Comment& comment) const;

  // Rules targeting Kubernetes over every object of the stream, honouring
  // `moat.dev/ignore.<id>: "<reason>"` annotations on the object.
  PolicyCheckResult check_kubernetes(const YamlStream& stream, const std::string& file) const;
  // Rules targeting Dockerfiles, honouring `# moat:ignore <id> reason: <why>` above an instruction.
  PolicyCheckResult check_dockerfile(const Dockerfile& dockerfile, const std::string& file) const;

 private:
  std::vector<std::unique_ptr<CustomRule>> rules_;
  std::map<std::string, std::string> defined_at_;  // upper-case id -> "file:line:column"
};

// Reads policy files: a path that is a file is read; a directory contributes its *.yaml and *.yml
// files (not recursively), in name order. Fails naming the path that cannot be read.
PolicySet load_policy_files(const std::vector<std::string>& paths);

}  // namespace moat::misconfig
