#pragma once
// A Dockerfile read the way BuildKit's frontend reads it: parser directives, comments, line
// continuations with the escape character, heredocs, exec (JSON) versus shell form, flags,
// multi-stage builds and ARG/ENV substitution with their scoping. Pure: bytes in, model out.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

struct Flag {
  std::string name;   // without the leading "--"
  std::string value;  // quotes removed; empty for a bare "--link"
};

struct Heredoc {
  std::string name;     // the delimiter word, unquoted
  std::string content;  // the body, each line ending in '\n'; tabs stripped for "<<-"
  bool expand = true;   // false when the delimiter was quoted: the body is taken literally
  bool strip_tabs = false;
  Position start;  // first body line
};

// A physical line that contributed to an instruction, so findings can point at a column.
struct SourceLine {
  int line = 0;
  std::string text;
};

struct Instruction {
  std::string keyword;  // upper case: "RUN", "COPY", ...
  std::string args;     // raw text after the keyword and its flags, continuation lines joined
  std::vector<Flag> flags;
  bool json_form = false;  // exec form: a JSON array of strings (RUN, CMD, ENTRYPOINT, SHELL, ...)
  // After substitution where the builder substitutes: words of COPY/ADD/EXPOSE/..., "key=value"
  // of ENV/ARG/LABEL, the JSON elements in exec form, and the raw command for shell-form
  // RUN/CMD/ENTRYPOINT (the shell, not the builder, expands those).
  std::vector<std::string> arguments;
  std::vector<Heredoc> heredocs;
  Position start;  // of the keyword
  Position end;    // last character, heredoc terminators included
  int stage = -1;  // index into Dockerfile::stages; -1 for ARGs before the first FROM
  std::vector<SourceLine> lines;
  std::vector<Instruction> trigger;  // ONBUILD: the one instruction it defers

  const Flag* flag(std::string_view name) const;
  // Where `needle` first appears in the instruction's lines, then its heredoc bodies; start when absent.
  Position locate(std::string_view needle) const;
};

struct Stage {
  int index = 0;
  std::string name;                        // "AS name", lower case; empty when unnamed
  std::string base_image;                  // after substitution with the global ARGs
  int parent_stage = -1;                   // when FROM names an earlier stage
  std::vector<Instruction> instructions;   // FROM first
  std::map<std::string, std::string> env;  // ENV in force at the end of the stage, inherited ones too
};

struct Comment {
  Position where;    // of the '#'
  std::string text;  // after '#', trimmed
};

struct Dockerfile {
  std::string file;
  std::map<std::string, std::string> directives;  // lower-case name -> value: syntax, escape, check
  char escape = '\\';
  std::vector<Instruction> global_args;  // ARG before the first FROM
  std::vector<Stage> stages;
  std::vector<Comment> comments;  // every comment outside heredocs, directives excluded
};

inline constexpr size_t kMaxDockerfileSize = 1024 * 1024;

// Throws moat::Error naming `file` for input the builder would reject or that is not a
// Dockerfile at all: binary content, more than kMaxDockerfileSize bytes, an unknown instruction,
// an unterminated heredoc, an instruction before the first FROM, no FROM at all, a bad escape
// directive. A malformed JSON array is not an error: like BuildKit, it is read as shell form.
Dockerfile parse_dockerfile(std::string_view text, const std::string& file);

// Substitutes $var, ${var}, ${var:-word}, ${var-word}, ${var:+word}, ${var+word}, ${var:?word}
// and removes quotes and escapes as the builder does for one word; exposed for tests and checks.
std::string expand_word(std::string_view text, const std::map<std::string, std::string>& vars, char escape = '\\');

}  // namespace moat::misconfig
