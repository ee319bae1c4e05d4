#pragma once
// What the SBOM writers take besides the inventory: everything that is not a fact about the target.
#include <string>

namespace moat::report {

struct SbomOptions {
  std::string tool_version = MOAT_VERSION;
  // Left empty, each document gets a random v4 UUID and the current UTC time; tests pin them so
  // that the whole document is reproducible.
  std::string uuid;       // lowercase RFC 4122 form, e.g. "3e671687-395b-41f5-a30f-a58921a69b79"
  std::string timestamp;  // UTC, "YYYY-MM-DDThh:mm:ssZ"
};

}  // namespace moat::report
