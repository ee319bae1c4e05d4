// Hostile package metadata through the licence-expression parser, purl builder and both SBOM
// writers: none may crash, hang or emit invalid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "base/error.h"
#include "inventory/purl.h"
#include "report/cyclonedx.h"
#include "report/license_expression.h"
#include "report/spdx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static_cast<void>(moat::report::spdx_expression(input));

  // Fields separated by '\n'; every 6 fields make one package.
  static constexpr const char* kEcosystems[] = {"deb",      "apk",    "rpm",   "pypi",  "npm", "gem",
                                                "composer", "golang", "maven", "cargo", "x"};
  moat::inventory::Inventory inv;
  inv.target = "fuzz";
  inv.kind = size % 2 == 0 ? "image" : "filesystem";
  inv.repo_tags = {std::string(input.substr(0, 64))};
  inv.os = moat::inventory::OsRelease{"debian", "12", "", ""};
  std::string fields[6];
  int field = 0;
  for (std::size_t i = 0; i <= size && inv.packages.size() < 64; ++i) {
    if (i < size && data[i] != '\n') {
      fields[field] += static_cast<char>(data[i]);
      continue;
    }
    if (++field < 6) continue;
    moat::inventory::Package p;
    p.ecosystem = kEcosystems[fields[0].size() % std::size(kEcosystems)];
    p.name = fields[1];
    p.version = fields[2];
    p.license = fields[3];
    p.source_name = fields[4];
    p.owner = fields[5].empty() ? "" : "deb:" + fields[5];
    inv.packages.push_back(p);
    for (auto& f : fields) f.clear();
    field = 0;
  }
  for (const auto& p : inv.packages) static_cast<void>(moat::inventory::purl(p, inv.os));
  moat::report::SbomOptions options;
  options.uuid = "3e671687-395b-41f5-a30f-a58921a69b79";
  options.timestamp = "2024-01-02T03:04:05Z";
  std::ostringstream cdx, spdx;
  moat::report::write_cyclonedx(inv, cdx, options);
  moat::report::write_spdx(inv, spdx, options);
  if (!nlohmann::json::accept(cdx.str()) || !nlohmann::json::accept(spdx.str())) std::abort();
  return 0;
}
