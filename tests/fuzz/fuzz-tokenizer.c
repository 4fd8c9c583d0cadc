/* fuzz-tokenizer.c: libFuzzer target for BertTokenizer. The first input byte
 * picks the vocabulary (the real bert-base-uncased one, or a tiny one that
 * makes most words [UNK] and exercises the WordPiece fallback) and the case
 * mode; the rest is the text. Besides "no crash, no sanitizer report", it
 * checks the encoding's invariants: [CLS] first, [SEP] last, ids in range,
 * tokens spelled as the vocab spells the ids, spans inside the text. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bert-tokenizer.h"

static BertTokenizer *tokenizers[4];

static const char tiny_vocab[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"
                                 "a\n##a\n##b\nab\nhello\n##llo\nσας\n.\n,\n";

/* tests/data/bert-base-uncased-vocab.txt: build-aux/fuzz sets $ATTENTION_FUZZ_VOCAB
 * to it (the fuzzers run inside their own work directories). */
static BertVocab *
load_real_vocab (void)
{
  const char *path = g_getenv ("ATTENTION_FUZZ_VOCAB");
  g_autoptr (GError) error = NULL;
  BertVocab *vocab;

  if (path == NULL)
    {
      g_printerr ("fuzz-tokenizer: set ATTENTION_FUZZ_VOCAB to "
                  "tests/data/bert-base-uncased-vocab.txt (build-aux/fuzz does)\n");
      abort ();
    }
  vocab = bert_vocab_new_from_file (path, &error);
  if (vocab == NULL)
    {
      g_printerr ("fuzz-tokenizer: %s\n", error->message);
      abort ();
    }
  return vocab;
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (BertVocab) real = load_real_vocab ();
  g_autoptr (BertVocab) tiny = bert_vocab_new_from_data (tiny_vocab, strlen (tiny_vocab), NULL);

  (void)argc;
  (void)argv;
  if (tiny == NULL)
    abort ();
  tokenizers[0] = bert_tokenizer_new (real, TRUE);
  tokenizers[1] = bert_tokenizer_new (real, FALSE);
  tokenizers[2] = bert_tokenizer_new (tiny, TRUE);
  tokenizers[3] = bert_tokenizer_new (tiny, FALSE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  BertTokenizer *tokenizer;
  BertVocab *vocab;
  const char *text;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_autoptr (BertEncoding) enc = NULL;
  g_autofree char *nul_free = NULL;

  if (size == 0)
    return 0;
  tokenizer = tokenizers[data[0] & 3];
  vocab = bert_tokenizer_get_vocab (tokenizer);
  text = (const char *)data + 1;
  len = size - 1;

  /* The tokenizer takes NUL as a character; GLib's validator stops at it. A
   * NUL is never inside a valid multi-byte sequence, so an ASCII stand-in
   * keeps the verdict. */
  nul_free = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    nul_free[i] = text[i] == '\0' ? 'x' : text[i];

  enc = bert_tokenizer_encode (tokenizer, text, (gssize)len, &error);
  if (enc == NULL)
    {
      /* The only refusal is invalid UTF-8, and it must be true. */
      if (error == NULL ||
          !g_error_matches (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8) ||
          g_utf8_validate_len (nul_free, len, NULL))
        abort ();
      return 0;
    }
  if (!g_utf8_validate_len (nul_free, len, NULL) || enc->n_tokens < 2 ||
      enc->ids[0] != bert_vocab_lookup (vocab, "[CLS]") ||
      enc->ids[enc->n_tokens - 1] != bert_vocab_lookup (vocab, "[SEP]") ||
      enc->tokens[enc->n_tokens] != NULL || enc->spans[0].start != 0 || enc->spans[0].end != 0 ||
      enc->spans[enc->n_tokens - 1].start != len)
    abort ();
  for (guint i = 0; i < enc->n_tokens; i++)
    {
      const char *spelling;

      if (enc->ids[i] < 0 || (guint64)enc->ids[i] >= bert_vocab_get_size (vocab))
        abort ();
      spelling = bert_vocab_get_token (vocab, (guint)enc->ids[i]);
      if (spelling == NULL || strcmp (spelling, enc->tokens[i]) != 0)
        abort ();
      if (enc->spans[i].start > enc->spans[i].end || enc->spans[i].end > len)
        abort ();
    }
  return 0;
}
