#!/bin/sh
# Regenerates Gemfile.lock in this folder (or OUTPUT-DIR) with Debian's bundler, offline (the
# Gemfile names no remote source, so `bundle lock` resolves rack and rack-test from the installed gems:
# Debian packages ruby-rack, ruby-rack-test), one gem from a local git repository (GIT section) and
# one from a path (PATH section).
# Run: sh tests/data/ruby/make.sh [OUTPUT-DIR]   (needs bundler, git, ruby-rack, ruby-rack-test)
set -eu
out=$(cd "${1:-$(dirname "$0")}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" BUNDLE_USER_HOME="$work/home/.bundle"

gem_source() {  # gem_source DIR NAME VERSION
  mkdir -p "$1/lib"
  echo "module Moat; end" > "$1/lib/$2.rb"
  cat > "$1/$2.gemspec" <<RUBY
Gem::Specification.new do |s|
  s.name = "$2"
  s.version = "$3"
  s.summary = "moat test gem"
  s.authors = ["moat"]
  s.files = ["lib/$2.rb"]
  s.license = "MIT"
end
RUBY
}

gem_source "$work/moat-git" moat-git 0.3.1
git -C "$work/moat-git" init -q
git -C "$work/moat-git" add .
git -C "$work/moat-git" -c user.name=moat -c user.email=moat@example.invalid commit -q -m fixture
gem_source "$work/app/vendor/moat-path" moat-path 1.0.0.pre

cat > "$work/app/Gemfile" <<RUBY

gem "rack-test"
gem "rack"
gem "moat-git", git: "$work/moat-git"
gem "moat-path", path: "vendor/moat-path"
RUBY
(cd "$work/app" && bundle lock >/dev/null)
# The git remote is a temporary directory: give it a stable name.
sed "s|$work/moat-git|/srv/git/moat-git|" "$work/app/Gemfile.lock" > "$out/Gemfile.lock"
