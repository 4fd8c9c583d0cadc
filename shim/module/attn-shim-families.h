/* attn-shim-families.h: the masked-LM families a Hugging Face folder may
 * hold, as the BERT the shim runs sees them. A family whose encoder is
 * BERT's own computation with other names (DistilBERT: no token types,
 * q_lin/…/out_lin, vocab_transform/…/vocab_projector) is opened by renaming
 * its config keys and tensors to BertForMaskedLM's; everything above the
 * shim then sees tokens, attentions and logits, never the family. No
 * libtorch here. */
#pragma once

#include "attn-shim-json.h"

#include <map>
#include <string>
#include <vector>

namespace attn_family
{

enum class Family
{
  Unknown,
  Bert,
  DistilBert,
  Roberta,
  Electra,
  XlmRoberta,
  Albert,
};

/* The family config.json names (model_type, else architectures; a config
 * with neither is BERT's, as the google minis' are). */
Family of_config (const attn_json::Value &config);

/* The family the stored tensor names belong to, from their prefixes
 * ("bert.", "distilbert.", "roberta."…, or a bare model's own layout);
 * Unknown when none is recognised. family_name is set to the name a user
 * knows ("RoBERTa") even for a family the app does not open, or "". */
Family of_weights (const std::vector<std::string> &stored, std::string &family_name);

/* "BERT", "DistilBERT", "RoBERTa", "ELECTRA", "XLM-RoBERTa", "ALBERT": for
 * messages. */
const char *display_name (Family family);

/* Rewrites config's keys to BertConfig's (dim -> hidden_size, …), filling
 * the family's defaults first. Families without token types get
 * type_vocab_size 1. An ALBERT's num_hidden_layers becomes the layers it
 * runs (num_hidden_layers × inner_group_num), each of which has its own
 * attentions although they share weights. */
void normalize_config (Family family, attn_json::Value &config);

/* TRUE if the family's embeddings may be narrower than its layers
 * (config.json's embedding_size, projected to hidden_size: ELECTRA's
 * embeddings_project, ALBERT's embedding_hidden_mapping_in). */
bool has_embedding_size (Family family);

/* TRUE if the family projects its embeddings even when embedding_size is
 * hidden_size (ALBERT: AlbertTransformer always has
 * embedding_hidden_mapping_in; ElectraModel only when they differ). */
bool always_projects (Family family);

/* The activation of the masked-LM head's transform when it is not the
 * layers' hidden_act ("gelu" for ELECTRA's generator_predictions), else
 * nullptr. */
const char *head_activation (Family family);

/* TRUE if the family's checkpoints have token_type_embeddings. */
bool has_token_types (Family family);

/* TRUE if the family's tokenizer is GPT-2's byte-level BPE (vocab.json +
 * merges.txt), with <s> </s> <pad> <unk> <mask>. */
bool uses_bpe (Family family);

/* TRUE if the family's tokenizer is a SentencePiece model: XLM-RoBERTa's
 * sentencepiece.bpe.model with fairseq's ids (<s> 0, <pad> 1, </s> 2,
 * <unk> 3, the model's pieces one id up, <mask> last), ALBERT's
 * spiece.model with the model's own ids. */
bool uses_sentencepiece (Family family);

/* The SentencePiece model's file name in a Hugging Face folder:
 * "spiece.model" (ALBERT) or "sentencepiece.bpe.model". */
const char *sentencepiece_file (Family family);

/* How many rows of position_embeddings come before the first token's:
 * RoBERTa numbers positions from padding_idx + 1 (create_position_ids_
 * from_input_ids), so pad_token_id + 1; 0 for the others. */
int64_t position_offset (Family family, int64_t pad_token_id);

/* The stored names under BertForMaskedLM's names (new -> stored); an
 * ELECTRA's embeddings_project and an ALBERT's embedding_hidden_mapping_in
 * are bert.embeddings_project.*. An ALBERT's shared layer weights stand
 * for every layer that runs them (config as normalize_config left it:
 * bert.encoder.layer.N.* for each N names the stored tensor of N's group
 * and inner layer, as AlbertTransformer picks them). */
std::map<std::string, std::string>
bert_names (Family family, const std::vector<std::string> &stored, const attn_json::Value &config);

} /* namespace attn_family */
