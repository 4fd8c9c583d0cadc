/* attention-model-info.h: a bundle's config.json, parsed and checked. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;             /* "bert-base-uncased", "Attention demo BERT" */
  char *description;      /* one line */
  char *source;           /* where it came from */
  gboolean lowercase;     /* do_lower_case */
  gboolean strip_accents; /* strip_accents, else do_lower_case */
  gboolean split_chinese; /* tokenize_chinese_chars, else TRUE */
  guint n_layers;
  guint n_heads;
  guint hidden_size;
  guint max_positions;
  /* The longest input the model was trained on: "trained_length", else
   * max_positions. Longer texts still run (up to max_positions), but the
   * attention of the tokens past it is not meaningful. */
  guint trained_length;
  guint vocab_size;
  char *hidden_act;
  gboolean has_mlm_head;
  gint64 pad_id, unk_id, cls_id, sep_id, mask_id;
  /* The model's own spelling of those five ("special_tokens", keyed by
   * BERT's: RoBERTa's "<pad>", "<unk>", "<s>", "</s>", "<mask>"). */
  char *pad_token, *unk_token, *cls_token, *sep_token, *mask_token;
  /* "tokenizer": "bpe" (GPT-2's byte-level BPE, vocab.json + merges.txt),
   * else WordPiece. */
  gboolean bpe;
  /* "tokenizer": "sentencepiece" (a SentencePiece model; its pieces are the
   * vocabulary): XLM-RoBERTa's sentencepiece.bpe.model with fairseq's ids,
   * or, with "sentencepiece_ids": "model" and "sentencepiece_preparation":
   * "albert", ALBERT's spiece.model with the model's own ids (the five
   * special ids are then its pieces', looked up by their spelling) and
   * AlbertTokenizer's preparation of the text: remove_space, keep_accents,
   * do_lower_case. */
  gboolean sentencepiece;
  gboolean albert;
  gboolean remove_space, keep_accents;
} AttentionModelInfo;

AttentionModelInfo *
attention_model_info_new_from_json (const char *data, gssize len, GError **error);
void attention_model_info_free (AttentionModelInfo *info);
/* "4 layers × 4 heads, hidden 256, 9.6M parameters"-style one-liner, translated. */
char *attention_model_info_describe_size (const AttentionModelInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionModelInfo, attention_model_info_free)

G_END_DECLS
