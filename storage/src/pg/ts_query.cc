// FTS5 query syntax -> PostgreSQL tsquery text, so `feedd search` takes the same queries on
// both backends. A recursive-descent parser over FTS5's grammar (OR < AND < NOT, implicit
// AND, column filters, phrases, prefixes); every term is emitted quoted, with the column
// filter as tsquery weights (title A, author B, text D: the weights the index gives them).
// Pure: no libpq, compiled in every build.
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "feedd/storage/pg_store.h"

namespace feedd::storage {
namespace {

// Column weights, as bits: the letters the index's setweight() gave each column.
constexpr unsigned kTitle = 1;   // A
constexpr unsigned kAuthor = 2;  // B
constexpr unsigned kText = 4;    // D
constexpr unsigned kAllColumns = kTitle | kAuthor | kText;

enum class TokenKind {
  kWord,
  kPhrase,
  kOpen,
  kClose,
  kOpenBrace,
  kCloseBrace,
  kColon,
  kStar,
  kCaret,
  kPlus,
  kComma,
  kEnd
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
};

bool IsSpecial(char c) {
  return c == '"' || c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == '*' ||
         c == '^' || c == '+' || c == ',';
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

Result<std::vector<Token>> Tokenize(std::string_view query) {
  std::vector<Token> tokens;
  std::size_t at = 0;
  while (at < query.size()) {
    const char c = query[at];
    if (IsSpace(c)) {
      ++at;
      continue;
    }
    if (c == '"') {
      // A phrase; "" inside it is a literal quote, as in FTS5.
      std::string text;
      ++at;
      bool closed = false;
      while (at < query.size()) {
        if (query[at] == '"') {
          if (at + 1 < query.size() && query[at + 1] == '"') {
            text += '"';
            at += 2;
            continue;
          }
          ++at;
          closed = true;
          break;
        }
        text += query[at++];
      }
      if (!closed) return Fail("unterminated phrase (a \" is missing)");
      tokens.push_back({TokenKind::kPhrase, std::move(text)});
      continue;
    }
    if (IsSpecial(c)) {
      static constexpr std::pair<char, TokenKind> kKinds[] = {
          {'(', TokenKind::kOpen},       {')', TokenKind::kClose}, {'{', TokenKind::kOpenBrace},
          {'}', TokenKind::kCloseBrace}, {':', TokenKind::kColon}, {'*', TokenKind::kStar},
          {'^', TokenKind::kCaret},      {'+', TokenKind::kPlus},  {',', TokenKind::kComma}};
      for (const auto& [symbol, kind] : kKinds) {
        if (symbol == c) tokens.push_back({kind, std::string(1, c)});
      }
      ++at;
      continue;
    }
    const std::size_t start = at;
    while (at < query.size() && !IsSpace(query[at]) && !IsSpecial(query[at])) ++at;
    tokens.push_back({TokenKind::kWord, std::string(query.substr(start, at - start))});
  }
  tokens.push_back({TokenKind::kEnd, ""});
  return tokens;
}

// A quoted tsquery operand: to_tsquery() runs the text through the parser and dictionaries
// (several words become a phrase, stop words drop out).
std::string Operand(std::string_view text, bool prefix, unsigned columns) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  std::string suffix;
  if (prefix) suffix += '*';
  if (columns != kAllColumns) {
    if ((columns & kTitle) != 0) suffix += 'A';
    if ((columns & kAuthor) != 0) suffix += 'B';
    if ((columns & kText) != 0) suffix += 'D';
  }
  if (!suffix.empty()) out += ':' + suffix;
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::string> Parse() {
    auto expression = ParseOr(kAllColumns);
    if (!expression) return expression;
    if (Peek().kind != TokenKind::kEnd) return Fail("syntax error near '" + Peek().text + "'");
    return expression;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    const std::size_t index = std::min(position_ + ahead, tokens_.size() - 1);
    return tokens_[index];
  }
  Token Next() { return tokens_[std::min(position_++, tokens_.size() - 1)]; }
  bool IsKeyword(const Token& token, std::string_view word) const {
    return token.kind == TokenKind::kWord && token.text == word;
  }
  bool StartsPrimary(const Token& token) const {
    switch (token.kind) {
      case TokenKind::kWord:
        return !IsKeyword(token, "OR") && !IsKeyword(token, "AND") && !IsKeyword(token, "NOT");
      case TokenKind::kPhrase:
      case TokenKind::kOpen:
      case TokenKind::kOpenBrace:
      case TokenKind::kCaret:
        return true;
      default:
        return false;
    }
  }
  Unexpected ErrorHere() const {
    if (Peek().kind == TokenKind::kEnd) return Fail("syntax error at the end of the query");
    return Fail("syntax error near '" + Peek().text + "'");
  }

  Result<std::string> ParseOr(unsigned columns) {
    auto left = ParseAnd(columns);
    if (!left) return left;
    std::string out = *left;
    bool several = false;
    while (IsKeyword(Peek(), "OR")) {
      Next();
      auto right = ParseAnd(columns);
      if (!right) return right;
      out += " | " + *right;
      several = true;
    }
    return several ? "(" + out + ")" : out;
  }

  Result<std::string> ParseAnd(unsigned columns) {
    auto left = ParseNot(columns);
    if (!left) return left;
    std::string out = *left;
    bool several = false;
    for (;;) {
      if (IsKeyword(Peek(), "AND")) {
        Next();
      } else if (!StartsPrimary(Peek())) {
        break;
      }
      auto right = ParseNot(columns);
      if (!right) return right;
      out += " & " + *right;
      several = true;
    }
    return several ? "(" + out + ")" : out;
  }

  Result<std::string> ParseNot(unsigned columns) {
    auto left = ParsePrimary(columns);
    if (!left) return left;
    std::string out = *left;
    bool several = false;
    while (IsKeyword(Peek(), "NOT")) {
      Next();
      auto right = ParsePrimary(columns);
      if (!right) return right;
      out += " & !" + *right;
      several = true;
    }
    return several ? "(" + out + ")" : out;
  }

  // A column filter (name: or {names}: or -name:) if one starts here; nullopt otherwise.
  Result<std::optional<unsigned>> ParseFilter() {
    std::vector<std::string> names;
    bool negated = false;
    if (Peek().kind == TokenKind::kWord && Peek(1).kind == TokenKind::kColon) {
      std::string name = Next().text;
      Next();
      if (name.size() > 1 && name[0] == '-') {
        negated = true;
        name.erase(0, 1);
      }
      names.push_back(name);
    } else if (Peek().kind == TokenKind::kOpenBrace ||
               (Peek().kind == TokenKind::kWord && Peek().text == "-" &&
                Peek(1).kind == TokenKind::kOpenBrace)) {
      if (Peek().kind == TokenKind::kWord) {
        Next();
        negated = true;
      }
      Next();
      while (Peek().kind == TokenKind::kWord) names.push_back(Next().text);
      if (Next().kind != TokenKind::kCloseBrace || Next().kind != TokenKind::kColon ||
          names.empty()) {
        return Fail("malformed column filter (expected {column ...}:)");
      }
    } else {
      return std::optional<unsigned>();
    }
    unsigned mask = 0;
    for (const auto& name : names) {
      if (name == "title") {
        mask |= kTitle;
      } else if (name == "author") {
        mask |= kAuthor;
      } else if (name == "text") {
        mask |= kText;
      } else {
        return Fail("no such column: " + name + " (columns: title, text, author)");
      }
    }
    return std::optional<unsigned>(negated ? kAllColumns & ~mask : mask);
  }

  Result<std::string> ParsePrimary(unsigned columns) {
    auto filter = ParseFilter();
    if (!filter) return Unexpected(filter.error());
    if (*filter) columns &= **filter;
    if (Peek().kind == TokenKind::kOpen) {
      Next();
      if (Peek().kind == TokenKind::kClose) return Fail("empty parentheses");
      auto inner = ParseOr(columns);
      if (!inner) return inner;
      if (Peek().kind != TokenKind::kClose) {
        if (Peek().kind == TokenKind::kEnd) return Fail("unbalanced parentheses (a ) is missing)");
        return ErrorHere();
      }
      Next();
      return inner;
    }
    if (IsKeyword(Peek(), "NEAR") && Peek(1).kind == TokenKind::kOpen) return ParseNear(columns);
    return ParsePhrases(columns);
  }

  // phrase ('+' phrase)*: consecutive phrases, one after the other.
  Result<std::string> ParsePhrases(unsigned columns) {
    std::vector<std::string> parts;
    do {
      if (!parts.empty()) Next();                    // '+'
      if (Peek().kind == TokenKind::kCaret) Next();  // "first token": not expressible, ignored
      const Token& token = Peek();
      if (token.kind != TokenKind::kWord && token.kind != TokenKind::kPhrase) return ErrorHere();
      if (token.kind == TokenKind::kWord &&
          (token.text == "OR" || token.text == "AND" || token.text == "NOT")) {
        return ErrorHere();
      }
      std::string text = Next().text;
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) return Fail("empty phrase");
      bool prefix = false;
      if (Peek().kind == TokenKind::kStar) {
        Next();
        prefix = true;
      }
      if (columns == 0) return Fail("the column filter excludes every column");
      parts.push_back(Operand(text, prefix, columns));
    } while (Peek().kind == TokenKind::kPlus);
    if (parts.size() == 1) return parts.front();
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "(" : " <-> ") + part;
    return out + ")";
  }

  // NEAR(a b c, n): tsquery has no "within n words"; read as all of them.
  Result<std::string> ParseNear(unsigned columns) {
    Next();  // NEAR
    Next();  // (
    std::string out;
    while (Peek().kind != TokenKind::kClose && Peek().kind != TokenKind::kComma) {
      auto phrase = ParsePhrases(columns);
      if (!phrase) return phrase;
      out += (out.empty() ? "" : " & ") + *phrase;
    }
    if (out.empty()) return Fail("empty NEAR group");
    if (Peek().kind == TokenKind::kComma) {
      Next();
      const Token distance = Next();
      if (distance.kind != TokenKind::kWord ||
          distance.text.find_first_not_of("0123456789") != std::string::npos) {
        return Fail("NEAR distance must be a number");
      }
    }
    if (Next().kind != TokenKind::kClose) return Fail("unbalanced parentheses in NEAR");
    return "(" + out + ")";
  }

  std::vector<Token> tokens_;
  std::size_t position_ = 0;
};

}  // namespace

Result<std::string> FtsQueryToTsQuery(std::string_view query) {
  auto tokens = Tokenize(query);
  if (!tokens) return Unexpected(tokens.error());
  if (tokens->size() == 1) return Fail("empty query");
  return Parser(std::move(*tokens)).Parse();
}

}  // namespace feedd::storage
