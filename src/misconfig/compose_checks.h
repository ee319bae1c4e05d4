#pragma once
// Security checks over Docker Compose files (file format v2, v3 and the Compose Specification):
// privileges, host namespaces, host mounts, capabilities, resource limits, secrets in the environment,
// published ports and image pinning. Rule ids are MOAT-DC-NNN; references name the CIS Docker
// Benchmark section 4/5 recommendation where one matches.
//
// Suppression: Compose files cannot carry comments through a YAML loader, so a service uses the
// Compose extension-field convention: `x-moat-ignore: {MOAT-DC-003: "<reason>"}` drops that rule's
// findings for that service; an empty reason does not suppress and is itself reported (MOAT-DC-099).
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"
#include "misconfig/yaml_doc.h"

namespace moat::misconfig {

using ComposeRule = Rule;

// Every rule the checks can report, in id order.
const std::vector<ComposeRule>& compose_rules();

// Checks every service of one Compose file. Problems reading the file (malformed YAML, a YAML bomb,
// binary content, a huge file, a top level that is not a map) go to `errors`. When suppressed is
// given, it is increased by the findings that x-moat-ignore entries removed.
std::vector<ConfigFinding> check_compose(std::string_view text, const std::string& file,
                                         std::vector<FileError>& errors, size_t* suppressed = nullptr);

// True when a document is a Compose file by content: a top-level `services:` map in which some
// service has `image:` or `build:`.
bool looks_like_compose(const YamlNode& root);
// The same test on a file's text; false for anything that does not load.
bool looks_like_compose(std::string_view text);

// True for the names Docker Compose looks for: compose.yaml, compose.yml, docker-compose.yml,
// their overrides and variants (docker-compose.prod.yml, compose.override.yaml). `path` may have folders.
bool is_compose_file_name(std::string_view path);

}  // namespace moat::misconfig
