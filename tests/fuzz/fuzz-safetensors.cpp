/* fuzz-safetensors.cpp: the shim's safetensors header reader and its JSON
 * reader (shim/module/attn-shim-safetensors.cpp, shim/module/attn-shim-json.cpp) on any
 * bytes. Besides "no crash, no sanitizer report": a file that parses has
 * every tensor inside the data area, sized as its dtype and shape say, with
 * no two overlapping; a refusal has a reason; JSON that parses writes out
 * to JSON that parses again to the same text. */

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "attn-shim-json.h"
#include "attn-shim-safetensors.h"

extern "C" int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  attn_st::File file;
  std::string problem = attn_st::parse (data, size, file);
  std::vector<const attn_st::Entry *> entries;

  if (problem.empty ())
    {
      const uint8_t *area = data + 8 + file.header_length;

      for (const auto &e : file.entries)
        {
          uint64_t count = 1;

          for (int64_t d : e.second.shape)
            count *= (uint64_t)d;
          if (e.second.data < area || e.second.data + e.second.nbytes > data + size ||
              count != e.second.count || e.second.nbytes != count * e.second.element_size)
            abort ();
          entries.push_back (&e.second);
        }
      for (size_t i = 0; i < entries.size (); i++)
        for (size_t j = i + 1; j < entries.size (); j++)
          if (entries[i]->nbytes && entries[j]->nbytes &&
              entries[i]->data < entries[j]->data + entries[j]->nbytes &&
              entries[j]->data < entries[i]->data + entries[i]->nbytes)
            abort ();
    }

  /* The JSON reader on the raw bytes too (config.json, tokenizer_config.json). */
  attn_json::Value v, again;
  std::string error;

  if (attn_json::parse ((const char *)data, size, v, error))
    {
      std::string text = attn_json::write (v);

      if (!attn_json::parse (text.data (), text.size (), again, error) ||
          attn_json::write (again) != text)
        abort ();
    }
  else if (error.empty ())
    abort ();
  return 0;
}
