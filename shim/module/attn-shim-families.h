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
};

/* The family config.json names (model_type, else architectures; a config
 * with neither is BERT's, as the google minis' are). */
Family of_config (const attn_json::Value &config);

/* The family the stored tensor names belong to, from their prefixes
 * ("bert.", "distilbert.", "roberta."…, or a bare model's own layout);
 * Unknown when none is recognised. family_name is set to the name a user
 * knows ("RoBERTa") even for a family the app does not open, or "". */
Family of_weights (const std::vector<std::string> &stored, std::string &family_name);

/* "BERT", "DistilBERT", "RoBERTa", "ELECTRA": for messages. */
const char *display_name (Family family);

/* Rewrites config's keys to BertConfig's (dim -> hidden_size, …), filling
 * the family's defaults first. Families without token types get
 * type_vocab_size 1. */
void normalize_config (Family family, attn_json::Value &config);

/* TRUE if the family's embeddings may be narrower than its layers
 * (config.json's embedding_size, projected to hidden_size: ELECTRA's
 * embeddings_project). */
bool has_embedding_size (Family family);

/* The activation of the masked-LM head's transform when it is not the
 * layers' hidden_act ("gelu" for ELECTRA's generator_predictions), else
 * nullptr. */
const char *head_activation (Family family);

/* TRUE if the family's checkpoints have token_type_embeddings. */
bool has_token_types (Family family);

/* TRUE if the family's tokenizer is GPT-2's byte-level BPE (vocab.json +
 * merges.txt), with <s> </s> <pad> <unk> <mask>. */
bool uses_bpe (Family family);

/* TRUE if the family's tokenizer is a SentencePiece model with fairseq's
 * ids (XLM-RoBERTa: sentencepiece.bpe.model; <s> 0, <pad> 1, </s> 2,
 * <unk> 3, the model's pieces one id up, <mask> last). */
bool uses_sentencepiece (Family family);

/* How many rows of position_embeddings come before the first token's:
 * RoBERTa numbers positions from padding_idx + 1 (create_position_ids_
 * from_input_ids), so pad_token_id + 1; 0 for the others. */
int64_t position_offset (Family family, int64_t pad_token_id);

/* The stored names under BertForMaskedLM's names (new -> stored); an
 * ELECTRA's embeddings_project is bert.embeddings_project.*. */
std::map<std::string, std::string> bert_names (Family family,
                                               const std::vector<std::string> &stored);

} /* namespace attn_family */
