#include "image/overlay.h"

#include <gtest/gtest.h>

TEST(Overlay, FileReplacedInUpperLayerHidesLowerCopy) {
  moat::image::Overlay o;
  o.add_replaced("/etc/os-release");
  EXPECT_TRUE(o.hides("/etc/os-release"));
  EXPECT_FALSE(o.hides("/etc/passwd"));
}

TEST(Overlay, WhiteoutHidesPathAndEverythingBelowIt) {
  moat::image::Overlay o;
  o.add_whiteout("/usr/lib/python3/dist-packages/requests");
  EXPECT_TRUE(o.hides("/usr/lib/python3/dist-packages/requests"));
  EXPECT_TRUE(o.hides("/usr/lib/python3/dist-packages/requests/__init__.py"));
  EXPECT_FALSE(o.hides("/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA"));
}

TEST(Overlay, OpaqueDirectoryHidesLowerContentsButNotItself) {
  moat::image::Overlay o;
  o.add_opaque("/app");
  EXPECT_FALSE(o.hides("/app"));
  EXPECT_TRUE(o.hides("/app/node_modules/x/package.json"));
  EXPECT_FALSE(o.hides("/application/x"));
}

TEST(Overlay, NonDirectoryAtAnAncestorHidesTheSubtree) {
  moat::image::Overlay o;
  o.add_replaced("/opt/tool");  // a directory below became a symlink or a file above
  EXPECT_TRUE(o.hides("/opt/tool/bin/tool"));
}
