#!/usr/bin/env bash
# Regenerates the metadata samples in this folder with Debian's setuptools and wheel
# (python3-setuptools, python3-wheel): an egg-info PKG-INFO and a wheel's dist-info METADATA.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

# Licence given as a one-line field, an odd name to normalise.
mkdir -p "$work/one/moat_sample"
touch "$work/one/moat_sample/__init__.py"
cat >"$work/one/setup.py" <<'PY'
from setuptools import setup
setup(name="Moat_Sample.Pkg", version="1.2.3", license="MIT", packages=["moat_sample"],
      classifiers=["License :: OSI Approved :: MIT License"])
PY
(cd "$work/one" && $py setup.py -q egg_info >/dev/null 2>&1)
cp "$work/one/Moat_Sample.Pkg.egg-info/PKG-INFO" "$here/oneline.PKG-INFO"

# The whole licence text in License, which setuptools folds over continuation lines, with two
# licence classifiers, and a description that looks like headers; built as a wheel to get
# dist-info METADATA.
mkdir -p "$work/two/twolic"
touch "$work/two/twolic/__init__.py"
cat >"$work/two/setup.py" <<'PY'
from setuptools import setup
setup(name="twolic", version="0.9.0rc1", packages=["twolic"],
      long_description="Name: not-a-header\nVersion: 0\n",
      license="Permission is hereby granted, free of charge,\nto any person obtaining a copy\nof this software.",
      classifiers=["License :: OSI Approved :: Apache Software License",
                   "License :: OSI Approved :: BSD License"])
PY
(cd "$work/two" && $py setup.py -q bdist_wheel -d "$work/dist" >/dev/null 2>&1)
(cd "$work/dist" && $py -m zipfile -e twolic-0.9.0rc1-py3-none-any.whl unpacked)
cp "$work/dist/unpacked/twolic-0.9.0rc1.dist-info/METADATA" "$here/multiline.METADATA"
echo "samples written to $here"
