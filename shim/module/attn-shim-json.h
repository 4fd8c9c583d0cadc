/* attn-shim-json.h: a small, bounded JSON reader and writer for the shim's
 * folder door (config.json, tokenizer_config.json, the safetensors header).
 * The shim links no JSON library and must not trust these files: nesting is
 * limited, numbers are checked, strings must be valid UTF-8. No libtorch
 * here, so it builds fast and can be fuzzed on its own. */
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attn_json
{

enum class Type
{
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
};

struct Value
{
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
  bool is_integer = false; /* written without fraction or exponent, and fits */
  int64_t integer = 0;
  std::string string;
  std::vector<Value> array;
  /* Members in file order (safetensors and HF configs are small; a duplicate
   * key keeps its last value, as Python's json does). */
  std::vector<std::pair<std::string, Value> > object;

  const Value *get (const std::string &key) const;
  bool is_null () const
  {
    return type == Type::Null;
  }
};

/* Parses text; on failure returns false and sets *error (English, short:
 * "line 3: expected ':'"). Nesting deeper than max_depth fails. */
bool parse (const char *text, size_t len, Value &out, std::string &error, int max_depth = 64);

/* Compact JSON of v; numbers keep their integer form, doubles round-trip. */
std::string write (const Value &v, bool indent = true);

Value make_string (const std::string &s);
Value make_bool (bool b);
Value make_int (int64_t i);

} /* namespace attn_json */
