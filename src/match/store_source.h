#pragma once
// The advisory store as the matcher's source of advisories.
#include "match/matcher.h"
#include "vulndb/store.h"

namespace moat::match {

class StoreSource : public AdvisorySource {
 public:
  explicit StoreSource(const vulndb::Store& store) : store_(store) {}
  std::unique_ptr<AdvisorySource> clone() const override;
  std::vector<vulndb::Advisory> advisories(std::string_view ecosystem, std::string_view name) const override;
  bool knows_ecosystem(std::string_view ecosystem) const override { return store_.has_ecosystem(ecosystem); }

 private:
  // A clone owns the store it opened; the original borrows its caller's.
  StoreSource(std::unique_ptr<vulndb::Store> owned) : owned_(std::move(owned)), store_(*owned_) {}
  std::unique_ptr<vulndb::Store> owned_;
  const vulndb::Store& store_;
};

}  // namespace moat::match
