#!/bin/sh
# Regenerates composer.lock and installed.json in this folder with Debian's `composer` (2.x),
# without Packagist: the project requires three packages served from a local "path" repository.
# Run: sh tests/data/php/make.sh [OUTPUT-DIR]   (needs the Debian packages composer and php-cli;
# php_test.cpp also runs it into a temporary directory when composer is installed)
set -eu
here=$(cd "${1:-$(dirname "$0")}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export COMPOSER_HOME="$work/home" COMPOSER_NO_INTERACTION=1 COMPOSER_ALLOW_SUPERUSER=1

package() {  # package DIR NAME VERSION LICENSE-JSON [REQUIRE-JSON]
  mkdir -p "$work/packages/$1/src"
  cat > "$work/packages/$1/composer.json" <<JSON
{
  "name": "$2",
  "version": "$3",
  "description": "moat test package $2",
  "type": "library",
  "license": $4,
  "require": ${5:-{\}},
  "autoload": {"psr-4": {"Moat\\\\Test\\\\$1\\\\": "src/"}}
}
JSON
}
package Log acme/log v1.4.2 '"MIT"'
package Http acme/http 2.0.0-beta.1 '["MIT", "Apache-2.0"]' '{"acme/log": "^1.4"}'
package Fake acme/faker 0.9.0 '"BSD-3-Clause"'

mkdir -p "$work/app"
cat > "$work/app/composer.json" <<'JSON'
{
  "name": "moat/php-fixture",
  "type": "project",
  "repositories": [
    {"type": "path", "url": "../packages/*", "options": {"symlink": false}},
    {"packagist.org": false}
  ],
  "require": {"acme/http": "2.0.0-beta.1"},
  "require-dev": {"acme/faker": "^0.9"},
  "minimum-stability": "beta"
}
JSON
(cd "$work/app" && composer install --no-progress --no-scripts --quiet)
cp "$work/app/composer.lock" "$here/composer.lock"
cp "$work/app/vendor/composer/installed.json" "$here/installed.json"
