/* fuzz-vocab.c: libFuzzer target for the vocab.txt reader. A vocabulary that
 * loads must give every id back from its own spelling (ids are line numbers;
 * only empty lines may repeat), answer continuation lookups consistently, and
 * drive the tokenizer safely: odd vocabularies (no [MASK], a bare "##",
 * specials only, CR line ends) are exactly what a hand-made bundle has. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bert-tokenizer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const sentences[] = {
  "The capital of France is [MASK].",
  "hello ##llo [UNK] [CLS][SEP] a\tb\r\nc",
  "Ünïcödé σας 你好 \xe2\x80\x8b zero\xc2\xa0width",
  "",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (BertVocab) vocab = NULL;
  g_autoptr (GError) error = NULL;
  guint n;

  vocab = bert_vocab_new_from_data ((const char *)data, size, &error);
  if (vocab == NULL)
    {
      if (error == NULL || error->domain != BERT_VOCAB_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  n = bert_vocab_get_size (vocab);
  if (n == 0 || bert_vocab_get_token (vocab, n) != NULL)
    abort ();
  for (guint id = 0; id < n; id++)
    {
      const char *token = bert_vocab_get_token (vocab, id);
      gsize len;

      if (token == NULL)
        abort ();
      len = strlen (token);
      if (len > 0 && bert_vocab_lookup (vocab, token) != (gint)id)
        abort ();
      if (len == 0 && bert_vocab_get_token (vocab, bert_vocab_lookup (vocab, ""))[0] != '\0')
        abort ();
      if (len > 2 && strncmp (token, "##", 2) == 0 &&
          bert_vocab_lookup_continuation_len (vocab, token + 2, len - 2) != (gint)id)
        abort ();
    }

  for (guint lower = 0; lower < 2; lower++)
    {
      g_autoptr (BertTokenizer) tokenizer = bert_tokenizer_new (vocab, lower);

      for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
        {
          g_autoptr (BertEncoding) enc = bert_tokenizer_encode (tokenizer, sentences[i], -1, NULL);

          if (enc == NULL || enc->n_tokens < 2)
            abort ();
          for (guint t = 0; t < enc->n_tokens; t++)
            if (enc->ids[t] < 0 || (guint64)enc->ids[t] >= n)
              abort ();
        }
    }
  return 0;
}
