/* attn-shim-families.cpp: see attn-shim-families.h. The names are those of
 * transformers' modeling_bert.py, modeling_distilbert.py, modeling_roberta.py
 * modeling_electra.py and modeling_albert.py. */

#include "attn-shim-families.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace attn_family
{

using attn_json::Type;
using attn_json::Value;

namespace
{

bool
starts_with (const std::string &s, const char *prefix)
{
  return s.compare (0, strlen (prefix), prefix) == 0;
}

void
set_member (Value &object, const char *key, const Value &v)
{
  for (auto &m : object.object)
    if (m.first == key)
      {
        m.second = v;
        return;
      }
  object.object.emplace_back (key, v);
}

/* key's value, or fallback when it is missing or null. */
Value
value_or (const Value &config, const char *key, const Value &fallback)
{
  const Value *v = config.get (key);

  return v != nullptr && !v->is_null () ? *v : fallback;
}

/* transformers' model_type of each family, and of the families a user may
 * bring that the app does not open (named in messages). */
const struct
{
  const char *prefix;  /* of its masked-LM checkpoint's tensor names */
  const char *display; /* as a user names it */
  Family family;
} known[] = {
  { "bert.", "BERT", Family::Bert },          { "distilbert.", "DistilBERT", Family::DistilBert },
  { "roberta.", "RoBERTa", Family::Roberta }, { "albert.", "ALBERT", Family::Albert },
  { "electra.", "ELECTRA", Family::Electra }, { "deberta.", "DeBERTa", Family::Unknown },
  { "xlm.", "XLM", Family::Unknown },
};

/* DistilBERT's names in one layer (after "transformer.layer.N.") and in
 * BERT's (after "encoder.layer.N."). */
const char *const distil_layer[][2] = {
  { "attention.q_lin.", "attention.self.query." },
  { "attention.k_lin.", "attention.self.key." },
  { "attention.v_lin.", "attention.self.value." },
  { "attention.out_lin.", "attention.output.dense." },
  { "sa_layer_norm.", "attention.output.LayerNorm." },
  { "ffn.lin1.", "intermediate.dense." },
  { "ffn.lin2.", "output.dense." },
  { "output_layer_norm.", "output.LayerNorm." },
};

const char *const distil_head[][2] = {
  { "vocab_transform.", "cls.predictions.transform.dense." },
  { "vocab_layer_norm.", "cls.predictions.transform.LayerNorm." },
  { "vocab_projector.weight", "cls.predictions.decoder.weight" },
  { "vocab_projector.bias", "cls.predictions.bias" },
};

std::string
distil_name (const std::string &stored, bool prefixed)
{
  std::string name = stored;

  if (prefixed)
    {
      if (!starts_with (name, "distilbert."))
        {
          for (const auto &h : distil_head)
            if (starts_with (name, h[0]))
              return h[1] + name.substr (strlen (h[0]));
          return name;
        }
      name = name.substr (strlen ("distilbert."));
    }
  if (starts_with (name, "embeddings."))
    return "bert." + name;
  if (starts_with (name, "transformer.layer."))
    {
      size_t start = strlen ("transformer.layer.");
      size_t dot = name.find ('.', start);

      if (dot != std::string::npos)
        {
          std::string index = name.substr (start, dot - start);
          std::string rest = name.substr (dot + 1);

          for (const auto &l : distil_layer)
            if (starts_with (rest, l[0]))
              return "bert.encoder.layer." + index + "." + l[1] + rest.substr (strlen (l[0]));
          return "bert.encoder.layer." + index + "." + rest;
        }
    }
  return name;
}

/* RobertaForMaskedLM's head (after "lm_head.") under BERT's names. */
const char *const roberta_head[][2] = {
  { "dense.", "cls.predictions.transform.dense." },
  { "layer_norm.", "cls.predictions.transform.LayerNorm." },
  { "decoder.weight", "cls.predictions.decoder.weight" },
  { "decoder.bias", "cls.predictions.decoder.bias" },
  { "bias", "cls.predictions.bias" },
};

/* RoBERTa's encoder has BERT's names under "roberta." (or none, for a bare
 * RobertaModel); its head is lm_head.*. */
std::string
roberta_name (const std::string &stored)
{
  if (starts_with (stored, "roberta."))
    return "bert." + stored.substr (strlen ("roberta."));
  if (starts_with (stored, "embeddings.") || starts_with (stored, "encoder."))
    return "bert." + stored;
  if (starts_with (stored, "lm_head."))
    {
      std::string rest = stored.substr (strlen ("lm_head."));

      for (const auto &h : roberta_head)
        if (rest == h[0] || (h[0][strlen (h[0]) - 1] == '.' && starts_with (rest, h[0])))
          return h[1] + rest.substr (strlen (h[0]));
    }
  return stored;
}

/* ElectraForMaskedLM's generator head under BERT's names. */
const char *const electra_head[][2] = {
  { "generator_predictions.dense.", "cls.predictions.transform.dense." },
  { "generator_predictions.LayerNorm.", "cls.predictions.transform.LayerNorm." },
  { "generator_lm_head.weight", "cls.predictions.decoder.weight" },
  { "generator_lm_head.bias", "cls.predictions.bias" },
};

/* ELECTRA's encoder has BERT's names under "electra." (or none, for a bare
 * ElectraModel), plus embeddings_project beside embeddings. */
std::string
electra_name (const std::string &stored)
{
  if (starts_with (stored, "electra."))
    return "bert." + stored.substr (strlen ("electra."));
  if (starts_with (stored, "embeddings.") || starts_with (stored, "embeddings_project.") ||
      starts_with (stored, "encoder."))
    return "bert." + stored;
  for (const auto &h : electra_head)
    if (starts_with (stored, h[0]))
      return h[1] + stored.substr (strlen (h[0]));
  return stored;
}

/* One ALBERT layer's names (after "albert_layers.N.") and BERT's (after
 * "encoder.layer.N."). */
const char *const albert_layer[][2] = {
  { "attention.query.", "attention.self.query." },
  { "attention.key.", "attention.self.key." },
  { "attention.value.", "attention.self.value." },
  { "attention.dense.", "attention.output.dense." },
  { "attention.LayerNorm.", "attention.output.LayerNorm." },
  { "ffn.", "intermediate.dense." },
  { "ffn_output.", "output.dense." },
  { "full_layer_layer_norm.", "output.LayerNorm." },
};

/* AlbertMLMHead's names (after "predictions.") under BERT's. */
const char *const albert_head[][2] = {
  { "dense.", "cls.predictions.transform.dense." },
  { "LayerNorm.", "cls.predictions.transform.LayerNorm." },
  { "decoder.weight", "cls.predictions.decoder.weight" },
  { "decoder.bias", "cls.predictions.decoder.bias" },
  { "bias", "cls.predictions.bias" },
};

int64_t
int_or (const Value &config, const char *key, int64_t fallback)
{
  const Value *v = config.get (key);

  return v != nullptr && v->type == Type::Number && v->is_integer ? v->integer : fallback;
}

/* ALBERT's encoder has BERT's embeddings under "albert." (or none, for a
 * bare AlbertModel), embedding_hidden_mapping_in and the layer groups'
 * weights, each shared by the layers that run it: layer l (of runs =
 * num_hidden_layers × inner) is inner layer l % inner of group
 * int(i / (num_hidden_layers / groups)) with i = l / inner, as
 * AlbertTransformer.forward picks it. */
void
albert_names (const std::vector<std::string> &stored,
              const Value &config,
              std::map<std::string, std::string> &out)
{
  const int64_t inner = std::max<int64_t> (1, int_or (config, "inner_group_num", 1));
  const int64_t runs = int_or (config, "num_hidden_layers", 12);
  const int64_t layers = runs / inner;
  const int64_t groups = std::max<int64_t> (1, int_or (config, "num_hidden_groups", 1));

  for (const std::string &e : stored)
    {
      std::string name = starts_with (e, "albert.") ? e.substr (strlen ("albert.")) : e;

      if (starts_with (name, "embeddings."))
        out["bert." + name] = e;
      else if (starts_with (name, "encoder.embedding_hidden_mapping_in."))
        out["bert.embeddings_project." +
            name.substr (strlen ("encoder.embedding_hidden_mapping_in."))] = e;
      else if (starts_with (name, "predictions."))
        {
          std::string rest = name.substr (strlen ("predictions."));

          for (const auto &h : albert_head)
            if (rest == h[0] || (h[0][strlen (h[0]) - 1] == '.' && starts_with (rest, h[0])))
              {
                out[h[1] + rest.substr (strlen (h[0]))] = e;
                break;
              }
        }
      else if (starts_with (name, "encoder.albert_layer_groups."))
        {
          /* encoder.albert_layer_groups.G.albert_layers.J.REST */
          unsigned long g = 0, j = 0;
          int used = 0;

          if (sscanf (name.c_str (), "encoder.albert_layer_groups.%lu.albert_layers.%lu.%n", &g, &j,
                      &used) != 2 ||
              used == 0)
            continue;
          std::string rest = name.substr ((size_t)used);

          for (const auto &l : albert_layer)
            if (starts_with (rest, l[0]))
              {
                std::string bert_rest = l[1] + rest.substr (strlen (l[0]));

                for (int64_t run = 0; run < runs; run++)
                  {
                    int64_t i = run / inner;
                    auto group = (int64_t)((double)i / ((double)layers / (double)groups));

                    if ((unsigned long)group == g && (unsigned long)(run % inner) == j)
                      out["bert.encoder.layer." + std::to_string (run) + "." + bert_rest] = e;
                  }
                break;
              }
        }
    }
}

/* BERT's names: old checkpoints say gamma/beta for LayerNorm, bare BertModel
 * ones have no "bert." prefix. */
std::map<std::string, std::string>
bert_own_names (const std::vector<std::string> &stored)
{
  std::map<std::string, std::string> out;
  bool has_prefix = false, bare = false;

  for (const std::string &e : stored)
    {
      has_prefix = has_prefix || starts_with (e, "bert.");
      bare = bare || starts_with (e, "embeddings.") || starts_with (e, "encoder.");
    }
  for (const std::string &e : stored)
    {
      std::string name = e;

      if (name.find ("LayerNorm.") != std::string::npos)
        {
          if (name.size () > 6 && name.compare (name.size () - 6, 6, ".gamma") == 0)
            name = name.substr (0, name.size () - 5) + "weight";
          else if (name.size () > 5 && name.compare (name.size () - 5, 5, ".beta") == 0)
            name = name.substr (0, name.size () - 4) + "bias";
        }
      if (!has_prefix && bare &&
          (starts_with (name, "embeddings.") || starts_with (name, "encoder.")))
        name = "bert." + name;
      out[name] = e;
    }
  return out;
}

} /* namespace */

Family
of_config (const Value &config)
{
  const Value *type = config.get ("model_type");
  const Value *archs = config.get ("architectures");

  if (type != nullptr && !type->is_null ())
    {
      if (type->type != Type::String)
        return Family::Unknown;
      if (type->string == "bert")
        return Family::Bert;
      if (type->string == "distilbert")
        return Family::DistilBert;
      if (type->string == "roberta")
        return Family::Roberta;
      if (type->string == "electra")
        return Family::Electra;
      if (type->string == "xlm-roberta")
        return Family::XlmRoberta;
      if (type->string == "albert")
        return Family::Albert;
      return Family::Unknown;
    }
  if (archs != nullptr && archs->type == Type::Array && !archs->array.empty ())
    {
      Family found = Family::Unknown;

      for (const Value &a : archs->array)
        {
          Family f = Family::Unknown;

          if (a.type == Type::String && starts_with (a.string, "DistilBert"))
            f = Family::DistilBert;
          else if (a.type == Type::String && starts_with (a.string, "Roberta"))
            f = Family::Roberta;
          else if (a.type == Type::String && starts_with (a.string, "Electra"))
            f = Family::Electra;
          else if (a.type == Type::String && starts_with (a.string, "XLMRoberta"))
            f = Family::XlmRoberta;
          else if (a.type == Type::String && starts_with (a.string, "Albert"))
            f = Family::Albert;
          else if (a.type == Type::String && starts_with (a.string, "Bert"))
            f = Family::Bert;
          if (f == Family::Unknown || (found != Family::Unknown && f != found))
            return Family::Unknown;
          found = f;
        }
      return found;
    }
  return Family::Bert;
}

Family
of_weights (const std::vector<std::string> &stored, std::string &family_name)
{
  bool bare_bert = false, bare_distil = false;

  family_name.clear ();
  for (const std::string &name : stored)
    for (const auto &k : known)
      if (starts_with (name, k.prefix))
        {
          family_name = k.display;
          return k.family;
        }
  for (const std::string &name : stored)
    {
      bare_bert = bare_bert || starts_with (name, "encoder.layer.");
      bare_distil = bare_distil || starts_with (name, "transformer.layer.");
    }
  /* A bare encoder's names (embeddings.*, encoder.layer.*) are BERT's and
   * RoBERTa's alike: only DistilBERT's own layout names its family. */
  if (bare_distil && !bare_bert)
    {
      family_name = "DistilBERT";
      return Family::DistilBert;
    }
  return Family::Unknown;
}

const char *
display_name (Family family)
{
  switch (family)
    {
      case Family::Bert:
        return "BERT";
      case Family::DistilBert:
        return "DistilBERT";
      case Family::Roberta:
        return "RoBERTa";
      case Family::Electra:
        return "ELECTRA";
      case Family::XlmRoberta:
        return "XLM-RoBERTa";
      case Family::Albert:
        return "ALBERT";
      case Family::Unknown:
        break;
    }
  return "?";
}

bool
has_embedding_size (Family family)
{
  return family == Family::Electra || family == Family::Albert;
}

bool
always_projects (Family family)
{
  return family == Family::Albert;
}

const char *
head_activation (Family family)
{
  /* ElectraGeneratorPredictions: get_activation ("gelu") whatever
   * hidden_act says. */
  return family == Family::Electra ? "gelu" : nullptr;
}

bool
has_token_types (Family family)
{
  return family != Family::DistilBert;
}

bool
uses_bpe (Family family)
{
  return family == Family::Roberta;
}

bool
uses_sentencepiece (Family family)
{
  return family == Family::XlmRoberta || family == Family::Albert;
}

const char *
sentencepiece_file (Family family)
{
  return family == Family::Albert ? "spiece.model" : "sentencepiece.bpe.model";
}

int64_t
position_offset (Family family, int64_t pad_token_id)
{
  return family == Family::Roberta || family == Family::XlmRoberta ? pad_token_id + 1 : 0;
}

void
normalize_config (Family family, Value &config)
{
  if (family == Family::Albert)
    {
      /* AlbertConfig's defaults where they are not BertConfig's. */
      static const struct
      {
        const char *key;
        int64_t value;
      } defaults[] = {
        { "vocab_size", 30000 },       { "embedding_size", 128 },      { "hidden_size", 4096 },
        { "num_attention_heads", 64 }, { "intermediate_size", 16384 }, { "num_hidden_groups", 1 },
        { "inner_group_num", 1 },
      };

      for (const auto &d : defaults)
        set_member (config, d.key, value_or (config, d.key, attn_json::make_int (d.value)));
      set_member (config, "hidden_act",
                  value_or (config, "hidden_act", attn_json::make_string ("gelu_new")));
      /* The layers that run, each with its own attentions: an ALBERT of
       * inner_group_num > 1 runs that many layers per num_hidden_layers. */
      int64_t layers = int_or (config, "num_hidden_layers", 12);
      int64_t inner = int_or (config, "inner_group_num", 1);
      if (layers > 0 && inner > 0 && layers <= 1024 && inner <= 1024)
        set_member (config, "num_hidden_layers", attn_json::make_int (layers * inner));
      return;
    }
  if (family == Family::Electra)
    {
      /* ElectraConfig's defaults where they are not BertConfig's (those the
       * shim fills in later). */
      set_member (config, "embedding_size",
                  value_or (config, "embedding_size", attn_json::make_int (128)));
      set_member (config, "hidden_size",
                  value_or (config, "hidden_size", attn_json::make_int (256)));
      set_member (config, "num_attention_heads",
                  value_or (config, "num_attention_heads", attn_json::make_int (4)));
      set_member (config, "intermediate_size",
                  value_or (config, "intermediate_size", attn_json::make_int (1024)));
      return;
    }
  if (family != Family::DistilBert)
    return;
  /* DistilBertConfig's defaults, under BertConfig's names; its LayerNorms
   * use eps 1e-12 whatever the config says. */
  Value eps;

  eps.type = Type::Number;
  eps.number = 1e-12;
  set_member (config, "hidden_size", value_or (config, "dim", attn_json::make_int (768)));
  set_member (config, "num_hidden_layers", value_or (config, "n_layers", attn_json::make_int (6)));
  set_member (config, "num_attention_heads",
              value_or (config, "n_heads", attn_json::make_int (12)));
  set_member (config, "intermediate_size",
              value_or (config, "hidden_dim", attn_json::make_int (3072)));
  set_member (config, "hidden_act",
              value_or (config, "activation", attn_json::make_string ("gelu")));
  set_member (config, "layer_norm_eps", eps);
  set_member (config, "type_vocab_size", attn_json::make_int (1));
}

std::map<std::string, std::string>
bert_names (Family family, const std::vector<std::string> &stored, const Value &config)
{
  std::map<std::string, std::string> out;

  if (family == Family::DistilBert)
    {
      bool prefixed = false;

      for (const std::string &e : stored)
        prefixed = prefixed || starts_with (e, "distilbert.");
      for (const std::string &e : stored)
        out[distil_name (e, prefixed)] = e;
    }
  else if (family == Family::Roberta || family == Family::XlmRoberta)
    for (const std::string &e : stored)
      out[roberta_name (e)] = e;
  else if (family == Family::Electra)
    for (const std::string &e : stored)
      out[electra_name (e)] = e;
  else if (family == Family::Albert)
    albert_names (stored, config, out);
  else
    out = bert_own_names (stored);
  /* Tied tensors are stored once, under either name (the safetensors
   * converter drops one of them): the decoder's name stands in. */
  if (out.count ("bert.embeddings.word_embeddings.weight") == 0 &&
      out.count ("cls.predictions.decoder.weight") != 0)
    out["bert.embeddings.word_embeddings.weight"] = out["cls.predictions.decoder.weight"];
  return out;
}

} /* namespace attn_family */
