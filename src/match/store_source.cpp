#include "match/store_source.h"

namespace moat::match {

std::unique_ptr<AdvisorySource> StoreSource::clone() const {
  auto store = std::make_unique<vulndb::Store>(vulndb::Store::open_readonly(store_.path()));
  return std::unique_ptr<AdvisorySource>(new StoreSource(std::move(store)));
}

std::vector<vulndb::Advisory> StoreSource::advisories(std::string_view ecosystem, std::string_view name) const {
  std::vector<vulndb::Advisory> out;
  for (auto& c : store_.lookup(ecosystem, name)) {
    // One row per affected entry: entries of the same advisory are folded back together.
    if (!out.empty() && out.back().id == c.advisory_id) {
      out.back().affected.push_back(std::move(c.affected));
      continue;
    }
    vulndb::Advisory a;
    a.id = std::move(c.advisory_id);
    a.aliases = std::move(c.aliases);
    a.upstream = std::move(c.upstream);
    a.summary = std::move(c.summary);
    a.published = std::move(c.published);
    a.modified = std::move(c.modified);
    a.severity = std::move(c.severity);
    a.severity_text = std::move(c.severity_text);
    a.affected.push_back(std::move(c.affected));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace moat::match
