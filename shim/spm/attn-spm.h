/* attn-spm.h: Debian's libsentencepiece (C++) behind a C interface, for the
 * SentencePiece tokenizer of src/tokenizer (ALBERT's spiece.model,
 * XLM-RoBERTa's sentencepiece.bpe.model). Nothing C++ crosses this header:
 * attn-spm-loader.c implements it by opening the module libattention-spm.so
 * (attn-spm.cpp) on first use; if that fails, attn_spm_load says why.
 * The library runs the model file's normaliser and its unigram or BPE
 * segmentation exactly as python3-sentencepiece and Hugging Face's slow
 * tokenizers do. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct AttnSpm AttnSpm;

  /* One piece of an encoding: its id and the bytes [begin, end) of the
   * input it stands for (begin == end for a piece that stands for nothing,
   * such as a lone "▁" before text that starts with no space). */
  typedef struct
  {
    int id;
    size_t begin;
    size_t end;
  } AttnSpmPiece;

  /* Loads a model file's bytes. NULL on failure, with *error set to the
   * library's reason (free it with free ()). */
  AttnSpm *attn_spm_load (const char *data, size_t len, char **error);
  void attn_spm_free (AttnSpm *spm);

  /* The number of pieces; ids are 0 to that - 1. */
  int attn_spm_size (const AttnSpm *spm);
  /* The piece's spelling ("▁the", "<unk>"), valid as long as spm. */
  const char *attn_spm_piece (const AttnSpm *spm, int id);
  /* Control symbols (<s>, </s>, <pad>) and the unknown piece: the encoder
   * never yields the first, and yields the second for what the model
   * cannot spell. */
  int attn_spm_is_control (const AttnSpm *spm, int id);
  int attn_spm_unk_id (const AttnSpm *spm);

  /* The pieces of TEXT (LEN bytes of UTF-8), as the model segments it; the
   * array is allocated with malloc (free it with free ()). NULL on failure,
   * with *error set as for attn_spm_load; an empty text gives a non-NULL
   * array and *n_pieces 0. */
  AttnSpmPiece *attn_spm_encode (
      const AttnSpm *spm, const char *text, size_t len, size_t *n_pieces, char **error);

#ifdef __cplusplus
}
#endif
