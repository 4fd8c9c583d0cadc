/* spm-tokenizer.c: see spm-tokenizer.h. */

#include "spm-tokenizer.h"

#include "attn-spm.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

struct _SpmTokenizer
{
  AttnSpm *spm;
  BertVocab *vocab;
  gint bos, eos;
};

void
spm_tokenizer_free (SpmTokenizer *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->spm, attn_spm_free);
  g_clear_pointer (&self->vocab, bert_vocab_unref);
  g_free (self);
}

SpmTokenizer *
spm_tokenizer_new (const char *model, gsize len, const char *name, GError **error)
{
  g_autoptr (SpmTokenizer) self = g_new0 (SpmTokenizer, 1);
  g_autoptr (GString) lines = g_string_new (NULL);
  char *reason = NULL;
  int n;

  self->bos = self->eos = -1;
  self->spm = attn_spm_load (model, len, &reason);
  if (self->spm == NULL)
    {
      g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                   _ ("%s is not a SentencePiece model (%s)"), name, reason != NULL ? reason : "?");
      free (reason);
      return NULL;
    }
  /* The app reads every vocabulary as one token a line, in id order. */
  n = attn_spm_size (self->spm);
  for (int id = 0; id < n; id++)
    {
      const char *piece = attn_spm_piece (self->spm, id);

      if (strpbrk (piece, "\r\n") != NULL)
        {
          g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                       _ ("%s: piece %d holds a line break"), name, id);
          return NULL;
        }
      g_string_append (lines, piece);
      g_string_append_c (lines, '\n');
    }
  self->vocab = bert_vocab_new_from_data_full (lines->str, lines->len, FALSE, error);
  if (self->vocab == NULL)
    {
      g_prefix_error (error, "%s: ", name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

BertVocab *
spm_tokenizer_get_vocab (SpmTokenizer *self)
{
  return self->vocab;
}

void
spm_tokenizer_set_ends (SpmTokenizer *self, gint bos, gint eos)
{
  self->bos = bos;
  self->eos = eos;
}

static void
add_token (
    GArray *ids, GPtrArray *tokens, GArray *spans, SpmTokenizer *self, gint id, BertSpan span)
{
  gint64 id64 = id;

  g_array_append_val (ids, id64);
  g_ptr_array_add (tokens, g_strdup (bert_vocab_get_token (self->vocab, (guint)id)));
  g_array_append_val (spans, span);
}

BertEncoding *
spm_tokenizer_encode (SpmTokenizer *self, const char *text, gssize len, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (BertSpan));
  const char *bad = NULL;
  AttnSpmPiece *pieces;
  size_t n_pieces = 0;
  char *reason = NULL;
  BertEncoding *encoding;

  if (len < 0)
    len = strlen (text);
  if (!g_utf8_validate_len (text, len, &bad))
    {
      g_set_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8,
                   _ ("The text is not valid UTF-8 at byte offset %lu (byte 0x%02X)."),
                   (gulong)(bad - text), (guchar)*bad);
      return NULL;
    }
  pieces = attn_spm_encode (self->spm, text, (size_t)len, &n_pieces, &reason);
  if (pieces == NULL)
    {
      g_set_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8,
                   _ ("SentencePiece could not encode the text (%s)"),
                   reason != NULL ? reason : "?");
      free (reason);
      return NULL;
    }
  if (self->bos >= 0)
    add_token (ids, tokens, spans, self, self->bos, (BertSpan){ 0, 0 });
  for (size_t i = 0; i < n_pieces; i++)
    {
      /* The library's spans are within the text; clamp all the same. */
      gsize start = MIN (pieces[i].begin, (gsize)len);
      gsize end = CLAMP (pieces[i].end, start, (gsize)len);

      add_token (ids, tokens, spans, self, pieces[i].id, (BertSpan){ start, end });
    }
  free (pieces);
  if (self->eos >= 0)
    add_token (ids, tokens, spans, self, self->eos, (BertSpan){ len, len });

  encoding = g_new0 (BertEncoding, 1);
  encoding->n_tokens = ids->len;
  encoding->ids = (gint64 *)g_array_free (g_steal_pointer (&ids), FALSE);
  g_ptr_array_add (tokens, NULL);
  encoding->tokens = (char **)g_ptr_array_free (g_steal_pointer (&tokens), FALSE);
  encoding->spans = (BertSpan *)g_array_free (g_steal_pointer (&spans), FALSE);
  return encoding;
}
