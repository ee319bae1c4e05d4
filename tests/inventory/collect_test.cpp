// The file inspectors on the pool's workers: findings and warnings come back in the order of the
// files whatever order the workers finish in, and an inspector's error is one warning, not a failure.
#include "inventory/collect.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "base/error.h"
#include "support/string_reader.h"
#include "support/tar_builder.h"

namespace {

using moat::test::StringReader;

// Reports every file's first line; takes longer on early files so that later ones finish first,
// and fails on files whose content says so.
class FirstLine : public moat::inventory::FileInspector {
 public:
  std::string fingerprint() const override { return "first line"; }
  bool wants(const moat::image::FileEntry&) const override { return true; }
  void inspect(const moat::image::FileEntry& file, std::string_view content,
               std::vector<moat::inventory::FileFinding>& out) const override {
    std::string line(content.substr(0, content.find('\n')));
    std::this_thread::sleep_for(std::chrono::milliseconds(line == "slow" ? 50 : 0));
    if (line == "broken") throw moat::Error("cannot read it");
    moat::inventory::FileFinding f;
    f.scanner = "test";
    f.path = file.path;
    f.detail = line;
    out.push_back(std::move(f));
  }
};

std::string layer() {
  moat::test::TarBuilder tar;
  tar.file("a", "slow\n").file("b", "broken\n").file("c", "slow\n").dir("d").file("d/e", "fast\n").file("f", "fast\n");
  return tar.build();
}

std::vector<std::string> collected(moat::inventory::InspectionPool* pool, std::vector<std::string>& warnings) {
  FirstLine inspector;
  auto entries = moat::image::open_layer_entries(std::make_unique<StringReader>(layer()), "layer");
  auto found = moat::inventory::collect(*entries, moat::inventory::TargetKind::Image, "layer", {&inspector}, {}, pool);
  std::vector<std::string> out;
  for (const auto& f : found.file_findings) out.push_back(f.path + " " + f.detail);
  warnings = found.warnings;
  return out;
}

}  // namespace

TEST(Collect, WorkersGiveFindingsInTheOrderOfTheFiles) {
  std::vector<std::string> inline_warnings, pooled_warnings;
  const auto inline_found = collected(nullptr, inline_warnings);
  EXPECT_EQ(inline_found, (std::vector<std::string>{"/a slow", "/c slow", "/d/e fast", "/f fast"}));
  EXPECT_EQ(inline_warnings, (std::vector<std::string>{"layer: /b: cannot read it"}));
  // A one-byte bound: each file waits alone for a worker, and the reader for it.
  for (uint64_t bound : {1ull, 1ull << 20}) {
    moat::inventory::InspectionPool pool(3, bound);
    EXPECT_EQ(collected(&pool, pooled_warnings), inline_found) << bound;
    EXPECT_EQ(pooled_warnings, inline_warnings) << bound;
  }
}
