// Writes moat-image.cdx.json and moat-image.spdx.json: moat's own writers on the hand-made
// inventory of tests/report/sbom_fixture.h, which sbom_reader_test reads back (test_inventory does
// not link the report library, so the documents are generated once and committed). Build and run
// from the repository root against a configured build directory BUILD:
//   g++ -std=c++20 -DMOAT_VERSION='"0.1.0"' -DMOAT_BINARY_DIR='"/tmp"' -DMOAT_SOURCE_DIR='"."' \
//     -Isrc -Itests tests/data/sbom_reader/make-moat-fixtures.cpp BUILD/libmoat_report.a \
//     BUILD/libmoat_inventory.a BUILD/libmoat_base.a -lgtest -lcrypto -o /tmp/make-moat-fixtures
//   /tmp/make-moat-fixtures tests/data/sbom_reader
#include <fstream>
#include <string>

#include "report/cyclonedx.h"
#include "report/sbom_fixture.h"
#include "report/spdx.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  const auto inv = moat::report::testing::image_inventory();
  const auto options = moat::report::testing::pinned_options();
  std::ofstream cdx(dir + "/moat-image.cdx.json");
  moat::report::write_cyclonedx(inv, cdx, options);
  std::ofstream spdx(dir + "/moat-image.spdx.json");
  moat::report::write_spdx(inv, spdx, options);
  return cdx && spdx ? 0 : 1;
}
