/* test-tokenizer.c: BertVocab and BertTokenizer, on a small vocab written here
 * (exact expectations) and on the real bert-base-uncased vocab. The corpus and
 * random differential tests against tests/cli/reference_tokenizer.py are in
 * tests/meson.build. */

#include <glib/gstdio.h>
#include <string.h>

#include "bert-tokenizer.h"

/* Ids are line numbers, counted from 0. */
static const char small_vocab[] = "[PAD]\n"  /* 0 */
                                  "[UNK]\n"  /* 1 */
                                  "[CLS]\n"  /* 2 */
                                  "[SEP]\n"  /* 3 */
                                  "[MASK]\n" /* 4 */
                                  "hello\n"  /* 5 */
                                  "Hello\n"  /* 6 */
                                  "H\n"      /* 7 */
                                  "##é\n"    /* 8 */
                                  "##llo\n"  /* 9 */
                                  "σασ\n"    /* 10 */
                                  "σας\n"    /* 11 */
                                  ".\n"      /* 12 */
                                  "is\n"     /* 13 */
                                  "[\n"      /* 14 */
                                  "]\n"      /* 15 */
                                  "mask\n"   /* 16 */
                                  "a\n"      /* 17 */
                                  "##a\n"    /* 18 */
                                  "中\n"     /* 19 */
                                  ",\n"      /* 20 */
                                  "!\n"      /* 21 */
                                  "b\n"      /* 22 */
                                  "ab\n"     /* 23 */
                                  "x\n"      /* 24 */
                                  "MASK\n"   /* 25 */
                                  "i\n"      /* 26 */
                                  "e\n";     /* 27 */

static BertTokenizer *
small_tokenizer (gboolean lowercase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab =
      bert_vocab_new_from_data (small_vocab, strlen (small_vocab), &error);

  g_assert_no_error (error);
  return bert_tokenizer_new (vocab, lowercase);
}

/* The real bert-base-uncased vocab, vendored in tests/data/ (its licence is in
 * tests/data/README.md); its hash is checked first so that an edited copy
 * fails here instead of silently testing something else. */
#define BERT_BASE_VOCAB_SHA256 "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"

static BertTokenizer *
bert_base_tokenizer (gboolean lowercase)
{
  g_autofree char *path =
      g_test_build_filename (G_TEST_DIST, "..", "data", "bert-base-uncased-vocab.txt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab = NULL;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_test_fail_printf ("cannot read the bert-base-uncased vocab: %s", error->message);
      return NULL;
    }
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, length);
  g_assert_cmpstr (sha256, ==, BERT_BASE_VOCAB_SHA256);
  vocab = bert_vocab_new_from_data (contents, length, &error);
  if (vocab == NULL)
    {
      g_test_fail_printf ("cannot load the bert-base-uncased vocab: %s", error->message);
      return NULL;
    }
  g_assert_cmpuint (bert_vocab_get_size (vocab), ==, 30522);
  return bert_tokenizer_new (vocab, lowercase);
}

/* "token@start-end …" for the whole encoding; also checks that every id is
 * the vocab's id of its token. */
static char *
describe (BertTokenizer *tokenizer, const BertEncoding *encoding)
{
  GString *out = g_string_new (NULL);

  g_assert_nonnull (encoding->tokens);
  g_assert_null (encoding->tokens[encoding->n_tokens]);
  for (guint i = 0; i < encoding->n_tokens; i++)
    {
      g_assert_cmpint (
          encoding->ids[i], ==,
          bert_vocab_lookup (bert_tokenizer_get_vocab (tokenizer), encoding->tokens[i]));
      g_string_append_printf (out, "%s%s@%" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT, i ? " " : "",
                              encoding->tokens[i], encoding->spans[i].start,
                              encoding->spans[i].end);
    }
  return g_string_free (out, FALSE);
}

static void
check (BertTokenizer *tokenizer, const char *text, gssize len, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertEncoding) encoding = NULL;
  g_autofree char *got = NULL;

  encoding = bert_tokenizer_encode (tokenizer, text, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (encoding);
  got = describe (tokenizer, encoding);
  g_assert_cmpstr (got, ==, expected);
}

/* Token strings only, for checks on the big vocab. */
static char *
tokens_of (BertTokenizer *tokenizer, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertEncoding) encoding = bert_tokenizer_encode (tokenizer, text, -1, &error);

  g_assert_no_error (error);
  return g_strjoinv (" ", encoding->tokens);
}

/* --- vocab ------------------------------------------------------------------ */

static void
test_vocab_from_data (void)
{
  /* \r\n, a lone \r (Python's universal newlines), an empty line, a trailing
   * space that belongs to the token, and no final newline. */
  static const char data[] = "[PAD]\r\n[UNK]\r[CLS]\n\n[SEP]\nspace \n##ing\n##\nlast";
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab = bert_vocab_new_from_data (data, strlen (data), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bert_vocab_get_size (vocab), ==, 9);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[PAD]"), ==, 0);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[UNK]"), ==, 1);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[CLS]"), ==, 2);
  g_assert_cmpint (bert_vocab_lookup (vocab, ""), ==, 3);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[SEP]"), ==, 4);
  g_assert_cmpint (bert_vocab_lookup (vocab, "space "), ==, 5);
  g_assert_cmpint (bert_vocab_lookup (vocab, "space"), ==, -1);
  g_assert_cmpint (bert_vocab_lookup (vocab, "##ing"), ==, 6);
  g_assert_cmpint (bert_vocab_lookup (vocab, "last"), ==, 8);
  g_assert_cmpint (bert_vocab_lookup (vocab, "absent"), ==, -1);
  g_assert_cmpint (bert_vocab_lookup_len (vocab, "lastly", 4), ==, 8);
  g_assert_cmpint (bert_vocab_lookup_len (vocab, "lastly", 5), ==, -1);
  g_assert_cmpint (bert_vocab_lookup_continuation_len (vocab, "ings", 3), ==, 6);
  g_assert_cmpint (bert_vocab_lookup_continuation_len (vocab, "ing", 2), ==, -1);
  g_assert_cmpint (bert_vocab_lookup_continuation_len (vocab, "last", 4), ==, -1);
  g_assert_cmpstr (bert_vocab_get_token (vocab, 3), ==, "");
  g_assert_cmpstr (bert_vocab_get_token (vocab, 5), ==, "space ");
  g_assert_cmpstr (bert_vocab_get_token (vocab, 7), ==, "##");
  g_assert_cmpstr (bert_vocab_get_token (vocab, 8), ==, "last");
  g_assert_null (bert_vocab_get_token (vocab, 9));

  /* The data is copied and need not be NUL-terminated. */
  {
    char *copy = g_strdup ("[UNK]\n[CLS]\n[SEP]\nword-and-more");
    g_autoptr (BertVocab) cut = bert_vocab_new_from_data (copy, strlen (copy) - 9, &error);

    g_assert_no_error (error);
    memset (copy, 'x', strlen (copy));
    g_free (copy);
    g_assert_cmpint (bert_vocab_lookup (cut, "word"), ==, 3);
    g_assert_cmpint (bert_vocab_lookup (cut, "[SEP]"), ==, 2);
  }
}

static void
test_vocab_from_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (BertVocab) from_file = NULL;
  g_autoptr (BertVocab) from_data = NULL;
  int fd;

  fd = g_file_open_tmp ("test-tokenizer-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_close (fd, NULL);
  g_file_set_contents (path, small_vocab, -1, &error);
  g_assert_no_error (error);

  from_file = bert_vocab_new_from_file (path, &error);
  g_assert_no_error (error);
  from_data = bert_vocab_new_from_data (small_vocab, strlen (small_vocab), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bert_vocab_get_size (from_file), ==, bert_vocab_get_size (from_data));
  g_assert_cmpuint (bert_vocab_get_size (from_file), ==, 28);
  for (guint id = 0; id < bert_vocab_get_size (from_file); id++)
    {
      const char *token = bert_vocab_get_token (from_file, id);

      g_assert_cmpstr (token, ==, bert_vocab_get_token (from_data, id));
      g_assert_cmpint (bert_vocab_lookup (from_file, token), ==, id);
    }
  g_unlink (path);

  /* A missing file: the file error, naming the file. */
  g_assert_null (bert_vocab_new_from_file (path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "test-tokenizer-"));
}

static void
expect_bad_vocab (const char *data, gsize len, int code, const char *in_message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab = bert_vocab_new_from_data (data, len, &error);

  g_assert_null (vocab);
  g_assert_error (error, BERT_VOCAB_ERROR, code);
  if (strstr (error->message, in_message) == NULL)
    g_test_fail_printf ("message “%s” lacks “%s”", error->message, in_message);
}

static void
test_vocab_bad (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (BertVocab) vocab = NULL;
  int fd;

  expect_bad_vocab ("[CLS]\n[SEP]\nword\n", 17, BERT_VOCAB_ERROR_MISSING_SPECIAL, "[UNK]");
  expect_bad_vocab ("[UNK]\n[SEP]\n", 12, BERT_VOCAB_ERROR_MISSING_SPECIAL, "[CLS]");
  expect_bad_vocab ("[UNK]\n[CLS]\n", 12, BERT_VOCAB_ERROR_MISSING_SPECIAL, "[SEP]");
  /* Case matters: [unk] is not [UNK]. */
  expect_bad_vocab ("[unk]\n[CLS]\n[SEP]\n", 18, BERT_VOCAB_ERROR_MISSING_SPECIAL, "[UNK]");
  expect_bad_vocab ("", 0, BERT_VOCAB_ERROR_INVALID, "empty");
  expect_bad_vocab ("[UNK]\n[CLS]\nb\xffoo\n[SEP]\n", 22, BERT_VOCAB_ERROR_INVALID, "line 3");
  expect_bad_vocab ("[UNK]\r\n[CLS]\r\n[SEP]\r\na\0b\r\n", 24, BERT_VOCAB_ERROR_INVALID, "line 4");
  expect_bad_vocab ("[UNK]\n[CLS]\n[SEP]\nword\nother\nword\n", 34, BERT_VOCAB_ERROR_INVALID,
                    "lines 4 and 6");

  /* From a file, the message names the file too. */
  fd = g_file_open_tmp ("test-tokenizer-bad-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, "[UNK]\n[CLS]\n", -1, &error);
  g_assert_no_error (error);
  vocab = bert_vocab_new_from_file (path, &error);
  g_unlink (path);
  g_assert_null (vocab);
  g_assert_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_MISSING_SPECIAL);
  g_assert_nonnull (strstr (error->message, "test-tokenizer-bad-"));
  g_assert_nonnull (strstr (error->message, "[SEP]"));
}

static void
test_vocab_bert_base (void)
{
  g_autoptr (BertTokenizer) tokenizer = bert_base_tokenizer (TRUE);
  BertVocab *vocab;

  if (tokenizer == NULL)
    return;
  vocab = bert_tokenizer_get_vocab (tokenizer);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[PAD]"), ==, 0);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[UNK]"), ==, 100);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[CLS]"), ==, 101);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[SEP]"), ==, 102);
  g_assert_cmpint (bert_vocab_lookup (vocab, "[MASK]"), ==, 103);
  g_assert_cmpint (bert_vocab_lookup (vocab, "the"), ==, 1996);
  g_assert_cmpint (bert_vocab_lookup (vocab, "##s"), ==, 2015);
  g_assert_cmpint (bert_vocab_lookup_continuation_len (vocab, "s", 1), ==, 2015);
  g_assert_cmpstr (bert_vocab_get_token (vocab, 30521), ==, "##～");
  g_assert_true (bert_tokenizer_get_lowercase (tokenizer));
}

/* --- tokenizer ---------------------------------------------------------------- */

static void
test_accents_casing (void)
{
  g_autoptr (BertTokenizer) uncased = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) cased = small_tokenizer (FALSE);
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);

  /* Uncased: lowercase, drop the accent; the token covers the whole word. */
  check (uncased, "Héllo", -1, "[CLS]@0-0 hello@0-6 [SEP]@6-6");
  /* The same with a decomposed é: e + U+0301 (3 bytes). */
  check (uncased, "He\xcc\x81llo", -1, "[CLS]@0-0 hello@0-7 [SEP]@7-7");
  /* Cased keeps both; each piece covers its own original characters. */
  check (cased, "Héllo", -1, "[CLS]@0-0 H@0-1 ##é@1-3 ##llo@3-6 [SEP]@6-6");
  check (cased, "Hello", -1, "[CLS]@0-0 Hello@0-5 [SEP]@5-5");
  /* Cased composes (NFC): the é piece covers e and the combining accent. */
  check (cased, "He\xcc\x81llo", -1, "[CLS]@0-0 H@0-1 ##é@1-4 ##llo@4-7 [SEP]@7-7");
  /* İ lowercases to i + U+0307 (Python's full mapping); the mark goes. */
  check (uncased, "İ", -1, "[CLS]@0-0 i@0-2 [SEP]@2-2");
  /* HF lowercases one character at a time: Σ is σ even at the end of a word
   * (google-research/bert's per-word lower() would give σας). */
  check (uncased, "ΣΑΣ", -1, "[CLS]@0-0 σασ@0-6 [SEP]@6-6");
  check (uncased, "σας", -1, "[CLS]@0-0 σας@0-6 [SEP]@6-6");
  /* Kelvin sign: lowercase k (U+212A is not in the vocab: [UNK] for the word). */
  check (uncased, "\xe2\x84\xaa", -1, "[CLS]@0-0 [UNK]@0-3 [SEP]@3-3");

  if (base == NULL)
    return;
  /* ÀÉÎ → aei → ae ##i: ae covers À and É (4 bytes), ##i covers Î. */
  check (base, "ÀÉÎ", -1, "[CLS]@0-0 ae@0-4 ##i@4-6 [SEP]@6-6");
  check (base, "naïveté", -1, "[CLS]@0-0 naive@0-6 ##te@6-9 [SEP]@9-9");
  check (base, "İstanbul", -1, "[CLS]@0-0 istanbul@0-9 [SEP]@9-9");
  check (base, "Héllo WORLD", -1, "[CLS]@0-0 hello@0-6 world@7-12 [SEP]@12-12");
}

static void
test_cased_vs_uncased (void)
{
  g_autoptr (BertTokenizer) uncased = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) cased = small_tokenizer (FALSE);
  g_autoptr (BertTokenizer) base_cased = bert_base_tokenizer (FALSE);

  g_assert_true (bert_tokenizer_get_lowercase (uncased));
  g_assert_false (bert_tokenizer_get_lowercase (cased));
  check (uncased, "Hello hello HELLO", -1,
         "[CLS]@0-0 hello@0-5 hello@6-11 hello@12-17 [SEP]@17-17");
  check (cased, "Hello hello HELLO", -1, "[CLS]@0-0 Hello@0-5 hello@6-11 [UNK]@12-17 [SEP]@17-17");
  /* Cased keeps accents: é alone is no token of this vocab. */
  check (cased, "é", -1, "[CLS]@0-0 [UNK]@0-2 [SEP]@2-2");
  check (uncased, "É", -1, "[CLS]@0-0 e@0-2 [SEP]@2-2");

  if (base_cased == NULL)
    return;
  /* The uncased vocab has no capitals: cased, "The" has no pieces at all. */
  {
    g_autofree char *tokens = tokens_of (base_cased, "The cat sat.");

    g_assert_cmpstr (tokens, ==, "[CLS] [UNK] cat sat . [SEP]");
  }
}

static void
test_cjk (void)
{
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);

  /* Every ideograph is a word of its own, even inside a Latin word. */
  check (small, "a中b", -1, "[CLS]@0-0 a@0-1 中@1-4 b@4-5 [SEP]@5-5");
  check (small, "中中", -1, "[CLS]@0-0 中@0-3 中@3-6 [SEP]@6-6");
  /* A CJK compatibility ideograph is spaced too; NFC then makes U+F900 into
   * U+8C48, which this vocab lacks. */
  check (small, "a\xef\xa4\x80", -1, "[CLS]@0-0 a@0-1 [UNK]@1-4 [SEP]@4-4");
  /* Hiragana is not in the ideograph blocks: it stays in its word. */
  check (small, "aの", -1, "[CLS]@0-0 [UNK]@0-4 [SEP]@4-4");

  if (base == NULL)
    return;
  check (base, "中国人", -1, "[CLS]@0-0 中@0-3 国@3-6 人@6-9 [SEP]@9-9");
  {
    g_autofree char *tokens = tokens_of (base, "我是学生。");

    /* 是 is not in bert-base-uncased's vocab. */
    g_assert_cmpstr (tokens, ==, "[CLS] 我 [UNK] 学 生 。 [SEP]");
  }
}

static void
test_punctuation (void)
{
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);

  check (small, "hello,,,!", -1, "[CLS]@0-0 hello@0-5 ,@5-6 ,@6-7 ,@7-8 !@8-9 [SEP]@9-9");
  check (small, "a.b", -1, "[CLS]@0-0 a@0-1 .@1-2 b@2-3 [SEP]@3-3");

  if (base == NULL)
    return;
  {
    g_autofree char *a = tokens_of (base, "Hello,,, world!?! Wait...what");
    g_autofree char *b = tokens_of (base, "$5.00 don't e-mail «hi» — ok~ ^_^ `x`");

    g_assert_cmpstr (a, ==, "[CLS] hello , , , world ! ? ! wait . . . what [SEP]");
    /* $ ^ ` are symbols in Unicode but punctuation by BERT's ASCII ranges. */
    g_assert_cmpstr (b, ==, "[CLS] $ 5 . 00 don ' t e - mail « hi » — ok ~ ^ _ ^ ` x ` [SEP]");
  }
}

static void
test_special_tokens (void)
{
  g_autoptr (BertTokenizer) uncased = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) cased = small_tokenizer (FALSE);
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);

  /* Glued to text and punctuation, kept whole with its own span. */
  check (uncased, "is[MASK].", -1, "[CLS]@0-0 is@0-2 [MASK]@2-8 .@8-9 [SEP]@9-9");
  check (uncased, "[MASK][MASK]", -1, "[CLS]@0-0 [MASK]@0-6 [MASK]@6-12 [SEP]@12-12");
  check (uncased, "[[MASK]]", -1, "[CLS]@0-0 [@0-1 [MASK]@1-7 ]@7-8 [SEP]@8-8");
  check (uncased, "[CLS] a [SEP]", -1, "[CLS]@0-0 [CLS]@0-5 a@6-7 [SEP]@8-13 [SEP]@13-13");
  check (uncased, "[PAD][UNK]", -1, "[CLS]@0-0 [PAD]@0-5 [UNK]@5-10 [SEP]@10-10");
  /* Exact and case-sensitive: anything else is ordinary text. */
  check (uncased, "[mask]", -1, "[CLS]@0-0 [@0-1 mask@1-5 ]@5-6 [SEP]@6-6");
  check (uncased, "[MASK", -1, "[CLS]@0-0 [@0-1 mask@1-5 [SEP]@5-5");
  check (cased, "[ MASK ]", -1, "[CLS]@0-0 [@0-1 MASK@2-6 ]@7-8 [SEP]@8-8");
  /* Cased, a word that spells a special token once cleaned is not split on
   * its brackets (HF's never_split); uncased, it was lowercased before. */
  check (cased, "[MA\0SK]", 7, "[CLS]@0-0 [MASK]@0-7 [SEP]@7-7");
  check (uncased, "[MA\0SK]", 7, "[CLS]@0-0 [@0-1 mask@1-6 ]@6-7 [SEP]@7-7");

  if (base == NULL)
    return;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (BertEncoding) encoding =
        bert_tokenizer_encode (base, "The cat is[MASK].", -1, &error);
    static const gint64 ids[] = { 101, 1996, 4937, 2003, 103, 1012, 102 };

    g_assert_no_error (error);
    g_assert_cmpmem (encoding->ids, encoding->n_tokens * sizeof (gint64), ids, sizeof (ids));
  }
}

static void
test_special_missing_from_vocab (void)
{
  /* No [MASK] in this vocab: "[MASK]" is plain text then. */
  static const char data[] = "[UNK]\n[CLS]\n[SEP]\n[\n]\nmask\nMASK\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab = bert_vocab_new_from_data (data, strlen (data), &error);
  g_autoptr (BertTokenizer) uncased = NULL;

  g_assert_no_error (error);
  uncased = bert_tokenizer_new (vocab, TRUE);
  check (uncased, "[MASK]", -1, "[CLS]@0-0 [@0-1 mask@1-5 ]@5-6 [SEP]@6-6");
}

static void
test_long_words (void)
{
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) cased = small_tokenizer (FALSE);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) expected = g_string_new ("[CLS]@0-0 a@0-1");
  g_autoptr (GString) accents = g_string_new (NULL);
  g_autofree char *unk = NULL;

  /* 100 characters: still WordPiece (a ##a ##a …). */
  for (guint i = 0; i < 100; i++)
    g_string_append_c (text, 'a');
  for (guint i = 1; i < 100; i++)
    g_string_append_printf (expected, " ##a@%u-%u", i, i + 1);
  g_string_append (expected, " [SEP]@100-100");
  check (small, text->str, -1, expected->str);

  /* 101: [UNK] for the whole word. */
  g_string_append_c (text, 'a');
  check (small, text->str, -1, "[CLS]@0-0 [UNK]@0-101 [SEP]@101-101");
  g_string_append (text, " ab");
  check (small, text->str, -1, "[CLS]@0-0 [UNK]@0-101 ab@102-104 [SEP]@104-104");

  /* Characters are counted after normalization: 60 × (a + U+0301) is 120
   * code points in the input but 60 after NFC (cased) or accent stripping. */
  for (guint i = 0; i < 60; i++)
    g_string_append (accents, "a\xcc\x81");
  {
    g_autoptr (BertEncoding) encoding = bert_tokenizer_encode (small, accents->str, -1, NULL);

    g_assert_cmpuint (encoding->n_tokens, ==, 62);
    g_assert_cmpstr (encoding->tokens[1], ==, "a");
    g_assert_cmpuint (encoding->spans[1].start, ==, 0);
    g_assert_cmpuint (encoding->spans[1].end, ==, 3);
    g_assert_cmpuint (encoding->spans[60].start, ==, 177);
    g_assert_cmpuint (encoding->spans[60].end, ==, 180);
  }
  unk = g_strdup_printf ("[CLS]@0-0 [UNK]@0-%u [SEP]@%u-%u", 180, 180, 180);
  check (cased, accents->str, -1, unk); /* á is not in the vocab */
}

static void
test_unknown_pieces (void)
{
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);

  /* One piece without a match makes the whole word [UNK], found pieces too. */
  check (small, "hellox abz", -1, "[CLS]@0-0 [UNK]@0-6 [UNK]@7-10 [SEP]@10-10");
  check (small, "x. hello", -1, "[CLS]@0-0 x@0-1 .@1-2 hello@3-8 [SEP]@8-8");

  if (base == NULL)
    return;
  check (base, "hello☃world", -1, "[CLS]@0-0 [UNK]@0-13 [SEP]@13-13");
  check (base, "unaffable", -1, "[CLS]@0-0 una@0-3 ##ffa@3-6 ##ble@6-9 [SEP]@9-9");
}

static void
test_emoji (void)
{
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);

  /* 👍🏽: two symbols, one word. */
  check (small, "👍🏽", -1, "[CLS]@0-0 [UNK]@0-8 [SEP]@8-8");
  /* 👩‍👩‍👧: the zero-width joiners (Cf) are dropped, the word keeps their bytes. */
  check (small, "👩‍👩‍👧", -1, "[CLS]@0-0 [UNK]@0-18 [SEP]@18-18");
  check (small, "a 👍!", -1, "[CLS]@0-0 a@0-1 [UNK]@2-6 !@6-7 [SEP]@7-7");

  if (base == NULL)
    return;
  check (base, "I love 🍕!", -1, "[CLS]@0-0 i@0-1 love@2-6 [UNK]@7-11 !@11-12 [SEP]@12-12");
}

static void
test_combining_marks (void)
{
  g_autoptr (BertTokenizer) uncased = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) cased = small_tokenizer (FALSE);

  /* A mark that composes with nothing: uncased it goes, and its bytes join
   * the letter before it; cased it stays and the word is unknown. */
  check (uncased, "x\xcc\xb8", -1, "[CLS]@0-0 x@0-3 [SEP]@3-3");
  check (cased, "x\xcc\xb8", -1, "[CLS]@0-0 [UNK]@0-3 [SEP]@3-3");
  /* A lone mark: uncased nothing is left of it. */
  check (uncased, "\xcc\x81", -1, "[CLS]@0-0 [SEP]@2-2");
  check (uncased, "a \xcc\x81 b", -1, "[CLS]@0-0 a@0-1 b@5-6 [SEP]@6-6");
  check (cased, "\xcc\x81", -1, "[CLS]@0-0 [UNK]@0-2 [SEP]@2-2");
  /* Several marks in non-canonical order still strip to the letter. */
  check (uncased, "e\xcc\x81\xcc\xa3", -1, "[CLS]@0-0 e@0-5 [SEP]@5-5");
}

static void
test_zero_width_and_control (void)
{
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);

  /* Dropped: ZWSP (Cf), soft hyphen (Cf), BOM, BEL, DEL, NUL, U+FFFD,
   * private use; the word around them stays one word. */
  check (small, "hel\xe2\x80\x8blo", -1, "[CLS]@0-0 hello@0-8 [SEP]@8-8");
  check (small, "hel\xc2\xadlo", -1, "[CLS]@0-0 hello@0-7 [SEP]@7-7");
  check (small, "\xef\xbb\xbfhello", -1, "[CLS]@0-0 hello@3-8 [SEP]@8-8");
  check (small, "he\allo\x7f", -1, "[CLS]@0-0 hello@0-6 [SEP]@7-7");
  check (small, "he\0llo", 6, "[CLS]@0-0 hello@0-6 [SEP]@6-6");
  check (small, "he\xef\xbf\xbdllo", -1, "[CLS]@0-0 hello@0-8 [SEP]@8-8");
  check (small, "he\xee\x80\x80llo", -1, "[CLS]@0-0 hello@0-8 [SEP]@8-8");
  /* With len = -1 the text ends at the first NUL. */
  check (small, "a\0b", -1, "[CLS]@0-0 a@0-1 [SEP]@1-1");
  /* Whitespace splits: \t \n \r, no-break space, ideographic space, and
   * U+2028/U+2029 (Python's str.split() splits there). \v and \f are
   * controls (Cc), so they join. */
  check (small, "a\tb\nx\r\ni", -1, "[CLS]@0-0 a@0-1 b@2-3 x@4-5 i@7-8 [SEP]@8-8");
  check (small,
         "a\xc2\xa0"
         "b\xe3\x80\x80x",
         -1, "[CLS]@0-0 a@0-1 b@3-4 x@7-8 [SEP]@8-8");
  check (small,
         "a\xe2\x80\xa8"
         "b\xe2\x80\xa9x",
         -1, "[CLS]@0-0 a@0-1 b@4-5 x@8-9 [SEP]@9-9");
  check (small, "a\vb\fx", -1, "[CLS]@0-0 [UNK]@0-5 [SEP]@5-5");
  check (small, "a\vb", -1, "[CLS]@0-0 ab@0-3 [SEP]@3-3");
}

static void
test_spans (void)
{
  g_autoptr (BertTokenizer) small = small_tokenizer (TRUE);
  g_autoptr (BertTokenizer) base = bert_base_tokenizer (TRUE);

  check (small, "  Hello ,  is  ", -1, "[CLS]@0-0 hello@2-7 ,@8-9 is@11-13 [SEP]@15-15");
  /* A piece from a lowercased accented capital covers the original bytes. */
  check (small, "ABÁ", -1, "[CLS]@0-0 ab@0-2 ##a@2-4 [SEP]@4-4");

  if (base == NULL)
    return;
  {
    const char *text = "Ünïcödé wörds, sèparated—okay?";
    g_autoptr (GError) error = NULL;
    g_autoptr (BertEncoding) encoding = bert_tokenizer_encode (base, text, -1, &error);
    gsize previous_end = 0;

    g_assert_no_error (error);
    /* Spans lie on character boundaries, in order, without overlap. */
    for (guint i = 1; i + 1 < encoding->n_tokens; i++)
      {
        BertSpan span = encoding->spans[i];

        g_assert_cmpuint (span.start, <, span.end);
        g_assert_cmpuint (span.start, >=, previous_end);
        g_assert_cmpuint (span.end, <=, strlen (text));
        g_assert_true (g_utf8_validate_len (text + span.start, span.end - span.start, NULL));
        previous_end = span.end;
      }
    g_assert_cmpuint (encoding->spans[encoding->n_tokens - 1].start, ==, strlen (text));
  }
}

static void
test_invalid_utf8 (void)
{
  static const struct
  {
    const char *text;
    gssize len;
    const char *offset;
  } cases[] = {
    { "abc\xff"
      "def",
      -1, "byte offset 3 " },
    { "ok \xe2\x82", -1, "byte offset 3 " },          /* cut short at the end */
    { "\xc0\xaf", -1, "byte offset 0 " },             /* overlong '/' */
    { "ab\xed\xa0\x80", -1, "byte offset 2 " },       /* a UTF-16 surrogate */
    { "abcd\xf4\x90\x80\x80", -1, "byte offset 4 " }, /* past U+10FFFF */
    { "a\xe2\x82"
      "b",
      -1, "byte offset 1 " },
    { "a\xe2\0\xac", 4, "byte offset 1 " },
  };
  g_autoptr (BertTokenizer) tokenizer = small_tokenizer (TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BertEncoding) encoding =
          bert_tokenizer_encode (tokenizer, cases[i].text, cases[i].len, &error);

      g_assert_null (encoding);
      g_assert_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8);
      if (strstr (error->message, cases[i].offset) == NULL)
        g_test_fail_printf ("case %u: message “%s” lacks “%s”", i, error->message, cases[i].offset);
    }
}

static void
test_empty (void)
{
  g_autoptr (BertTokenizer) tokenizer = small_tokenizer (TRUE);

  check (tokenizer, "", -1, "[CLS]@0-0 [SEP]@0-0");
  check (tokenizer, NULL, 0, "[CLS]@0-0 [SEP]@0-0");
  check (tokenizer, "   \t\n", -1, "[CLS]@0-0 [SEP]@5-5");
  check (tokenizer, "\xe2\x80\x8b", -1, "[CLS]@0-0 [SEP]@3-3");
}

static void
test_ref_counting (void)
{
  g_autoptr (BertTokenizer) tokenizer = small_tokenizer (TRUE);
  BertVocab *vocab = bert_tokenizer_get_vocab (tokenizer);
  BertVocab *kept = bert_vocab_ref (vocab);
  BertTokenizer *other = bert_tokenizer_ref (tokenizer);

  bert_tokenizer_unref (other);
  g_clear_pointer (&tokenizer, bert_tokenizer_unref);
  /* The vocab outlives the tokenizer that held it. */
  g_assert_cmpint (bert_vocab_lookup (kept, "hello"), ==, 5);
  bert_vocab_unref (kept);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vocab/from-data", test_vocab_from_data);
  g_test_add_func ("/vocab/from-file", test_vocab_from_file);
  g_test_add_func ("/vocab/bad", test_vocab_bad);
  g_test_add_func ("/vocab/bert-base", test_vocab_bert_base);
  g_test_add_func ("/tokenizer/accents-casing", test_accents_casing);
  g_test_add_func ("/tokenizer/cased-vs-uncased", test_cased_vs_uncased);
  g_test_add_func ("/tokenizer/cjk", test_cjk);
  g_test_add_func ("/tokenizer/punctuation", test_punctuation);
  g_test_add_func ("/tokenizer/special-tokens", test_special_tokens);
  g_test_add_func ("/tokenizer/special-missing-from-vocab", test_special_missing_from_vocab);
  g_test_add_func ("/tokenizer/long-words", test_long_words);
  g_test_add_func ("/tokenizer/unknown-pieces", test_unknown_pieces);
  g_test_add_func ("/tokenizer/emoji", test_emoji);
  g_test_add_func ("/tokenizer/combining-marks", test_combining_marks);
  g_test_add_func ("/tokenizer/zero-width-and-control", test_zero_width_and_control);
  g_test_add_func ("/tokenizer/spans", test_spans);
  g_test_add_func ("/tokenizer/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/tokenizer/empty", test_empty);
  g_test_add_func ("/tokenizer/ref-counting", test_ref_counting);

  return g_test_run ();
}
