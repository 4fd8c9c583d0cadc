/* bert-tokenizer.c: Hugging Face BertTokenizer (slow, Python) in C, with the
 * byte span of every token in the original input.
 *
 * The steps, in HF's order:
 *  1. special tokens written in the text ([MASK], [CLS], [SEP], [PAD], [UNK]
 *     that the vocab has) are cut out first, exact and case-sensitive, as
 *     PreTrainedTokenizer.tokenize() does with its trie;
 *  2. uncased: every other character is lowercased on its own (HF lowercases
 *     the text one character at a time before BasicTokenizer runs, so a final
 *     Σ becomes σ, not ς as in google-research/bert's per-word lower());
 *  3. _clean_text drops NUL, U+FFFD and control characters and turns
 *     whitespace into spaces; _tokenize_chinese_chars puts spaces around CJK
 *     ideographs; whitespace_tokenize splits on Python's str.split() spaces;
 *  4. each word is NFC-normalized (HF does it to the whole text; composition
 *     never crosses a space); cased, a word equal to a special token is kept
 *     whole; then, with strip_accents (by default, uncased models),
 *     NFD-normalized without Mn marks;
 *  5. _run_split_on_punc, then greedy longest-match-first WordPiece with
 *     "##" continuations, [UNK] for a piece over 100 characters or with no
 *     match. */

#include "bert-tokenizer.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bert-normalize.h"

#define MAX_INPUT_CHARS_PER_WORD 100

static const char *const special_names[] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

typedef struct
{
  const char *text;
  gsize len;
  gint id;
} Special;

struct _BertTokenizer
{
  gatomicrefcount ref_count;
  BertVocab *vocab;
  gboolean lowercase;
  gboolean strip_accents; /* NFD and drop Mn marks */
  gboolean split_chinese; /* spaces around CJK ideographs */
  gint unk_id;
  gint cls_id;
  gint sep_id;
  Special specials[G_N_ELEMENTS (special_names)]; /* those in the vocab */
  guint n_specials;
  gsize max_len;              /* longest token, in bytes */
  gsize max_continuation_len; /* longest "##…" token without its "##" */
};

/* A WordPiece found in a word: a vocab id and the word characters it covers. */
typedef struct
{
  gint id;
  guint from;
  guint to;
} Piece;

/* The state of one bert_tokenizer_encode() call. */
typedef struct
{
  const BertTokenizer *tokenizer;
  const char *text;
  GArray *ids;       /* gint64 */
  GPtrArray *tokens; /* char *, owned */
  GArray *spans;     /* BertSpan */
  GArray *word;      /* BertChar: the word being collected */
  GString *utf8;     /* a piece of the word, encoded for lookups */
  GArray *offsets;   /* gsize: byte offset in utf8 of each character */
  GArray *pieces;    /* Piece */
} Encoder;

GQuark
bert_tokenizer_error_quark (void)
{
  return g_quark_from_static_string ("bert-tokenizer-error-quark");
}

BertTokenizer *
bert_tokenizer_new (BertVocab *vocab, gboolean lowercase)
{
  return bert_tokenizer_new_full (vocab, lowercase, lowercase, TRUE);
}

BertTokenizer *
bert_tokenizer_new_full (BertVocab *vocab,
                         gboolean lowercase,
                         gboolean strip_accents,
                         gboolean split_chinese)
{
  BertTokenizer *tokenizer;
  guint size;

  g_return_val_if_fail (vocab != NULL, NULL);

  tokenizer = g_new0 (BertTokenizer, 1);
  g_atomic_ref_count_init (&tokenizer->ref_count);
  tokenizer->vocab = bert_vocab_ref (vocab);
  tokenizer->lowercase = lowercase != FALSE;
  tokenizer->strip_accents = strip_accents != FALSE;
  tokenizer->split_chinese = split_chinese != FALSE;
  /* A BertVocab always has these three. */
  tokenizer->unk_id = bert_vocab_lookup (vocab, "[UNK]");
  tokenizer->cls_id = bert_vocab_lookup (vocab, "[CLS]");
  tokenizer->sep_id = bert_vocab_lookup (vocab, "[SEP]");

  /* HF would give a special token missing from vocab.txt a new id past the
   * end; such an id means nothing to the model, so here it is plain text. */
  for (guint i = 0; i < G_N_ELEMENTS (special_names); i++)
    {
      gint id = bert_vocab_lookup (vocab, special_names[i]);

      if (id >= 0)
        tokenizer->specials[tokenizer->n_specials++] =
            (Special){ special_names[i], strlen (special_names[i]), id };
    }

  size = bert_vocab_get_size (vocab);
  for (guint id = 0; id < size; id++)
    {
      const char *token = bert_vocab_get_token (vocab, id);
      gsize len = strlen (token);

      tokenizer->max_len = MAX (tokenizer->max_len, len);
      if (len > 2 && token[0] == '#' && token[1] == '#')
        tokenizer->max_continuation_len = MAX (tokenizer->max_continuation_len, len - 2);
    }

  return tokenizer;
}

BertTokenizer *
bert_tokenizer_ref (BertTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);

  g_atomic_ref_count_inc (&tokenizer->ref_count);
  return tokenizer;
}

void
bert_tokenizer_unref (BertTokenizer *tokenizer)
{
  g_return_if_fail (tokenizer != NULL);

  if (!g_atomic_ref_count_dec (&tokenizer->ref_count))
    return;
  bert_vocab_unref (tokenizer->vocab);
  g_free (tokenizer);
}

BertVocab *
bert_tokenizer_get_vocab (BertTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, NULL);

  return tokenizer->vocab;
}

gboolean
bert_tokenizer_get_lowercase (BertTokenizer *tokenizer)
{
  g_return_val_if_fail (tokenizer != NULL, FALSE);

  return tokenizer->lowercase;
}

void
bert_encoding_free (BertEncoding *encoding)
{
  if (encoding == NULL)
    return;
  g_free (encoding->ids);
  g_strfreev (encoding->tokens);
  g_free (encoding->spans);
  g_free (encoding);
}

static gboolean
validate_utf8 (const char *text, gsize len, GError **error)
{
  gsize p = 0;

  while (p < len)
    {
      guchar b = text[p];
      gunichar c;

      /* NUL is a character here (cleaning drops it), unlike for GLib. */
      if (b < 0x80)
        {
          p++;
          continue;
        }
      c = g_utf8_get_char_validated (text + p, len - p);
      if (c == (gunichar)-1 || c == (gunichar)-2)
        {
          g_set_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8,
                       _ ("The text is not valid UTF-8 at byte offset %lu (byte 0x%02X)."),
                       (gulong)p, b);
          return FALSE;
        }
      p += g_utf8_skip[b];
    }
  return TRUE;
}

static void
emit (Encoder *enc, gint id, gsize start, gsize end)
{
  gint64 id64 = id;
  BertSpan span = { start, end };

  g_array_append_val (enc->ids, id64);
  g_ptr_array_add (enc->tokens, g_strdup (bert_vocab_get_token (enc->tokenizer->vocab, id)));
  g_array_append_val (enc->spans, span);
}

static void
emit_chars (Encoder *enc, gint id, guint from, guint to)
{
  const BertChar *first = &g_array_index (enc->word, BertChar, from);
  gsize start = first->start;
  gsize end = first->end;

  /* Normalization may reorder characters: take the hull of their spans. */
  for (guint i = from + 1; i < to; i++)
    {
      const BertChar *ch = &g_array_index (enc->word, BertChar, i);

      start = MIN (start, ch->start);
      end = MAX (end, ch->end);
    }
  emit (enc, id, start, end);
}

/* WordpieceTokenizer.tokenize on the word characters [from, to). */
static void
wordpiece (Encoder *enc, guint from, guint to)
{
  const BertTokenizer *tokenizer = enc->tokenizer;
  guint n = to - from;
  gsize *offsets;
  guint start = 0;

  if (n > MAX_INPUT_CHARS_PER_WORD)
    {
      emit_chars (enc, tokenizer->unk_id, from, to);
      return;
    }

  g_string_truncate (enc->utf8, 0);
  g_array_set_size (enc->offsets, n + 1);
  offsets = (gsize *)(void *)enc->offsets->data;
  for (guint i = 0; i < n; i++)
    {
      offsets[i] = enc->utf8->len;
      g_string_append_unichar (enc->utf8, g_array_index (enc->word, BertChar, from + i).c);
    }
  offsets[n] = enc->utf8->len;

  g_array_set_size (enc->pieces, 0);
  while (start < n)
    {
      gsize limit = start == 0 ? tokenizer->max_len : tokenizer->max_continuation_len;
      Piece piece = { -1, start, 0 };

      for (guint end = n; end > start; end--)
        {
          const char *bytes = enc->utf8->str + offsets[start];
          gsize len = offsets[end] - offsets[start];

          if (len > limit)
            continue;
          piece.id = start == 0 ? bert_vocab_lookup_len (tokenizer->vocab, bytes, len)
                                : bert_vocab_lookup_continuation_len (tokenizer->vocab, bytes, len);
          if (piece.id >= 0)
            {
              piece.to = end;
              break;
            }
        }
      if (piece.id < 0)
        {
          emit_chars (enc, tokenizer->unk_id, from, to);
          return;
        }
      g_array_append_val (enc->pieces, piece);
      start = piece.to;
    }

  for (guint i = 0; i < enc->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (enc->pieces, Piece, i);

      emit_chars (enc, piece->id, from + piece->from, from + piece->to);
    }
}

/* Whether the word spells one of HF's special tokens (its never_split set). */
static gboolean
word_is_special_name (Encoder *enc)
{
  GArray *word = enc->word;

  for (guint i = 0; i < G_N_ELEMENTS (special_names); i++)
    {
      const char *name = special_names[i];
      guint len = strlen (name);
      guint k = 0;

      if (word->len != len)
        continue;
      while (k < len && g_array_index (word, BertChar, k).c == (guchar)name[k])
        k++;
      if (k == len)
        return TRUE;
    }
  return FALSE;
}

/* Normalizes the collected word, splits it on punctuation and runs WordPiece. */
static void
flush_word (Encoder *enc)
{
  GArray *word = enc->word;
  guint run = 0;

  if (word->len == 0)
    return;

  if (!enc->tokenizer->lowercase)
    {
      bert_chars_nfc (word);
      /* Kept whole and unstripped (HF's never_split). Uncased, a lowercased
       * word never spells one. */
      if (word_is_special_name (enc))
        {
          wordpiece (enc, 0, word->len);
          g_array_set_size (word, 0);
          return;
        }
    }
  if (enc->tokenizer->strip_accents)
    {
      /* NFD(NFC(x)) is NFD(x). */
      bert_chars_nfd (word);
      bert_chars_strip_marks (word);
    }
  else if (enc->tokenizer->lowercase)
    {
      bert_chars_nfc (word);
    }

  for (guint i = 0; i < word->len; i++)
    if (bert_char_is_punctuation (g_array_index (word, BertChar, i).c))
      {
        if (run < i)
          wordpiece (enc, run, i);
        wordpiece (enc, i, i + 1);
        run = i + 1;
      }
  if (run < word->len)
    wordpiece (enc, run, word->len);

  g_array_set_size (word, 0);
}

static void
add_char (Encoder *enc, gunichar c, gsize start, gsize end)
{
  if (enc->tokenizer->lowercase)
    {
      bert_chars_append_lower (enc->word, c, start, end);
    }
  else
    {
      BertChar ch = { c, start, end };

      g_array_append_val (enc->word, ch);
    }
}

/* BasicTokenizer + WordPiece on text[from, to), which holds no special token. */
static void
encode_segment (Encoder *enc, gsize from, gsize to)
{
  gsize p = from;

  while (p < to)
    {
      guchar b = enc->text[p];
      gsize start = p;
      gunichar c;

      if (b < 0x80)
        {
          p++;
          if (b == ' ' || b == '\t' || b == '\n' || b == '\r')
            flush_word (enc);
          else if (b >= 0x20 && b != 0x7F) /* else NUL or a control: dropped */
            add_char (enc, b, start, p);
          continue;
        }

      c = g_utf8_get_char (enc->text + p);
      p += g_utf8_skip[b];
      if (c == 0xFFFD || bert_char_is_control (c))
        continue;
      if (bert_char_is_whitespace (c) || bert_char_is_split_space (c))
        {
          flush_word (enc);
        }
      else if (enc->tokenizer->split_chinese && bert_char_is_chinese (c))
        {
          flush_word (enc);
          add_char (enc, c, start, p);
          flush_word (enc);
        }
      else
        {
          add_char (enc, c, start, p);
        }
    }
  flush_word (enc);
}

static const Special *
special_at (const BertTokenizer *tokenizer, const char *text, gsize len)
{
  for (guint i = 0; i < tokenizer->n_specials; i++)
    {
      const Special *special = &tokenizer->specials[i];

      if (special->len <= len && memcmp (text, special->text, special->len) == 0)
        return special;
    }
  return NULL;
}

BertEncoding *
bert_tokenizer_encode (BertTokenizer *tokenizer, const char *text, gssize len, GError **error)
{
  Encoder enc = { 0 };
  BertEncoding *encoding;
  gsize length, pos = 0, segment = 0;

  g_return_val_if_fail (tokenizer != NULL, NULL);
  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = len < 0 ? strlen (text) : (gsize)len;
  if (!validate_utf8 (text, length, error))
    return NULL;

  enc.tokenizer = tokenizer;
  enc.text = text;
  enc.ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  enc.tokens = g_ptr_array_new ();
  enc.spans = g_array_new (FALSE, FALSE, sizeof (BertSpan));
  enc.word = g_array_new (FALSE, FALSE, sizeof (BertChar));
  enc.utf8 = g_string_new (NULL);
  enc.offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  enc.pieces = g_array_new (FALSE, FALSE, sizeof (Piece));

  emit (&enc, tokenizer->cls_id, 0, 0);
  while (pos < length)
    {
      const char *bracket = memchr (text + pos, '[', length - pos);
      const Special *special;
      gsize at;

      if (bracket == NULL)
        break;
      at = bracket - text;
      special = special_at (tokenizer, bracket, length - at);
      if (special == NULL)
        {
          pos = at + 1;
          continue;
        }
      encode_segment (&enc, segment, at);
      emit (&enc, special->id, at, at + special->len);
      pos = segment = at + special->len;
    }
  encode_segment (&enc, segment, length);
  emit (&enc, tokenizer->sep_id, length, length);

  encoding = g_new0 (BertEncoding, 1);
  encoding->n_tokens = enc.ids->len;
  encoding->ids = (gint64 *)(void *)g_array_free (enc.ids, FALSE);
  g_ptr_array_add (enc.tokens, NULL);
  encoding->tokens = (char **)g_ptr_array_free (enc.tokens, FALSE);
  encoding->spans = (BertSpan *)(void *)g_array_free (enc.spans, FALSE);

  g_array_unref (enc.word);
  g_string_free (enc.utf8, TRUE);
  g_array_unref (enc.offsets);
  g_array_unref (enc.pieces);
  return encoding;
}
