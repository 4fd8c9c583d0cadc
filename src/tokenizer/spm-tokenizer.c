/* spm-tokenizer.c: see spm-tokenizer.h. */

#include "spm-tokenizer.h"

#include "attn-spm.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  char *text;
  gint id;
  gboolean lstrip;
} SpmSpecial;

struct _SpmTokenizer
{
  AttnSpm *spm;
  BertVocab *vocab;
  gint bos, eos;
  gboolean fairseq; /* ids: unknown -> 3, others + 1 */
  GArray *specials; /* SpmSpecial */
};

static void
special_clear (gpointer data)
{
  g_free (((SpmSpecial *)data)->text);
}

void
spm_tokenizer_free (SpmTokenizer *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->spm, attn_spm_free);
  g_clear_pointer (&self->vocab, bert_vocab_unref);
  g_clear_pointer (&self->specials, g_array_unref);
  g_free (self);
}

static SpmTokenizer *
new_tokenizer (const char *model, gsize len, const char *name, gboolean fairseq, GError **error)
{
  g_autoptr (SpmTokenizer) self = g_new0 (SpmTokenizer, 1);
  g_autoptr (GString) lines = g_string_new (NULL);
  char *reason = NULL;
  int n;

  self->bos = self->eos = -1;
  self->fairseq = fairseq;
  self->specials = g_array_new (FALSE, FALSE, sizeof (SpmSpecial));
  g_array_set_clear_func (self->specials, special_clear);
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
  if (fairseq)
    g_string_append (lines, "<s>\n<pad>\n</s>\n<unk>\n");
  for (int id = fairseq ? 3 : 0; id < n; id++)
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
  if (fairseq)
    g_string_append (lines, "<mask>\n");
  self->vocab = bert_vocab_new_from_data_full (lines->str, lines->len, FALSE, error);
  if (self->vocab == NULL)
    {
      g_prefix_error (error, "%s: ", name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

SpmTokenizer *
spm_tokenizer_new (const char *model, gsize len, const char *name, GError **error)
{
  return new_tokenizer (model, len, name, FALSE, error);
}

SpmTokenizer *
spm_tokenizer_new_fairseq (const char *model, gsize len, const char *name, GError **error)
{
  SpmTokenizer *self = new_tokenizer (model, len, name, TRUE, error);
  static const char *const specials[] = { "<s>", "<pad>", "</s>", "<unk>" };
  gint mask;

  if (self == NULL)
    return NULL;
  mask = (gint)bert_vocab_get_size (self->vocab) - 1;
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    spm_tokenizer_add_special (self, specials[i], (gint)i, FALSE);
  spm_tokenizer_add_special (self, "<mask>", mask, TRUE);
  spm_tokenizer_set_ends (self, 0, 2);
  return self;
}

void
spm_tokenizer_add_special (SpmTokenizer *self, const char *text, gint id, gboolean lstrip)
{
  SpmSpecial special = { g_strdup (text), id, lstrip };

  g_array_append_val (self->specials, special);
}

/* The first special in [p, end), the longest there: NULL if none. */
static const SpmSpecial *
find_special (SpmTokenizer *self, const char *p, const char *end, const char **at)
{
  const SpmSpecial *best = NULL;

  for (guint i = 0; i < self->specials->len; i++)
    {
      const SpmSpecial *s = &g_array_index (self->specials, SpmSpecial, i);
      const char *found = g_strstr_len (p, end - p, s->text);

      if (found != NULL &&
          (best == NULL || found < *at || (found == *at && strlen (s->text) > strlen (best->text))))
        {
          best = s;
          *at = found;
        }
    }
  return best;
}

/* Python's str.rstrip(): the white space before a special that strips it. */
static const char *
strip_end (const char *start, const char *end)
{
  while (end > start)
    {
      const char *prev = g_utf8_find_prev_char (start, end);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  return end;
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
  AttnSpmPiece *pieces = NULL;
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
  if (self->bos >= 0)
    add_token (ids, tokens, spans, self, self->bos, (BertSpan){ 0, 0 });
  for (const char *p = text, *end = text + len; p <= end;)
    {
      const char *at = end;
      const SpmSpecial *special = find_special (self, p, end, &at);
      const char *plain_end = special != NULL && special->lstrip ? strip_end (p, at) : at;
      gsize offset = p - text, part = plain_end - p;

      /* Each part on its own, as the slow tokenizers encode the text
       * between added tokens. */
      pieces = part > 0 ? attn_spm_encode (self->spm, p, part, &n_pieces, &reason) : NULL;
      if (part > 0 && pieces == NULL)
        {
          g_set_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8,
                       _ ("SentencePiece could not encode the text (%s)"),
                       reason != NULL ? reason : "?");
          free (reason);
          return NULL;
        }
      for (size_t i = 0; part > 0 && i < n_pieces; i++)
        {
          /* The library's spans are within the part; clamp all the same. */
          gsize start = MIN (pieces[i].begin, part) + offset;
          gsize stop = CLAMP (pieces[i].end + offset, start, offset + part);
          gint id = pieces[i].id;

          if (self->fairseq)
            id = id == attn_spm_unk_id (self->spm) ? 3 : id + 1;
          add_token (ids, tokens, spans, self, id, (BertSpan){ start, stop });
        }
      free (pieces);
      pieces = NULL;
      if (special == NULL)
        break;
      add_token (ids, tokens, spans, self, special->id,
                 (BertSpan){ at - text, at - text + strlen (special->text) });
      p = at + strlen (special->text);
    }
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
