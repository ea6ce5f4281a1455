// feedd_phrase, the phrase index's FTS5 tokenizer (see phrase_tokenizer.h).
#include "phrase_tokenizer.h"

#include <cstdlib>
#include <new>
#include <utility>

#include "feedd/storage/common_grams.h"
#include "fts5_access.h"

namespace feedd::storage {
namespace {

constexpr const char* kBaseName = "porter";
constexpr const char* kBaseArguments[] = {"unicode61", "remove_diacritics", "2"};
constexpr int kBaseArgumentCount = 3;

using TokenCallback = int (*)(void* context, int flags, const char* token, int size, int start,
                              int end);

struct PhraseTokenizer {
  fts5_tokenizer base{};
  Fts5Tokenizer* base_instance = nullptr;
  CommonTerms terms;

  PhraseTokenizer() = default;
  PhraseTokenizer(const PhraseTokenizer&) = delete;
  PhraseTokenizer& operator=(const PhraseTokenizer&) = delete;
  ~PhraseTokenizer() {
    if (base_instance != nullptr) base.xDelete(base_instance);
  }
};

// Reads "N term1 ... termN" at arguments[at], advancing `at`. false if malformed.
bool ReadTermList(const char** arguments, int count, int& at, std::vector<std::string>& terms) {
  if (at >= count) return false;
  char* end = nullptr;
  const long size = std::strtol(arguments[at], &end, 10);
  if (end == arguments[at] || *end != '\0' || size < 0 || size > count - at - 1) return false;
  terms.assign(arguments + at + 1, arguments + at + 1 + size);
  at += 1 + static_cast<int>(size);
  return true;
}

// Arguments (PhraseTokenizeOption): the very common terms, then the common ones, each list
// led by its size; then the base tokenizer's name and its arguments.
int CreatePhraseTokenizer(void* context, const char** arguments, int count, Fts5Tokenizer** out) {
  *out = nullptr;
  auto* api = static_cast<fts5_api*>(context);
  try {
    PhraseTerms terms;
    int at = 0;
    if (!ReadTermList(arguments, count, at, terms.very_common) ||
        !ReadTermList(arguments, count, at, terms.common) || at >= count) {
      return SQLITE_ERROR;
    }
    auto tokenizer = std::make_unique<PhraseTokenizer>();
    tokenizer->terms = CommonTerms(terms);
    void* base_context = nullptr;
    int rc = api->xFindTokenizer(api, arguments[at], &base_context, &tokenizer->base);
    if (rc != SQLITE_OK) return rc;
    rc = tokenizer->base.xCreate(base_context, arguments + at + 1, count - at - 1,
                                 &tokenizer->base_instance);
    if (rc != SQLITE_OK) return rc;
    *out = reinterpret_cast<Fts5Tokenizer*>(tokenizer.release());
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
}

void DeletePhraseTokenizer(Fts5Tokenizer* tokenizer) {
  delete reinterpret_cast<PhraseTokenizer*>(tokenizer);
}

// Documents (and FTS5_TOKENIZE_AUX, the re-tokenizing of snippet and highlight): every base
// token, and before each token the pair it closes when StoresPair holds, colocated with the
// token before it (the last one emitted).
struct DocumentPass {
  const CommonTerms* terms = nullptr;
  void* context = nullptr;
  TokenCallback emit = nullptr;
  std::string previous;
  std::string pair;  // buffer
  int previous_start = 0;
  int previous_level = 0;
  bool has_previous = false;
};

int OnDocumentToken(void* user, int flags, const char* token, int size, int start, int end) {
  auto& pass = *static_cast<DocumentPass*>(user);
  if ((flags & FTS5_TOKEN_COLOCATED) != 0) {
    return pass.emit(pass.context, flags, token, size, start, end);
  }
  try {
    const std::string_view term(token, static_cast<std::size_t>(size));
    const int level = pass.terms->Level(term);
    if (pass.has_previous && StoresPair(pass.previous_level, level)) {
      AssignPairTerm(pass.pair, pass.previous, term);
      const int rc = pass.emit(pass.context, FTS5_TOKEN_COLOCATED, pass.pair.data(),
                               static_cast<int>(pass.pair.size()), pass.previous_start, end);
      if (rc != SQLITE_OK) return rc;
    }
    pass.previous.assign(term);
    pass.previous_start = start;
    pass.previous_level = level;
    pass.has_previous = true;
    return pass.emit(pass.context, flags, token, size, start, end);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
}

// Queries: FTS5 hands over one phrase (a quoted string or a bareword) per call. Its terms
// are gathered, rewritten by RewritePhrase, then emitted, each at its own position.
struct QueryPass {
  std::vector<std::string> terms;
  std::vector<std::pair<int, int>> offsets;
  std::vector<int> flags;
  bool colocated = false;
};

int OnQueryToken(void* user, int flags, const char* token, int size, int start, int end) {
  auto& pass = *static_cast<QueryPass*>(user);
  try {
    if ((flags & FTS5_TOKEN_COLOCATED) != 0) pass.colocated = true;
    pass.terms.emplace_back(token, static_cast<std::size_t>(size));
    pass.offsets.emplace_back(start, end);
    pass.flags.push_back(flags);
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
}

int TokenizePhrase(Fts5Tokenizer* handle, void* context, int flags, const char* text, int size,
                   TokenCallback emit) {
  auto* tokenizer = reinterpret_cast<PhraseTokenizer*>(handle);
  try {
    if ((flags & FTS5_TOKENIZE_QUERY) == 0) {
      DocumentPass pass;
      pass.terms = &tokenizer->terms;
      pass.context = context;
      pass.emit = emit;
      return tokenizer->base.xTokenize(tokenizer->base_instance, &pass, flags, text, size,
                                       OnDocumentToken);
    }
    QueryPass pass;
    const int rc =
        tokenizer->base.xTokenize(tokenizer->base_instance, &pass, flags, text, size, OnQueryToken);
    if (rc != SQLITE_OK) return rc;
    // A base tokenizer with synonyms of its own (colocated tokens; porter has none) would
    // break the one-term-per-position rewrite: its phrase goes on unchanged, flags and all.
    const std::vector<std::string> terms =
        pass.colocated
            ? pass.terms
            : RewritePhrase(tokenizer->terms, pass.terms, (flags & FTS5_TOKENIZE_PREFIX) != 0);
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const int emitted =
          emit(context, pass.colocated ? pass.flags[i] : 0, terms[i].data(),
               static_cast<int>(terms[i].size()), pass.offsets[i].first, pass.offsets[i].second);
      if (emitted != SQLITE_OK) return emitted;
    }
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
}

}  // namespace

Result<void> RegisterPhraseTokenizer(sqlite3* db) {
  auto api = Fts5ApiOf(db);
  if (!api) return Fail("register feedd_phrase: " + api.error().message);
  fts5_tokenizer methods{CreatePhraseTokenizer, DeletePhraseTokenizer, TokenizePhrase};
  const int rc = (*api)->xCreateTokenizer(*api, "feedd_phrase", *api, &methods, nullptr);
  if (rc != SQLITE_OK) {
    return Fail(std::string("register feedd_phrase: ") + sqlite3_errstr(rc));
  }
  return Ok();
}

std::string PhraseTokenizeOption(const PhraseTerms& terms) {
  std::string option = "feedd_phrase";
  for (const auto* list : {&terms.very_common, &terms.common}) {
    option += " " + std::to_string(list->size());
    for (const auto& term : *list) option += " " + term;
  }
  option += std::string(" ") + kBaseName;
  for (const char* argument : kBaseArguments) option += std::string(" ") + argument;
  return option;
}

Result<std::unique_ptr<BaseTokenizer>> BaseTokenizer::Create(sqlite3* db) {
  auto api = Fts5ApiOf(db);
  if (!api) return Fail("base tokenizer: " + api.error().message);
  std::unique_ptr<BaseTokenizer> tokenizer(new BaseTokenizer);
  void* context = nullptr;
  int rc = (*api)->xFindTokenizer(*api, kBaseName, &context, &tokenizer->methods_);
  if (rc == SQLITE_OK) {
    const char* arguments[kBaseArgumentCount];
    for (int i = 0; i < kBaseArgumentCount; ++i) arguments[i] = kBaseArguments[i];
    rc = tokenizer->methods_.xCreate(context, arguments, kBaseArgumentCount, &tokenizer->instance_);
  }
  if (rc != SQLITE_OK) return Fail(std::string("base tokenizer: ") + sqlite3_errstr(rc));
  return tokenizer;
}

BaseTokenizer::~BaseTokenizer() {
  if (instance_ != nullptr) methods_.xDelete(instance_);
}

Result<void> BaseTokenizer::AppendTerms(std::string_view text, std::vector<std::string>& terms) {
  const auto on_token = [](void* user, int, const char* token, int size, int, int) {
    try {
      static_cast<std::vector<std::string>*>(user)->emplace_back(token,
                                                                 static_cast<std::size_t>(size));
      return SQLITE_OK;
    } catch (const std::bad_alloc&) {
      return SQLITE_NOMEM;
    }
  };
  const int rc = methods_.xTokenize(instance_, &terms, FTS5_TOKENIZE_DOCUMENT, text.data(),
                                    static_cast<int>(text.size()), on_token);
  if (rc != SQLITE_OK) return Fail(std::string("tokenize: ") + sqlite3_errstr(rc));
  return Ok();
}

}  // namespace feedd::storage
