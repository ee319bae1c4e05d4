#pragma once
// Python distributions installed in site-packages or dist-packages: *.dist-info/METADATA and
// *.egg-info/PKG-INFO (or an *.egg-info file, which holds the same text). Pure over bytes already
// read; `path` names the file for found_in and for errors. Malformed input throws moat::Error.
#include <optional>
#include <string>
#include <string_view>

#include "inventory/package.h"

namespace moat::inventory {

// The core-metadata header block (RFC 822 style, up to the first blank line). The name is stored
// normalised (PEP 503). The licence is License-Expression, else a one-line License field, else
// the names of the "License ::" classifiers joined by ", ". nullopt for setuptools' placeholder
// "UNKNOWN" project, which names nothing installable.
std::optional<Package> parse_python_metadata(std::string_view content, std::string_view path);

// PEP 503: lower case, every run of "-", "_" and "." becomes one "-".
std::string normalize_pypi_name(std::string_view name);

}  // namespace moat::inventory
