#include "image/entry_path.h"

#include <gtest/gtest.h>

#include "base/error.h"

using moat::image::normalize_entry_path;
using moat::image::resolve_link_target;

TEST(EntryPath, NormalizesHarmlessSpellings) {
  EXPECT_EQ(normalize_entry_path("./usr//bin/../bin/ls", "t"), "/usr/bin/ls");
  EXPECT_EQ(normalize_entry_path(".", "t"), "/");
  EXPECT_EQ(normalize_entry_path("etc/", "t"), "/etc");
}

TEST(EntryPath, RefusesNamesThatLeaveTheRoot) {
  EXPECT_THROW(normalize_entry_path("../etc/passwd", "t"), moat::Error);
  EXPECT_THROW(normalize_entry_path("a/../../x", "t"), moat::Error);
  EXPECT_THROW(normalize_entry_path("/etc/passwd", "t"), moat::Error);
  try {
    normalize_entry_path("../../x", "layer.tar");
  } catch (const moat::Error& e) {
    EXPECT_STREQ(e.what(), "layer.tar: entry path '../../x' climbs out of the image root");
  }
}

TEST(EntryPath, LinkTargetsAreClampedAtTheRoot) {
  EXPECT_EQ(resolve_link_target("/etc/os-release", "../usr/lib/os-release"), "/usr/lib/os-release");
  EXPECT_EQ(resolve_link_target("/etc/x", "/usr/lib/y"), "/usr/lib/y");
  EXPECT_EQ(resolve_link_target("/a/b", "../../../../etc/shadow"), "/etc/shadow");
}
