#!/bin/sh
# Builds sample.ear in this folder (or OUTPUT-DIR) with the JDK's `jar` tool from jars Debian ships
# in /usr/share/java (packages libslf4j-java, libjsr305-java, libaopalliance-java, libcommons-cli-java,
# libcommons-io-java). Layout, each level a real zip written by `jar`:
#   sample.ear
#     META-INF/maven/com.example/sample-ear/pom.properties   com.example:sample-ear 1.0.0
#     lib/commons-cli-1.5.0.jar                               pom.properties
#     shop-1.1.war
#       WEB-INF/lib/slf4j-api-1.7.32.jar                      pom.properties
#       WEB-INF/lib/jsr305-0.1~+svn49.jar                     no metadata: file name only
#       WEB-INF/lib/aopalliance-1.0.jar                       bare manifest: file name only
#       WEB-INF/lib/fat-app-2.0.jar                           fat jar: own manifest + shaded poms
#         (META-INF/maven/ of commons-io and commons-cli, no pom.properties of its own)
# Run: sh tests/data/java/make.sh [OUTPUT-DIR]
set -eu
out=$(cd "${1:-$(dirname "$0")}" && pwd)
java=/usr/share/java
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir -p fat/src && (cd fat/src && jar xf "$java/commons-io-2.11.0.jar" META-INF/maven \
  && jar xf "$java/commons-cli-1.5.0.jar" META-INF/maven)
printf 'Implementation-Title: fat-app\nImplementation-Version: 2.0\nImplementation-Vendor-Id: com.example\n' > fat/manifest
jar cfm fat-app-2.0.jar fat/manifest -C fat/src .

mkdir -p war/WEB-INF/lib war/WEB-INF/classes
cp "$java/slf4j-api-1.7.32.jar" "$java/jsr305-0.1~+svn49.jar" "$java/aopalliance-1.0.jar" fat-app-2.0.jar war/WEB-INF/lib/
echo 'not a class' > war/WEB-INF/classes/Shop.class
jar cf shop-1.1.war -C war .

mkdir -p ear/lib ear/META-INF/maven/com.example/sample-ear
cp "$java/commons-cli-1.5.0.jar" ear/lib/
cp shop-1.1.war ear/
printf 'groupId=com.example\nartifactId=sample-ear\nversion=1.0.0\n' > ear/META-INF/maven/com.example/sample-ear/pom.properties
jar cf sample.ear -C ear .
cp sample.ear "$out/sample.ear"
