/* spm-tokenizer.c: see spm-tokenizer.h. ALBERT's preparation follows
 * transformers' tokenization_albert.py (preprocess_text, _tokenize). */

#include "spm-tokenizer.h"

#include "attn-spm.h"
#include "bert-normalize.h"
#include "special-split.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

/* "▁", SentencePiece's spelling of a space. */
#define SPIECE_UNDERLINE "\xe2\x96\x81"

struct _SpmTokenizer
{
  AttnSpm *spm;
  BertVocab *vocab;
  gint bos, eos;
  gboolean fairseq; /* ids: unknown -> 3, others + 1 */
  gboolean albert;  /* AlbertTokenizer's preprocess_text and _tokenize */
  gboolean lower, remove_space, keep_accents;
  SpecialSplit *specials;
};

void
spm_tokenizer_free (SpmTokenizer *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->spm, attn_spm_free);
  g_clear_pointer (&self->vocab, bert_vocab_unref);
  g_clear_pointer (&self->specials, special_split_free);
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
  self->specials = special_split_new ();
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

SpmTokenizer *
spm_tokenizer_new_albert (const char *model,
                          gsize len,
                          const char *name,
                          gboolean lower,
                          gboolean remove_space,
                          gboolean keep_accents,
                          GError **error)
{
  g_autoptr (SpmTokenizer) self = new_tokenizer (model, len, name, FALSE, error);
  /* AlbertTokenizer's special tokens: [MASK] is an AddedToken with lstrip. */
  static const char *const specials[] = { "[CLS]", "[SEP]", "[MASK]", "<pad>", "<unk>" };

  if (self == NULL)
    return NULL;
  self->albert = TRUE;
  self->lower = lower;
  self->remove_space = remove_space;
  self->keep_accents = keep_accents;
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    {
      gint id = bert_vocab_lookup (self->vocab, specials[i]);

      if (id < 0 && i < 3)
        {
          g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_MISSING_SPECIAL,
                       _ ("%s has no %s piece"), name, specials[i]);
          return NULL;
        }
      if (id >= 0)
        spm_tokenizer_add_special (self, specials[i], id, i == 2);
    }
  spm_tokenizer_set_ends (self, bert_vocab_lookup (self->vocab, "[CLS]"),
                          bert_vocab_lookup (self->vocab, "[SEP]"));
  return g_steal_pointer (&self);
}

void
spm_tokenizer_add_special (SpmTokenizer *self, const char *text, gint id, gboolean lstrip)
{
  special_split_add (self->specials, text, id, lstrip);
}

BertVocab *
spm_tokenizer_get_vocab (SpmTokenizer *self)
{
  return self->vocab;
}

gboolean
spm_tokenizer_is_control (SpmTokenizer *self, gint id)
{
  gint n = (gint)bert_vocab_get_size (self->vocab);

  if (id < 0 || id >= n)
    return TRUE;
  if (self->fairseq)
    {
      /* <s> <pad> </s> <unk> first, <mask> last; the model's pieces one
       * up in between. */
      if (id < 4 || id == n - 1)
        return TRUE;
      id--;
    }
  return attn_spm_is_control (self->spm, id) || id == attn_spm_unk_id (self->spm);
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

/* Python's str.isspace(), on which str.split() and str.strip() split. */
static gboolean
python_space (gunichar c)
{
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

static void
append_char (GArray *chars, gunichar c, gsize start, gsize end)
{
  BertChar ch = { c, start, end };

  g_array_append_val (chars, ch);
}

/* AlbertTokenizer.preprocess_text of text[from, to) (offsets in the whole
 * text): white space runs as one space and none at the ends
 * (remove_space), `` and '' as ", NFKD without the combining marks
 * (unless keep_accents), lowercased (do_lower_case). Each character keeps
 * the bytes of the input it came from. */
static GArray *
albert_prepare (const SpmTokenizer *self, const char *text, gsize from, gsize to)
{
  g_autoptr (GArray) read = g_array_new (FALSE, FALSE, sizeof (BertChar));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (BertChar));

  /* " ".join(inputs.strip().split()) */
  for (const char *p = text + from, *end = text + to; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize start = p - text, stop = g_utf8_next_char (p) - text;

      if (self->remove_space && python_space (c))
        {
          BertChar *last = read->len > 0 ? &g_array_index (read, BertChar, read->len - 1) : NULL;

          if (last == NULL)
            continue; /* strip() */
          if (last->c == ' ' && last->end == start && last->start != last->end)
            {
              last->end = stop; /* one space for the run */
              continue;
            }
          append_char (read, ' ', start, stop);
          continue;
        }
      append_char (read, c, start, stop);
    }
  if (self->remove_space && read->len > 0 && g_array_index (read, BertChar, read->len - 1).c == ' ')
    g_array_set_size (read, read->len - 1);

  /* .replace("``", '"').replace("''", '"'): the backticks first. */
  for (int pass = 0; pass < 2; pass++)
    {
      gunichar quote = pass == 0 ? '`' : '\'';
      guint kept = 0;

      for (guint i = 0; i < read->len; i++)
        {
          BertChar ch = g_array_index (read, BertChar, i);

          if (ch.c == quote && i + 1 < read->len &&
              g_array_index (read, BertChar, i + 1).c == quote)
            {
              ch.c = '"';
              ch.end = g_array_index (read, BertChar, i + 1).end;
              i++;
            }
          g_array_index (read, BertChar, kept++) = ch;
        }
      g_array_set_size (read, kept);
    }

  for (guint i = 0; i < read->len; i++)
    {
      const BertChar *ch = &g_array_index (read, BertChar, i);
      gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      gsize n = 1;

      /* NFKD, then "".join(c for c in … if not unicodedata.combining(c)):
       * canonical ordering moves only combining marks, which all go, so
       * character by character is the same. */
      if (!self->keep_accents)
        n = g_unichar_fully_decompose (ch->c, TRUE, parts, G_N_ELEMENTS (parts));
      else
        parts[0] = ch->c;
      for (gsize k = 0; k < n; k++)
        {
          if (!self->keep_accents && g_unichar_combining_class (parts[k]) != 0)
            continue;
          if (self->lower)
            bert_chars_append_lower (out, parts[k], ch->start, ch->end);
          else
            append_char (out, parts[k], ch->start, ch->end);
        }
    }
  return out;
}

/* The pieces of one plain part of the text, as ids with spans in the
 * whole text. */
typedef struct
{
  GArray *ids;
  GPtrArray *tokens;
  GArray *spans;
} Output;

static gboolean
encode_spm (SpmTokenizer *self,
            const char *text,
            gsize len,
            AttnSpmPiece **pieces,
            size_t *n_pieces,
            GError **error)
{
  char *reason = NULL;

  *pieces = attn_spm_encode (self->spm, text, len, n_pieces, &reason);
  if (*pieces == NULL)
    {
      g_set_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8,
                   _ ("SentencePiece could not encode the text (%s)"),
                   reason != NULL ? reason : "?");
      free (reason);
      return FALSE;
    }
  return TRUE;
}

/* The id of a piece spelled so, the unknown piece's if none
 * (SentencePieceProcessor.PieceToId). */
static gint
piece_id (SpmTokenizer *self, const char *piece)
{
  gint id = bert_vocab_lookup (self->vocab, piece);

  return id >= 0 ? id : attn_spm_unk_id (self->spm);
}

/* AlbertTokenizer: a piece ending in a digit and a comma ("▁1990,") is
 * encoded again without the comma and its "▁", and the comma added. */
static gboolean
split_digit_comma (SpmTokenizer *self, Output *o, gint id, BertSpan span, GError **error)
{
  const char *piece = bert_vocab_get_token (self->vocab, (guint)id);
  gsize len = strlen (piece);
  const char *last = len > 0 ? g_utf8_find_prev_char (piece, piece + len) : NULL;
  const char *before = last != NULL ? g_utf8_find_prev_char (piece, last) : NULL;
  g_autoptr (GString) rest = NULL;
  AttnSpmPiece *pieces = NULL;
  size_t n_pieces = 0;
  gboolean underline_first = g_str_has_prefix (piece, SPIECE_UNDERLINE);
  gsize comma_at;

  if (last == NULL || before == NULL || *last != ',' ||
      !g_unichar_isdigit (g_utf8_get_char (before)))
    return FALSE;
  /* piece[:-1].replace("▁", "") */
  rest = g_string_new_len (piece, last - piece);
  g_string_replace (rest, SPIECE_UNDERLINE, "", 0);
  if (!encode_spm (self, rest->str, rest->len, &pieces, &n_pieces, error))
    return TRUE;
  /* The comma is the part's last byte; the rest ends just before it. */
  comma_at = span.end > span.start ? span.end - 1 : span.start;
  for (size_t i = 0; i < n_pieces; i++)
    {
      const char *sub = bert_vocab_get_token (self->vocab, (guint)pieces[i].id);
      gint sub_id = pieces[i].id;
      BertSpan sub_span = { span.start, comma_at };

      if (i == 0 && !underline_first && g_str_has_prefix (sub, SPIECE_UNDERLINE))
        {
          if (sub[strlen (SPIECE_UNDERLINE)] == '\0')
            continue;
          sub_id = piece_id (self, sub + strlen (SPIECE_UNDERLINE));
        }
      g_array_append_val (o->ids, (gint64){ sub_id });
      g_ptr_array_add (o->tokens, g_strdup (bert_vocab_get_token (self->vocab, (guint)sub_id)));
      g_array_append_val (o->spans, sub_span);
    }
  free (pieces);
  {
    gint comma = piece_id (self, ",");
    BertSpan comma_span = { comma_at, span.end };

    g_array_append_val (o->ids, (gint64){ comma });
    g_ptr_array_add (o->tokens, g_strdup (bert_vocab_get_token (self->vocab, (guint)comma)));
    g_array_append_val (o->spans, comma_span);
  }
  return TRUE;
}

static gboolean
encode_part (SpmTokenizer *self, const char *text, gsize from, gsize to, Output *o, GError **error)
{
  g_autoptr (GArray) chars = NULL;
  g_autoptr (GString) prepared = NULL;
  g_autoptr (GArray) char_of = NULL; /* guint per byte of prepared: its character */
  const char *part = text + from;
  gsize part_len = to - from;
  AttnSpmPiece *pieces = NULL;
  size_t n_pieces = 0;

  if (self->albert)
    {
      chars = albert_prepare (self, text, from, to);
      prepared = g_string_new (NULL);
      char_of = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < chars->len; i++)
        {
          gsize before = prepared->len;

          g_string_append_unichar (prepared, g_array_index (chars, BertChar, i).c);
          for (gsize b = before; b < prepared->len; b++)
            g_array_append_val (char_of, i);
        }
      part = prepared->str;
      part_len = prepared->len;
    }
  if (part_len == 0)
    return TRUE;
  if (!encode_spm (self, part, part_len, &pieces, &n_pieces, error))
    return FALSE;
  for (size_t i = 0; i < n_pieces; i++)
    {
      /* The library's spans are within the part; clamp all the same. */
      gsize start = MIN (pieces[i].begin, part_len);
      gsize stop = CLAMP (pieces[i].end, start, part_len);
      gint id = pieces[i].id;
      BertSpan span;

      if (self->albert)
        {
          /* Back to the input's bytes, through the prepared characters. */
          const BertChar *first =
              start < part_len
                  ? &g_array_index (chars, BertChar, g_array_index (char_of, guint, start))
                  : NULL;
          const BertChar *last =
              stop > start
                  ? &g_array_index (chars, BertChar, g_array_index (char_of, guint, stop - 1))
                  : NULL;

          span.start = first != NULL ? first->start : to;
          span.end = last != NULL ? MAX (last->end, span.start) : span.start;
        }
      else
        span = (BertSpan){ from + start, from + stop };
      if (self->fairseq)
        id = id == attn_spm_unk_id (self->spm) ? 3 : id + 1;
      if (self->albert)
        {
          GError *local_error = NULL;

          if (split_digit_comma (self, o, id, span, &local_error))
            {
              if (local_error != NULL)
                {
                  g_propagate_error (error, local_error);
                  free (pieces);
                  return FALSE;
                }
              continue;
            }
        }
      add_token (o->ids, o->tokens, o->spans, self, id, span);
    }
  free (pieces);
  return TRUE;
}

BertEncoding *
spm_tokenizer_encode (SpmTokenizer *self, const char *text, gssize len, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (BertSpan));
  Output o = { ids, tokens, spans };
  const char *bad = NULL;
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
      SpecialMatch special;
      gboolean found = special_split_next (self->specials, p, end, &special);

      /* Each part on its own, as the slow tokenizers encode the text
       * between added tokens. */
      if (!encode_part (self, text, p - text, special.plain_end - text, &o, error))
        return NULL;
      if (!found)
        break;
      add_token (ids, tokens, spans, self, special.id,
                 (BertSpan){ special.at - text, special.after - text });
      p = special.after;
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
