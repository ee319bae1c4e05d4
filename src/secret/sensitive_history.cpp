// Shell and tool histories: a history in an image is a leftover of a build or a debugging
// session; lines that carry a password on the command line are reported on their own.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "base/text.h"
#include "secret/sensitive_checks.h"

namespace moat::secret::sensitive {
namespace {

struct Token {
  std::string_view text;  // quotes removed
  std::size_t pos;        // of the raw token in the line
};

std::vector<Token> tokenize(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t pos = 0;
  while (pos < line.size() && tokens.size() < 256) {
    while (pos < line.size() && std::isspace(static_cast<unsigned char>(line[pos]))) ++pos;
    if (pos >= line.size()) break;
    const std::size_t start = pos;
    char quote = 0;
    while (pos < line.size() && (quote || !std::isspace(static_cast<unsigned char>(line[pos])))) {
      if (quote && line[pos] == quote)
        quote = 0;
      else if (!quote && (line[pos] == '"' || line[pos] == '\''))
        quote = line[pos];
      ++pos;
    }
    tokens.push_back(Token{unquote(line.substr(start, pos - start)), start});
  }
  return tokens;
}

std::string_view command_name(std::string_view token) {
  const std::size_t slash = token.rfind('/');
  return slash == std::string_view::npos ? token : token.substr(slash + 1);
}

bool is_separator(std::string_view t) { return t == "|" || t == ";" || t == "&&" || t == "||" || t == "&"; }

bool is_any_of(std::string_view s, std::initializer_list<std::string_view> list) {
  for (auto l : list)
    if (s == l) return true;
  return false;
}

struct Hit {
  std::string_view secret;  // inside the line
  std::string what;
};

// `NAME=value` where NAME says it holds a secret (not a *_FILE path to one).
std::optional<Hit> secret_assignment(const Token& t) {
  const std::size_t eq = t.text.find('=');
  if (eq == std::string_view::npos || eq == 0 || t.text.front() == '-') return std::nullopt;
  const std::string_view name = t.text.substr(0, eq);
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  if (ends_with_ci(name, "_FILE") || ends_with_ci(name, "_PATH")) return std::nullopt;
  static constexpr std::array<std::string_view, 6> kWords{"password", "passwd", "secret", "token", "api_key", "apikey"};
  bool secret_name = false;
  for (auto w : kWords) secret_name = secret_name || contains_ci(name, w);
  const std::string_view value = unquote(t.text.substr(eq + 1));
  if (!secret_name || is_placeholder(value)) return std::nullopt;
  return Hit{value, "variable " + std::string(name)};
}

// `--password=x`, `--password x`, `-p x` (flag_with_value) or `-px` (flag_attached).
std::optional<std::string_view> option_value(const std::vector<Token>& tokens, std::size_t i,
                                             std::initializer_list<std::string_view> long_names,
                                             std::initializer_list<std::string_view> short_names, bool short_attached,
                                             bool short_separate) {
  const std::string_view t = tokens[i].text;
  const auto next = [&]() -> std::optional<std::string_view> {
    if (i + 1 < tokens.size() && !is_separator(tokens[i + 1].text)) return tokens[i + 1].text;
    return std::nullopt;
  };
  for (auto name : long_names) {
    if (t == name) return next();
    if (t.starts_with(name) && t.size() > name.size() && t[name.size()] == '=')
      return unquote(t.substr(name.size() + 1));
  }
  for (auto name : short_names) {
    if (t == name && short_separate) return next();
    if (short_attached && t.starts_with(name) && t.size() > name.size()) return unquote(t.substr(name.size()));
  }
  return std::nullopt;
}

// The option's name without the value that may be attached to it ("-pSECRET" → "-p").
std::string_view option_label(std::string_view option) {
  if (option.starts_with("--")) return option.substr(0, std::min<std::size_t>(option.find('='), 24));
  return option.substr(0, 2);
}

std::optional<Hit> credential_in_command(const std::vector<Token>& tokens, std::size_t start) {
  const std::string_view cmd = command_name(tokens[start].text);
  const bool mysql = cmd.starts_with("mysql") || cmd.starts_with("mariadb");
  const bool registry_login = is_any_of(cmd, {"docker", "podman", "buildah", "skopeo", "helm", "nerdctl", "oras"});
  bool saw_login = false;
  for (std::size_t i = start + 1; i < tokens.size() && !is_separator(tokens[i].text); ++i) {
    const std::string_view t = tokens[i].text;
    saw_login = saw_login || t == "login";
    std::optional<std::string_view> v;
    if (mysql)
      v = option_value(tokens, i, {"--password"}, {"-p"}, true, false);
    else if (cmd == "sshpass")
      v = option_value(tokens, i, {}, {"-p"}, true, true);
    else if (cmd == "curl") {
      v = option_value(tokens, i, {"--user", "--proxy-user"}, {"-u", "-U"}, true, true);
      if (v) {
        const std::size_t colon = v->find(':');
        v = colon == std::string_view::npos ? std::nullopt : std::optional(v->substr(colon + 1));
      }
    } else if (cmd == "redis-cli")
      v = option_value(tokens, i, {"--pass"}, {"-a"}, false, true);
    else if (registry_login && saw_login)
      v = option_value(tokens, i, {"--password"}, {"-p"}, false, true);
    else if (cmd == "htpasswd" && t.starts_with("-") && t.find('b') != std::string_view::npos && tokens.size() > i + 3)
      v = tokens[i + 3].text;  // htpasswd -b FILE USER PASSWORD
    if (!v)
      v = option_value(tokens, i,
                       {"--password", "--passwd", "--pass", "--token", "--secret", "--api-key", "--apikey",
                        "--client-secret", "--access-token", "--http-password", "--ftp-password"},
                       {}, false, false);
    if (v && !is_placeholder(*v) && *v != "-")
      return Hit{*v, std::string(cmd.substr(0, 20)) + " " + std::string(option_label(t))};
  }
  return std::nullopt;
}

// SQL typed into a database client: IDENTIFIED BY 'x', PASSWORD 'x', PASSWORD('x').
std::optional<Hit> credential_in_sql(std::string_view line) {
  for (std::string_view keyword : {"identified by", "password"}) {
    for (std::size_t i = 0; i + keyword.size() < line.size(); ++i) {
      if (!starts_with_ci(line.substr(i), keyword)) continue;
      std::size_t p = i + keyword.size();
      while (p < line.size() && (line[p] == ' ' || line[p] == '(' || line[p] == '=')) ++p;
      if (p >= line.size() || (line[p] != '\'' && line[p] != '"')) continue;
      const std::size_t close = line.find(line[p], p + 1);
      if (close == std::string_view::npos) continue;
      const std::string_view value = line.substr(p + 1, close - p - 1);
      if (!is_placeholder(value)) return Hit{value, "SQL " + ascii_upper(keyword)};
    }
  }
  return std::nullopt;
}

std::optional<Hit> credential_in_line(std::string_view line, bool redis) {
  if (redis && starts_with_ci(line, "auth ")) {
    const std::string_view v = trim(line.substr(5));
    if (!is_placeholder(v))
      return Hit{v.substr(v.rfind(' ') == std::string_view::npos ? 0 : v.rfind(' ') + 1), "redis AUTH"};
  }
  if (const auto creds = url_credentials(line); !creds.empty()) return Hit{creds.front().password, "URL credentials"};
  const auto tokens = tokenize(line);
  bool command_start = true;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i].text;
    if (is_separator(t)) {
      command_start = true;
      continue;
    }
    if (auto hit = secret_assignment(tokens[i])) return hit;
    if (command_start && !is_any_of(t, {"export", "sudo", "env", "exec", "time", "nohup"}) &&
        t.find('=') == std::string_view::npos) {
      command_start = false;
      if (auto hit = credential_in_command(tokens, i)) return hit;
    }
  }
  return credential_in_sql(line);
}

}  // namespace

void check_history(std::string_view path, std::string_view content, Findings& out) {
  const std::string_view name = path.substr(path.rfind('/') + 1);
  const bool redis = name.find("rediscli") != std::string_view::npos;
  int lines = 0;
  struct Reported {
    std::size_t offset;
    std::string what;
    std::string redacted;
  };
  std::vector<Reported> hits;
  for_each_line(content, [&](const Line& line) {
    std::string_view text = line.text;
    if (text.starts_with(": ") && text.find(';') != std::string_view::npos)
      text = text.substr(text.find(';') + 1);  // zsh
    if (trim(text).empty()) return true;
    ++lines;
    if (hits.size() >= Findings::kMaxFindings) return true;
    // mysql writes spaces as \040: search a decoded copy and report at the line's start.
    std::string decoded;
    if (text.find("\\040") != std::string_view::npos) {
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i, 4) == "\\040") {
          decoded.push_back(' ');
          i += 3;
        } else {
          decoded.push_back(text[i]);
        }
      }
    }
    const std::string_view scan = decoded.empty() ? text : std::string_view(decoded);
    if (const auto hit = credential_in_line(scan, redis)) {
      const std::size_t at =
          decoded.empty() ? static_cast<std::size_t>(hit->secret.data() - content.data()) : line.offset;
      hits.push_back(Reported{at, hit->what, redact(hit->secret)});
    }
    return true;
  });
  if (lines == 0) return;
  const std::string owner = home_owner(path);
  out.add(rule::kHistoryFile,
          std::string(name) + " with " + std::to_string(lines) + " entries" +
              (owner.empty() ? "" : " of user '" + owner + "'"),
          0, "");
  for (auto& hit : hits)
    out.add(rule::kHistoryCredential, "Credential on a command line in " + std::string(name) + " (" + hit.what + ")",
            hit.offset, std::move(hit.redacted));
}

}  // namespace moat::secret::sensitive
