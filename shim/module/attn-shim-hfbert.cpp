/* attn-shim-hfbert.cpp: see attn-shim-hfbert.h. The model is the app's BERT
 * (Hugging Face's BertForMaskedLM in eval mode), whose TorchScript source
 * attention_bert_script.py holds: the build embeds it, and the bundles that
 * tools/attention_bert.py writes are the same source with the same
 * attributes, so a folder and the bundle converted from it run the same
 * code (tests/unit/test-hf-folder.c checks 1e-5). */

#include "attn-shim-hfbert.h"

#include "attn-shim-bert-script.h"

#include "attn-shim-families.h"
#include "attn-shim-i18n.h"
#include "attn-shim-json.h"
#include "attn-shim-safetensors.h"
#include "attn-shim-torchbin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

namespace
{

using attn_json::Type;
using attn_json::Value;

/* HF adds (1 - mask) * finfo(float32).min (attention_bert.py's _MASK_MIN). */
const double mask_min = -3.4028234663852886e38;

/* The roles of the special tokens, under BERT's names (the keys of the
 * bundle config's special_token_ids), and each family's spelling of them
 * (the keys of special_tokens). */
const char *const special_tokens[] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
const char *const bpe_special_tokens[] = { "<pad>", "<unk>", "<s>", "</s>", "<mask>" };
const char *const albert_special_tokens[] = { "<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]" };

[[noreturn]] void
fail (const std::string &message)
{
  throw std::runtime_error (message);
}

std::string
join (const std::string &dir, const char *name)
{
  return dir + "/" + name;
}

/* Reads a small text file whole. Returns false if it does not exist; throws
 * if it exists but cannot be read or is larger than limit. */
bool
read_file (const std::string &dir, const char *name, size_t limit, std::string &out)
{
  std::string path = join (dir, name);
  struct stat st;
  int fd = open (path.c_str (), O_RDONLY | O_CLOEXEC | O_NONBLOCK);

  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return false;
      fail (attn_format (_ ("cannot read %s: %s"), name, strerror (saved)));
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      fail (attn_format (_ ("%s is not a regular file"), name));
    }
  if ((uint64_t)st.st_size > limit)
    {
      close (fd);
      fail (attn_format (_ ("%s is too large (%llu bytes)"), name, (unsigned long long)st.st_size));
    }
  out.resize ((size_t)st.st_size);
  size_t done = 0;
  while (done < out.size ())
    {
      ssize_t n = read (fd, &out[done], out.size () - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;

          close (fd);
          fail (attn_format (_ ("cannot read %s: %s"), name, strerror (saved)));
        }
      done += (size_t)n;
    }
  close (fd);
  return true;
}

Value
read_json (const std::string &dir, const char *name, bool required)
{
  std::string text, error;
  Value v;

  if (!read_file (dir, name, 4u * 1024 * 1024, text))
    {
      if (required)
        fail (
            attn_format (_ ("the folder has no %s: it is not a Hugging Face model folder"), name));
      return v;
    }
  if (!attn_json::parse (text.data (), text.size (), v, error))
    fail (attn_format (_ ("%s is not valid JSON (%s)"), name, error.c_str ()));
  if (v.type != Type::Object)
    fail (attn_format (_ ("%s is not a JSON object"), name));
  return v;
}

/* The config's architecture as a user would name it: "roberta
 * (RobertaForMaskedLM)". */
std::string
architecture_name (const Value &config)
{
  const Value *type = config.get ("model_type");
  const Value *archs = config.get ("architectures");
  std::string out;

  if (type != nullptr && type->type == Type::String)
    out = "“" + type->string + "”";
  if (archs != nullptr && archs->type == Type::Array)
    {
      std::string list;

      for (const Value &a : archs->array)
        if (a.type == Type::String)
          list += (list.empty () ? "" : ", ") + a.string;
      if (!list.empty ())
        out += out.empty () ? list : " (" + list + ")";
    }
  return out;
}

/* The family config.json describes, or a clear refusal naming what the
 * folder holds instead. Configs of the google/bert_uncased_L-*_H-*_A-*
 * minis have neither model_type nor architectures: BERT. */
attn_family::Family
check_architecture (const Value &config)
{
  attn_family::Family family = attn_family::of_config (config);

  if (family == attn_family::Family::Unknown)
    fail (attn_format (_ ("the folder holds a %s model: only BERT, DistilBERT, RoBERTa, "
                          "XLM-RoBERTa, ALBERT and ELECTRA models can be opened"),
                       architecture_name (config).c_str ()));
  if (family != attn_family::Family::Bert && family != attn_family::Family::Electra &&
      family != attn_family::Family::Albert)
    return family;

  const Value *position = config.get ("position_embedding_type");
  if (position != nullptr && position->type == Type::String && position->string != "absolute")
    fail (attn_format (_ ("config.json: position_embedding_type “%s” is not supported "
                          "(only “absolute”)"),
                       position->string.c_str ()));
  const Value *decoder = config.get ("is_decoder");
  const Value *cross = config.get ("add_cross_attention");
  if ((decoder != nullptr && decoder->type == Type::Bool && decoder->boolean) ||
      (cross != nullptr && cross->type == Type::Bool && cross->boolean))
    fail (_ ("config.json: a decoder BERT (is_decoder, add_cross_attention) is not supported"));
  return family;
}

/* The tokenizer files must be the family's too: a folder put together from
 * two models gets a message naming both. */
void
check_tokenizer (const std::string &dir,
                 const Value &tokenizer,
                 const Value &config,
                 attn_family::Family family)
{
  const Value *cls = tokenizer.get ("tokenizer_class");
  bool bpe = attn_family::uses_bpe (family);
  struct stat st;

  if (attn_family::uses_sentencepiece (family))
    {
      const char *model = attn_family::sentencepiece_file (family);
      const char *own = family == attn_family::Family::Albert ? "Albert" : "XLMRoberta";

      if (cls != nullptr && cls->type == Type::String &&
          cls->string.compare (0, strlen (own), own) != 0)
        fail (attn_format (_ ("tokenizer_config.json names the tokenizer %s, but config.json "
                              "is for %s (%s): the folder mixes two models"),
                           cls->string.c_str (), attn_family::display_name (family),
                           architecture_name (config).c_str ()));
      if (stat (join (dir, model).c_str (), &st) == 0)
        return;
      if (stat (join (dir, "vocab.txt").c_str (), &st) == 0 ||
          stat (join (dir, "vocab.json").c_str (), &st) == 0 ||
          stat (join (dir, "sentencepiece.bpe.model").c_str (), &st) == 0 ||
          stat (join (dir, "spiece.model").c_str (), &st) == 0)
        fail (attn_format (
            _ ("the folder has %s but no %s, while config.json is for %s (%s): the "
               "folder mixes two models"),
            stat (join (dir, "vocab.txt").c_str (), &st) == 0 ? "vocab.txt (a BERT WordPiece "
                                                                "vocabulary)"
            : stat (join (dir, "vocab.json").c_str (), &st) == 0
                ? "vocab.json (a byte-level BPE vocabulary)"
            : stat (join (dir, "spiece.model").c_str (), &st) == 0
                ? "spiece.model (an ALBERT SentencePiece model)"
                : "sentencepiece.bpe.model (an XLM-RoBERTa SentencePiece model)",
            model, attn_family::display_name (family), architecture_name (config).c_str ()));
      fail (attn_format (_ ("the folder has no %s (the SentencePiece tokenizer %s models use)"),
                         model, attn_family::display_name (family)));
    }

  if (cls != nullptr && cls->type == Type::String &&
      (bpe ? cls->string.compare (0, 7, "Roberta") != 0
           : cls->string.compare (0, 4, "Bert") != 0 &&
                 cls->string.compare (0, 10, "DistilBert") != 0 &&
                 cls->string.compare (0, 7, "Electra") != 0))
    fail (attn_format (_ ("tokenizer_config.json names the tokenizer %s, but config.json "
                          "is for %s (%s): the folder mixes two models"),
                       cls->string.c_str (), attn_family::display_name (family),
                       architecture_name (config).c_str ()));
  if (!bpe && stat (join (dir, "vocab.txt").c_str (), &st) != 0 &&
      stat (join (dir, "merges.txt").c_str (), &st) == 0)
    fail (attn_format (_ ("the folder has a byte-level BPE tokenizer (vocab.json, merges.txt) "
                          "but no vocab.txt, while config.json is for %s (%s)"),
                       attn_family::display_name (family), architecture_name (config).c_str ()));
  /* Another family's SentencePiece model where this one's files belong. */
  const char *other = stat (join (dir, "spiece.model").c_str (), &st) == 0
                          ? "spiece.model (an ALBERT SentencePiece model)"
                      : stat (join (dir, "sentencepiece.bpe.model").c_str (), &st) == 0
                          ? "sentencepiece.bpe.model (an XLM-RoBERTa SentencePiece model)"
                          : nullptr;
  if (!bpe && other != nullptr && stat (join (dir, "vocab.txt").c_str (), &st) != 0)
    fail (attn_format (_ ("the folder has %s but no %s, while config.json is for %s (%s): the "
                          "folder mixes two models"),
                       other, "vocab.txt", attn_family::display_name (family),
                       architecture_name (config).c_str ()));
  if (bpe && (stat (join (dir, "vocab.json").c_str (), &st) != 0 ||
              stat (join (dir, "merges.txt").c_str (), &st) != 0))
    {
      if (stat (join (dir, "vocab.txt").c_str (), &st) == 0)
        fail (attn_format (_ ("the folder has a BERT WordPiece vocabulary (vocab.txt) but no "
                              "vocab.json and merges.txt, while config.json is for %s (%s): the "
                              "folder mixes two models"),
                           attn_family::display_name (family),
                           architecture_name (config).c_str ()));
      if (other != nullptr)
        fail (attn_format (_ ("the folder has %s but no %s, while config.json is for %s (%s): the "
                              "folder mixes two models"),
                           other, "vocab.json and merges.txt", attn_family::display_name (family),
                           architecture_name (config).c_str ()));
      fail (attn_format (_ ("the folder has no vocab.json and merges.txt (the byte-level BPE "
                            "tokenizer %s models use)"),
                         attn_family::display_name (family)));
    }
}

/* vocab.json ({"token": id, …}) as vocab.txt's layout: the tokens in id
 * order, one a line, so that the app reads every family's vocabulary alike.
 * The ids must be 0…n-1, each once. */
std::string
vocab_json_lines (const std::string &text, size_t &n_tokens)
{
  std::string error;
  Value v;
  std::vector<const std::string *> by_id;
  std::string out;

  if (!attn_json::parse (text.data (), text.size (), v, error) || v.type != Type::Object)
    fail (attn_format (_ ("vocab.json is not a JSON object of token ids (%s)"),
                       error.empty () ? "?" : error.c_str ()));
  by_id.assign (v.object.size (), nullptr);
  for (const auto &m : v.object)
    {
      const Value &id = m.second;

      if (id.type != Type::Number || !id.is_integer || id.integer < 0 ||
          id.integer >= (int64_t)by_id.size () || by_id[(size_t)id.integer] != nullptr ||
          m.first.find_first_of ("\r\n") != std::string::npos)
        fail (attn_format (_ ("vocab.json: the ids must be 0 to %zu, each once, and no token "
                              "may hold a line break"),
                           by_id.size () - 1));
      by_id[(size_t)id.integer] = &m.first;
    }
  for (const std::string *token : by_id)
    out += *token + "\n";
  n_tokens = by_id.size ();
  return out;
}

/* config.json with BertConfig's defaults filled in (as attention_bert.py's
 * config_from_dict). */
struct Config
{
  int64_t vocab_size, hidden_size, num_layers, num_heads, intermediate_size;
  int64_t max_positions, type_vocab_size, pad_token_id;
  double layer_norm_eps;
  std::string hidden_act;
  bool tie_word_embeddings;
};

void
set_default (Value &config, const char *key, const Value &v)
{
  const Value *have = config.get (key);

  if (have == nullptr || have->is_null ())
    {
      for (auto &m : config.object)
        if (m.first == key)
          {
            m.second = v;
            return;
          }
      config.object.emplace_back (key, v);
    }
}

void
set_member (Value &object, const char *key, const Value &v)
{
  for (auto &m : object.object)
    if (m.first == key)
      m.second = v;
  if (object.get (key) == nullptr)
    object.object.emplace_back (key, v);
}

int64_t
positive (const Value &config, const char *key, int64_t max)
{
  const Value *v = config.get (key);

  if (v == nullptr || v->type != Type::Number || !v->is_integer || v->integer <= 0 ||
      v->integer > max)
    fail (attn_format (_ ("config.json: “%s” must be a whole number from 1 to %lld"), key,
                       (long long)max));
  return v->integer;
}

Config
read_config (Value &config)
{
  Config c;
  Value act;
  Value eps;

  set_default (config, "model_type", attn_json::make_string ("bert"));
  set_default (config, "vocab_size", attn_json::make_int (30522));
  set_default (config, "hidden_size", attn_json::make_int (768));
  set_default (config, "num_hidden_layers", attn_json::make_int (12));
  set_default (config, "num_attention_heads", attn_json::make_int (12));
  set_default (config, "hidden_act", attn_json::make_string ("gelu"));
  set_default (config, "max_position_embeddings", attn_json::make_int (512));
  set_default (config, "type_vocab_size", attn_json::make_int (2));
  set_default (config, "pad_token_id", attn_json::make_int (0));
  eps.type = Type::Number;
  eps.number = 1e-12;
  set_default (config, "layer_norm_eps", eps);

  c.vocab_size = positive (config, "vocab_size", 1 << 24);
  c.hidden_size = positive (config, "hidden_size", 1 << 16);
  c.num_layers = positive (config, "num_hidden_layers", 1024);
  c.num_heads = positive (config, "num_attention_heads", 1024);
  set_default (config, "intermediate_size", attn_json::make_int (4 * c.hidden_size));
  c.intermediate_size = positive (config, "intermediate_size", 1 << 18);
  c.max_positions = positive (config, "max_position_embeddings", 1 << 20);
  c.type_vocab_size = positive (config, "type_vocab_size", 1 << 16);
  if (c.hidden_size % c.num_heads != 0)
    fail (attn_format (_ ("config.json: hidden_size %lld is not a multiple of "
                          "num_attention_heads %lld"),
                       (long long)c.hidden_size, (long long)c.num_heads));

  const Value *pad = config.get ("pad_token_id");
  if (pad->type != Type::Number || !pad->is_integer || pad->integer < 0 ||
      pad->integer >= c.vocab_size)
    fail (_ ("config.json: “pad_token_id” is not a token id"));
  c.pad_token_id = pad->integer;

  const Value *e = config.get ("layer_norm_eps");
  if (e->type != Type::Number || !(e->number > 0) || e->number > 1)
    fail (_ ("config.json: “layer_norm_eps” must be a small positive number"));
  c.layer_norm_eps = e->number;

  const Value *a = config.get ("hidden_act");
  if (a->type != Type::String ||
      (a->string != "gelu" && a->string != "gelu_new" && a->string != "gelu_pytorch_tanh" &&
       a->string != "gelu_fast" && a->string != "relu"))
    fail (attn_format (_ ("config.json: the activation “%s” is not supported (gelu, gelu_new, "
                          "gelu_pytorch_tanh, gelu_fast, relu)"),
                       a->type == Type::String ? a->string.c_str () : "?"));
  c.hidden_act = a->string;

  const Value *tie = config.get ("tie_word_embeddings");
  c.tie_word_embeddings = tie == nullptr || tie->type != Type::Bool || tie->boolean;
  return c;
}

/* vocab.txt's tokens, as HF's load_vocab reads them (one a line, id = line). */
std::vector<std::string>
vocab_tokens (const std::string &text)
{
  std::vector<std::string> tokens;
  size_t start = 0;

  while (start < text.size ())
    {
      size_t end = text.find ('\n', start);
      std::string line =
          text.substr (start, end == std::string::npos ? std::string::npos : end - start);

      if (!line.empty () && line.back () == '\r')
        line.pop_back ();
      tokens.push_back (std::move (line));
      if (end == std::string::npos)
        break;
      start = end + 1;
    }
  return tokens;
}

bool
contains_word (std::string haystack, const char *word)
{
  std::transform (haystack.begin (), haystack.end (), haystack.begin (),
                  [] (unsigned char c) { return (char)tolower (c); });
  return haystack.find (word) != std::string::npos;
}

/* do_lower_case as tools/attention_convert.py decides it: tokenizer_config.json,
 * then the config, then the model's name ("uncased"/"cased"), then whether
 * the vocabulary has capitals outside its [SPECIAL] tokens. */
bool
lower_case (const Value &tokenizer,
            const Value &config,
            const std::string &name,
            const std::vector<std::string> &tokens)
{
  const Value *v = tokenizer.get ("do_lower_case");

  if (v != nullptr && v->type == Type::Bool)
    return v->boolean;
  v = config.get ("do_lower_case");
  if (v != nullptr && v->type == Type::Bool)
    return v->boolean;
  if (contains_word (name, "uncased"))
    return true;
  if (contains_word (name, "cased"))
    return false;
  for (const std::string &t : tokens)
    {
      if (t.size () >= 2 && t.front () == '[' && t.back () == ']')
        continue;
      for (char c : t)
        if (c >= 'A' && c <= 'Z')
          return false;
    }
  return true;
}

std::string
shape_text (const std::vector<int64_t> &shape)
{
  std::string text;

  for (int64_t d : shape)
    text += (text.empty () ? "" : ", ") + std::to_string (d);
  return text;
}

/* The weights of model.safetensors (mapped) or of pytorch_model.bin (read
 * as data), under BertForMaskedLM's names. */
struct Weights
{
  const char *file = "model.safetensors";
  attn_st::File st;
  std::map<std::string, at::Tensor> bin;
  std::map<std::string, std::string> names; /* BertForMaskedLM name -> stored name */

  /* The tensor called name, of exactly this shape, as float32: the mapped
   * bytes themselves when they are float32 and aligned, else converted. */
  at::Tensor get (const std::string &name, std::vector<int64_t> shape) const
  {
    auto found = names.find (name);
    std::vector<int64_t> have;
    std::string dtype;
    c10::ScalarType type;
    at::Tensor t;

    if (found == names.end ())
      fail (attn_format (_ ("%s has no tensor %s"), file, name.c_str ()));
    if (bin.empty ())
      {
        const attn_st::Entry &e = st.entries.at (found->second);

        have = e.shape;
        dtype = e.dtype;
        type = dtype == "F32"    ? at::kFloat
               : dtype == "F16"  ? at::kHalf
               : dtype == "BF16" ? at::kBFloat16
               : dtype == "F64"  ? at::kDouble
                                 : at::kLong;
      }
    else
      {
        t = bin.at (found->second);
        have = t.sizes ().vec ();
        type = t.scalar_type ();
        dtype = c10::toString (type);
      }
    if (have != shape)
      fail (attn_format (_ ("tensor %s has the shape [%s], but config.json implies [%s]"),
                         name.c_str (), shape_text (have).c_str (), shape_text (shape).c_str ()));
    if (type != at::kFloat && type != at::kHalf && type != at::kBFloat16 && type != at::kDouble)
      fail (attn_format (_ ("tensor %s has the dtype %s; the weights must be F32, F16 or BF16"),
                         name.c_str (), dtype.c_str ()));
    if (bin.empty ())
      {
        const attn_st::Entry &e = st.entries.at (found->second);
        /* Each tensor holds the mapping: it is unmapped with the last of them. */
        std::shared_ptr<attn_st::Mapping> keep = st.mapping;

        t = torch::from_blob ((void *)e.data, shape, [keep] (void *) {}, at::TensorOptions (type));
      }
    /* Kernels may assume element alignment; a file with an odd header
     * length gets its tensors copied instead, and so does a strided view. */
    if (type != at::kFloat || ((uintptr_t)t.data_ptr () % alignof (float)) != 0 ||
        !t.is_contiguous ())
      t = t.to (at::kFloat, false, true).contiguous ();
    return t;
  }

  bool has (const std::string &name) const
  {
    return names.count (name) != 0;
  }
};

std::string
folder_name (const std::string &dir, const Value &config)
{
  const Value *v = config.get ("_name_or_path");
  size_t slash;

  /* The hub id a config was saved from ("bert-base-uncased"), not a path
   * on someone's machine. */
  if (v != nullptr && v->type == Type::String && !v->string.empty () && v->string[0] != '/' &&
      v->string[0] != '.' && v->string.size () < 200)
    return v->string;
  slash = dir.find_last_of ('/');
  return slash == std::string::npos ? dir : dir.substr (slash + 1);
}

std::string
absolute_dir (const char *path)
{
  char real[PATH_MAX];
  std::string dir = realpath (path, real) != NULL ? std::string (real) : std::string (path);

  while (dir.size () > 1 && dir.back () == '/')
    dir.pop_back ();
  return dir;
}

} /* namespace */

bool
attn_shim_hf_is_folder (const char *path)
{
  struct stat st;

  return path != NULL && stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

torch::jit::Module
attn_shim_hf_load (const char *path, torch::jit::ExtraFilesMap &extra)
{
  std::string dir = absolute_dir (path);
  Value config = read_json (dir, "config.json", true);
  Value tokenizer = read_json (dir, "tokenizer_config.json", false);
  std::string vocab_text;
  std::vector<std::string> tokens;
  std::string problem;
  attn_family::Family family;
  std::string arch;
  Weights w;
  Config c;
  bool has_head;
  bool bpe, spm;
  Value specials, spellings;
  std::string name, merges_text, extra_spm;
  int64_t offset;

  /* Before the defaults fill in model_type: the config as the user wrote it. */
  arch = architecture_name (config);
  family = check_architecture (config);
  check_tokenizer (dir, tokenizer, config, family);
  attn_family::normalize_config (family, config);
  c = read_config (config);

  bpe = attn_family::uses_bpe (family);
  spm = attn_family::uses_sentencepiece (family);
  if (spm)
    {
      /* Its pieces are the vocabulary: the tokenizer (src/tokenizer, on
       * libsentencepiece) reads them; xlm-roberta-base's is 5 MB. */
      const char *model = attn_family::sentencepiece_file (family);

      if (!read_file (dir, model, 64u * 1024 * 1024, extra_spm))
        fail (attn_format (_ ("the folder has no %s"), model));
      if (extra_spm.empty ())
        fail (attn_format (_ ("%s is empty"), model));
    }
  else if (bpe)
    {
      /* roberta-base's vocab.json is 0.9 MB, merges.txt 0.5 MB. */
      std::string json_text;
      size_t n_tokens = 0;

      if (!read_file (dir, "vocab.json", 64u * 1024 * 1024, json_text))
        fail (_ ("the folder has no vocab.json"));
      if (!read_file (dir, "merges.txt", 64u * 1024 * 1024, merges_text))
        fail (_ ("the folder has no merges.txt"));
      if (merges_text.empty ())
        fail (_ ("merges.txt is empty"));
      vocab_text = vocab_json_lines (json_text, n_tokens);
    }
  /* vocab.txt: bert-base-multilingual-cased's is 1 MB; 64 MB is no BERT's. */
  else if (!read_file (dir, "vocab.txt", 64u * 1024 * 1024, vocab_text))
    fail (_ ("the folder has no vocab.txt (a BERT WordPiece vocabulary)"));
  const char *vocab_file = bpe ? "vocab.json" : "vocab.txt";
  if (!spm)
    tokens = vocab_tokens (vocab_text);
  if (bpe && !tokens.empty () && tokens.back ().empty ())
    tokens.pop_back ();
  if (tokens.size () > (size_t)c.vocab_size)
    fail (attn_format (_ ("%s has %zu tokens but config.json says vocab_size %lld"), vocab_file,
                       tokens.size (), (long long)c.vocab_size));
  specials.type = Type::Object;
  spellings.type = Type::Object;
  for (size_t k = 0; k < std::size (special_tokens) && spm; k++)
    {
      /* fairseq's ids, as XLMRobertaTokenizer gives them: <pad> 1, <unk>
       * 3, <s> 0, </s> 2, and <mask> the last. An ALBERT's are the model's
       * own pieces, which the program looks up by their spelling (the
       * shim does not read the model): written here as albert-base-v2's. */
      const int64_t fairseq[] = { 1, 3, 0, 2, c.vocab_size - 1 };
      const int64_t albert[] = { 0, 1, 2, 3, 4 };
      bool own = family == attn_family::Family::Albert;

      specials.object.emplace_back (
          special_tokens[k],
          attn_json::make_int (own ? std::min (albert[k], c.vocab_size - 1) : fairseq[k]));
      spellings.object.emplace_back (
          special_tokens[k],
          attn_json::make_string (own ? albert_special_tokens[k] : bpe_special_tokens[k]));
    }
  for (size_t k = 0; k < std::size (special_tokens) && !spm; k++)
    {
      const char *special = bpe ? bpe_special_tokens[k] : special_tokens[k];
      auto at = std::find (tokens.begin (), tokens.end (), std::string (special));

      if (at == tokens.end ())
        fail (attn_format (_ ("%s has no %s token"), vocab_file, special));
      specials.object.emplace_back (special_tokens[k], attn_json::make_int (at - tokens.begin ()));
      spellings.object.emplace_back (special_tokens[k], attn_json::make_string (special));
    }

  {
    struct stat st;
    std::vector<std::string> stored;

    /* Hugging Face prefers model.safetensors when both are there. */
    if (stat (join (dir, "model.safetensors").c_str (), &st) != 0 &&
        stat (join (dir, "pytorch_model.bin").c_str (), &st) == 0)
      {
        w.file = "pytorch_model.bin";
        problem = attn_bin::open (join (dir, "pytorch_model.bin"), w.bin);
        if (problem.empty () && w.bin.empty ())
          problem = _ ("pytorch_model.bin holds no tensors");
        if (!problem.empty ())
          fail (problem);
        for (const auto &e : w.bin)
          stored.push_back (e.first);
      }
    else
      {
        if (stat (join (dir, "model.safetensors").c_str (), &st) != 0 &&
            stat (join (dir, "model.safetensors.index.json").c_str (), &st) == 0)
          fail (_ ("the folder holds a sharded checkpoint (model.safetensors.index.json), "
                   "which is not supported"));
        problem = attn_st::open (join (dir, "model.safetensors"), w.st);
        if (!problem.empty ())
          fail (problem);
        for (const auto &e : w.st.entries)
          stored.push_back (e.first);
      }
    {
      std::string held;
      attn_family::Family weights_family = attn_family::of_weights (stored, held);

      /* XLM-RoBERTa's checkpoints are RoBERTa's (roberta.*, lm_head.*). */
      if (weights_family != family && !held.empty () &&
          !(family == attn_family::Family::XlmRoberta &&
            weights_family == attn_family::Family::Roberta))
        fail (attn_format (_ ("config.json is for %s (%s), but %s holds %s weights: "
                              "the folder mixes two models"),
                           attn_family::display_name (family), arch.c_str (), w.file,
                           held.c_str ()));
    }
    w.names = attn_family::bert_names (family, stored, config);
  }

  const int64_t h = c.hidden_size, v = c.vocab_size, inner = c.intermediate_size;
  /* ELECTRA's embeddings may be narrower than its layers (embedding_size);
   * ElectraModel has embeddings_project only when they differ. */
  const int64_t e =
      attn_family::has_embedding_size (family) ? positive (config, "embedding_size", 1 << 16) : h;
  /* Weights are attributes (per-layer ones in lists), in the order and under
   * the names attention_bert.py's script_module gives them. */
  torch::jit::Module m (c10::QualifiedName ("__torch__.attention.Bert"));
  c10::List<at::Tensor> lists[16];
  static const char *const list_names[16] = {
    "query_weight",
    "query_bias",
    "key_weight",
    "key_bias",
    "value_weight",
    "value_bias",
    "attention_output_weight",
    "attention_output_bias",
    "attention_ln_weight",
    "attention_ln_bias",
    "intermediate_weight",
    "intermediate_bias",
    "output_weight",
    "output_bias",
    "output_ln_weight",
    "output_ln_bias",
  };

  m.register_attribute ("word_embeddings", c10::TensorType::get (),
                        w.get ("bert.embeddings.word_embeddings.weight", { v, e }));
  /* RoBERTa's first token takes the row after padding_idx: the rows before
   * it are dropped, so that the source's positions 0, 1, … read the rows
   * Hugging Face's do (for every token that is not padding), and the model
   * reads that many tokens fewer. */
  offset = attn_family::position_offset (family, c.pad_token_id);
  if (offset >= c.max_positions)
    fail (attn_format (_ ("config.json: max_position_embeddings %lld leaves no position after "
                          "the padding token's %lld"),
                       (long long)c.max_positions, (long long)offset - 1));
  m.register_attribute ("position_embeddings", c10::TensorType::get (),
                        w.get ("bert.embeddings.position_embeddings.weight", { c.max_positions, e })
                            .narrow (0, offset, c.max_positions - offset));
  /* DistilBERT has no token types: one all-zero type adds nothing. */
  m.register_attribute (
      "token_type_embeddings", c10::TensorType::get (),
      attn_family::has_token_types (family)
          ? w.get ("bert.embeddings.token_type_embeddings.weight", { c.type_vocab_size, e })
          : torch::zeros ({ 1, e }));
  m.register_attribute ("embeddings_ln_weight", c10::TensorType::get (),
                        w.get ("bert.embeddings.LayerNorm.weight", { e }));
  m.register_attribute ("embeddings_ln_bias", c10::TensorType::get (),
                        w.get ("bert.embeddings.LayerNorm.bias", { e }));
  if (family == attn_family::Family::Albert)
    {
      /* Groups beyond the config's would be left out silently. */
      int64_t groups = positive (config, "num_hidden_groups", c.num_layers);

      positive (config, "inner_group_num", c.num_layers);
      if (w.st.entries.count ("albert.encoder.albert_layer_groups." + std::to_string (groups) +
                              ".albert_layers.0.ffn.weight") != 0 ||
          w.bin.count ("albert.encoder.albert_layer_groups." + std::to_string (groups) +
                       ".albert_layers.0.ffn.weight") != 0)
        fail (attn_format (_ ("%s has more layer groups than the %lld of config.json"), w.file,
                           (long long)groups));
    }
  if (e != h || attn_family::always_projects (family))
    {
      m.register_attribute ("project_weight", c10::TensorType::get (),
                            w.get ("bert.embeddings_project.weight", { h, e }));
      m.register_attribute ("project_bias", c10::TensorType::get (),
                            w.get ("bert.embeddings_project.bias", { h }));
    }

  for (int64_t l = 0; l < c.num_layers; l++)
    {
      std::string p = "bert.encoder.layer." + std::to_string (l) + ".";
      const struct
      {
        const char *name;
        std::vector<int64_t> shape;
      } parts[16] = {
        { "attention.self.query.weight", { h, h } },
        { "attention.self.query.bias", { h } },
        { "attention.self.key.weight", { h, h } },
        { "attention.self.key.bias", { h } },
        { "attention.self.value.weight", { h, h } },
        { "attention.self.value.bias", { h } },
        { "attention.output.dense.weight", { h, h } },
        { "attention.output.dense.bias", { h } },
        { "attention.output.LayerNorm.weight", { h } },
        { "attention.output.LayerNorm.bias", { h } },
        { "intermediate.dense.weight", { inner, h } },
        { "intermediate.dense.bias", { inner } },
        { "output.dense.weight", { h, inner } },
        { "output.dense.bias", { h } },
        { "output.LayerNorm.weight", { h } },
        { "output.LayerNorm.bias", { h } },
      };

      for (int k = 0; k < 16; k++)
        lists[k].push_back (w.get (p + parts[k].name, parts[k].shape));
    }
  if (w.has ("bert.encoder.layer." + std::to_string (c.num_layers) +
             ".attention.self.query.weight"))
    fail (attn_format (_ ("%s has more layers than the %lld of config.json"), w.file,
                       (long long)c.num_layers));
  for (int k = 0; k < 16; k++)
    m.register_attribute (list_names[k], c10::ListType::ofTensors (), lists[k]);

  /* A bare BertModel (or a classifier) has no masked-LM head: as the
   * converter does, a zero head, so every logit is 0 and has_mlm_head says so. */
  has_head = false;
  for (const auto &n : w.names)
    has_head = has_head || n.first.compare (0, 16, "cls.predictions.") == 0;
  if (has_head)
    {
      /* A head saved without its bias gets a zero one, as Hugging Face's
       * loading leaves it. */
      const char *bias = w.has ("cls.predictions.bias")           ? "cls.predictions.bias"
                         : w.has ("cls.predictions.decoder.bias") ? "cls.predictions.decoder.bias"
                                                                  : nullptr;

      m.register_attribute ("transform_weight", c10::TensorType::get (),
                            w.get ("cls.predictions.transform.dense.weight", { e, h }));
      m.register_attribute ("transform_bias", c10::TensorType::get (),
                            w.get ("cls.predictions.transform.dense.bias", { e }));
      m.register_attribute ("transform_ln_weight", c10::TensorType::get (),
                            w.get ("cls.predictions.transform.LayerNorm.weight", { e }));
      m.register_attribute ("transform_ln_bias", c10::TensorType::get (),
                            w.get ("cls.predictions.transform.LayerNorm.bias", { e }));
      m.register_attribute ("decoder_bias", c10::TensorType::get (),
                            bias != nullptr ? w.get (bias, { v }) : torch::zeros ({ v }));
    }
  else
    {
      m.register_attribute ("transform_weight", c10::TensorType::get (), torch::zeros ({ e, h }));
      m.register_attribute ("transform_bias", c10::TensorType::get (), torch::zeros ({ e }));
      m.register_attribute ("transform_ln_weight", c10::TensorType::get (), torch::ones ({ e }));
      m.register_attribute ("transform_ln_bias", c10::TensorType::get (), torch::zeros ({ e }));
      m.register_attribute ("decoder_bias", c10::TensorType::get (), torch::zeros ({ v }));
    }
  /* Tied, as BertForMaskedLM ties them on loading whatever the file holds,
   * unless the config unties them. */
  if (has_head && !c.tie_word_embeddings && w.has ("cls.predictions.decoder.weight"))
    m.register_attribute ("decoder_weight", c10::TensorType::get (),
                          w.get ("cls.predictions.decoder.weight", { v, e }));
  else
    m.register_attribute ("decoder_weight", c10::TensorType::get (),
                          m.attr ("word_embeddings").toTensor ());

  m.register_attribute ("num_layers", c10::IntType::get (), c.num_layers);
  m.register_attribute ("num_heads", c10::IntType::get (), c.num_heads);
  m.register_attribute ("head_size", c10::IntType::get (), h / c.num_heads);
  m.register_attribute ("hidden_size", c10::IntType::get (), h);
  m.register_attribute ("pad_token_id", c10::IntType::get (), c.pad_token_id);
  m.register_attribute ("eps", c10::FloatType::get (), c.layer_norm_eps);
  /* math.sqrt(head_size) in attention_bert.py: the same double. */
  m.register_attribute ("scale", c10::FloatType::get (), std::sqrt ((double)(h / c.num_heads)));
  m.register_attribute ("mask_min", c10::FloatType::get (), mask_min);
  m.register_attribute ("act", c10::IntType::get (),
                        (int64_t)(c.hidden_act == "gelu"   ? 0
                                  : c.hidden_act == "relu" ? 2
                                                           : 1));
  /* Only ELECTRA's generator head has an activation of its own: erf GELU. */
  if (attn_family::head_activation (family) != nullptr)
    m.register_attribute ("head_act", c10::IntType::get (), (int64_t)0);
  m.define (attn_shim_bert_script);
  m.eval ();

  /* The bundle-style config.json the rest of the app reads. */
  name = folder_name (dir, config);
  /* Byte-level BPE reads the text as it is. */
  bool lower =
      !bpe && !spm &&
      lower_case (tokenizer, config, name + " " + dir.substr (dir.find_last_of ('/') + 1), tokens);
  set_member (config, "format", attn_json::make_string ("attention-bundle-1"));
  set_member (config, "name", attn_json::make_string (name));
  set_member (config, "description",
              attn_json::make_string (attn_format (_ ("A Hugging Face %s folder: its weights are "
                                                      "read as data, nothing in it runs."),
                                                   attn_family::display_name (family))));
  set_member (config, "source", attn_json::make_string (dir));
  if (family == attn_family::Family::Albert)
    {
      /* AlbertTokenizer's preprocess_text, with its defaults: the text's
       * white space collapsed (remove_space), accents dropped (keep_accents
       * false), lowercased (do_lower_case). */
      const struct
      {
        const char *key;
        bool fallback;
      } switches[] = { { "do_lower_case", true },
                       { "remove_space", true },
                       { "keep_accents", false } };

      for (const auto &sw : switches)
        {
          const Value *value = tokenizer.get (sw.key);

          set_member (config, sw.key,
                      attn_json::make_bool (value != nullptr && value->type == Type::Bool
                                                ? value->boolean
                                                : sw.fallback));
        }
      set_member (config, "sentencepiece_ids", attn_json::make_string ("model"));
      set_member (config, "sentencepiece_preparation", attn_json::make_string ("albert"));
    }
  else
    set_member (config, "do_lower_case", attn_json::make_bool (lower));
  set_member (config, "has_mlm_head", attn_json::make_bool (has_head));
  set_member (config, "special_token_ids", specials);
  set_member (config, "special_tokens", spellings);
  set_member (config, "max_position_embeddings", attn_json::make_int (c.max_positions - offset));
  if (bpe)
    set_member (config, "tokenizer", attn_json::make_string ("bpe"));
  if (spm)
    set_member (config, "tokenizer", attn_json::make_string ("sentencepiece"));
  /* BertTokenizer's other switches; absent or null means "as HF defaults". */
  for (const char *key : { "strip_accents", "tokenize_chinese_chars" })
    {
      const Value *value = tokenizer.get (key);

      if (value != nullptr && value->type == Type::Bool)
        set_member (config, key, *value);
    }
  std::sort (config.object.begin (), config.object.end (),
             [] (const auto &a, const auto &b) { return a.first < b.first; });

  extra["vocab.txt"] = vocab_text;
  if (bpe)
    extra["merges.txt"] = merges_text;
  if (spm)
    extra["sentencepiece.model"] = extra_spm;
  extra["config.json"] = attn_json::write (config);
  return m;
}

AttnBertShape
attn_shim_hf_shape (const std::string &config_json)
{
  Value config;
  std::string error;
  AttnBertShape shape;
  Config c;

  if (!attn_json::parse (config_json.data (), config_json.size (), config, error) ||
      config.type != Type::Object)
    fail (attn_format (_ ("%s is not valid JSON (%s)"), "config.json", error.c_str ()));
  c = read_config (config);
  shape.num_layers = c.num_layers;
  shape.num_heads = c.num_heads;
  shape.hidden_size = c.hidden_size;
  shape.pad_token_id = c.pad_token_id;
  shape.type_vocab_size = c.type_vocab_size;
  shape.act = c.hidden_act == "gelu" ? 0 : c.hidden_act == "relu" ? 2 : 1;
  shape.eps = c.layer_norm_eps;
  return shape;
}

double
attn_shim_hf_mask_min (void)
{
  return mask_min;
}
