/* attn-shim-hfbert.h: the shim's second door, a Hugging Face BERT folder
 * (config.json, vocab.txt, model.safetensors, optional
 * tokenizer_config.json). The weights are mapped, wrapped in tensors without
 * a copy, and run by the app's own BERT, compiled here from TorchScript
 * source: nothing in the folder executes. The result is a module with the
 * same methods as a bundle (docs/bundle-format.md), so attn-shim.cpp treats
 * both doors alike from there on. */
#pragma once

#include <torch/script.h>

#include <string>

/* Whether path names a folder (the folder door) rather than a bundle file. */
bool attn_shim_hf_is_folder (const char *path);

/* Loads the folder at path. Fills extra["vocab.txt"] with the folder's
 * vocab.txt and extra["config.json"] with a bundle-style config.json (the
 * HF config with BertConfig's defaults, plus name, description, source,
 * do_lower_case, strip_accents, has_mlm_head, special_token_ids). The
 * mapping of model.safetensors lives as long as the module's tensors.
 * Throws std::runtime_error with a translated reason. */
torch::jit::Module attn_shim_hf_load (const char *path, torch::jit::ExtraFilesMap &extra);

/* The numbers of the app's BERT that a config.json gives (BertConfig's
 * defaults filled in, checked as a folder's are). */
struct AttnBertShape
{
  int64_t num_layers, num_heads, hidden_size, pad_token_id, type_vocab_size;
  int64_t act; /* attention_bert_script.py's act: 0 erf GELU, 1 tanh GELU, 2 ReLU */
  double eps;
};

/* Throws std::runtime_error with a translated reason. */
AttnBertShape attn_shim_hf_shape (const std::string &config_json);

/* The value the source's mask_min attribute holds (HF's finfo(float32).min). */
double attn_shim_hf_mask_min (void);
