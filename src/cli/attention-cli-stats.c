/* attention-cli-stats.c: --stats FILE: every head's statistics and the
 * relations asked for, over a file of one text a line, streamed (one line in
 * memory at a time), with --shard I/N for running parts of it elsewhere. */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-cli-private.h"
#include "attention-corpus-sample.h"
#include "attention-model-hash.h"

static gboolean
parse_shard (const char *text, guint64 *index, guint64 *count)
{
  g_auto (GStrv) parts = NULL;
  guint64 i, n;

  if (text == NULL)
    {
      *index = 1;
      *count = 1;
      return TRUE;
    }
  parts = g_strsplit (text, "/", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT32, &i, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT32, &n, NULL) || i > n)
    return FALSE;
  *index = i;
  *count = n;
  return TRUE;
}

/* One physical line of in, without its "\n" (and a "\r" before it): its
 * length, or -1 at the end (or a read error, which errno then tells). */
static gssize
read_line (FILE *in, char **buffer, size_t *size)
{
  gssize len;

  errno = 0;
  len = getline (buffer, size, in);
  if (len < 0)
    return -1;
  if (len > 0 && (*buffer)[len - 1] == '\n')
    (*buffer)[--len] = '\0';
  if (len > 0 && (*buffer)[len - 1] == '\r')
    (*buffer)[--len] = '\0';
  return len;
}

static gboolean
only_spaces (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Why the line cannot run before it reaches the model, or NULL. */
static char *
check_text (const char *text, gssize len)
{
  const char *end;

  if ((gsize)len != strlen (text))
    return g_strdup (_ ("it holds a NUL byte (binary data)"));
  if (!g_utf8_validate (text, len, &end))
    return g_strdup_printf (_ ("it is not valid UTF-8 (byte %llu)"),
                            (unsigned long long)(end - text) + 1);
  if (only_spaces (text))
    return g_strdup (_ ("it is empty"));
  return NULL;
}

typedef struct
{
  AttentionModel *model;
  AttentionCorpusStats *stats;
  const AttentionModelInfo *info;
  gboolean with_tags;
} Run;

/* Runs one line and adds it; a reason (g_malloc'd) when it was skipped. */
static char *
run_line (Run *run, const char *text, const char *tags_line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertEncoding) encoding = NULL;
  g_autoptr (AttentionResult) result = NULL;
  g_autofree gboolean *special = NULL;
  char **tags = NULL;
  char *reason = NULL;
  guint n;

  encoding = bert_tokenizer_encode (attention_model_get_tokenizer (run->model), text, -1, &error);
  if (encoding == NULL)
    return g_strdup (error->message);
  n = encoding->n_tokens;
  /* Specials included, as the model counts them. */
  if (n > run->info->max_positions)
    return g_strdup_printf (_ ("it has %u tokens; the model reads at most %u"), n,
                            run->info->max_positions);
  if (run->with_tags)
    {
      if (tags_line == NULL)
        return g_strdup (_ ("the tags file has no line for it"));
      tags = attention_corpus_token_tags (text, tags_line, n, encoding->spans, &reason);
      if (tags == NULL)
        return reason;
    }

  result = attention_model_run (run->model, text, 0, NULL, &error);
  if (result == NULL)
    {
      attention_corpus_token_tags_free (tags, n);
      return g_strdup (error->message);
    }
  special = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = attention_result_get_id (result, i);

      special[i] = id == run->info->cls_id || id == run->info->sep_id || id == run->info->pad_id ||
                   id == run->info->mask_id || id == run->info->unk_id;
    }
  attention_corpus_stats_add_line (run->stats, attention_result_get_attentions (result), n,
                                   attention_result_get_tokens (result), special,
                                   (const char *const *)tags);
  attention_corpus_token_tags_free (tags, n);
  return NULL;
}

/* "\r12,345 lines, 41.2 lines/s" on a terminal, once a second. */
static void
show_progress (guint64 done, double seconds, gboolean last)
{
  if (!isatty (STDERR_FILENO))
    return;
  g_printerr ("\r%s", "");
  g_printerr (_ ("%llu lines, %.1f lines/s"), (unsigned long long)done,
              seconds > 0 ? done / seconds : 0.0);
  g_printerr (last ? "\n" : "  ");
}

static FILE *
open_input (const char *path, GError **error)
{
  FILE *in;

  if (strcmp (path, "-") == 0)
    return stdin;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _ ("%s: it is a folder, not a file"),
                   path);
      return NULL;
    }
  in = g_fopen (path, "rb");
  if (in == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
    }
  return in;
}

int
attention_cli_run_stats (const AttentionCliOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (AttentionCorpusStats) stats = NULL;
  g_autoptr (GPtrArray) relations =
      g_ptr_array_new_with_free_func ((GDestroyNotify)attention_relation_free);
  g_autofree char *hash = NULL;
  g_autofree char *input_path = NULL;
  g_autofree char *tags_path = NULL;
  g_autofree char *buffer = NULL, *tags_buffer = NULL;
  size_t size = 0, tags_size = 0;
  gboolean needs_tags = FALSE, read_failed = FALSE;
  FILE *in = NULL, *tags_in = NULL;
  guint64 shard, n_shards, line = 0, tried = 0;
  gint64 start = g_get_monotonic_time (), last_progress = start;
  Run run = { 0 };
  int status = 0;

  if (!parse_shard (options->shard, &shard, &n_shards))
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--shard must be I/N with 1 ≤ I ≤ N, for example --shard 2/8."));
      return 2;
    }
  for (guint i = 0; options->relations != NULL && options->relations[i] != NULL; i++)
    {
      AttentionRelation *relation = attention_relation_parse (options->relations[i], &error);

      if (relation == NULL)
        {
          g_printerr ("attention-cli: %s\n", error->message);
          return 2;
        }
      needs_tags |= attention_relation_needs_tags (relation);
      g_ptr_array_add (relations, relation);
    }

  input_path = options->sample ? attention_corpus_sample_path () : g_strdup (options->stats_path);
  if (options->tags_path != NULL)
    tags_path = g_strdup (options->tags_path);
  else if (options->sample)
    tags_path = attention_corpus_sample_tags_path ();
  if (needs_tags && tags_path == NULL)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("A relation names a part-of-speech tag (@TAG), which needs tagged text: use "
                     "--sample (the bundled tagged sample) or --tags FILE."));
      return 2;
    }

  in = open_input (input_path, &error);
  if (in == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  if (tags_path != NULL && (tags_in = open_input (tags_path, &error)) == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      if (in != stdin)
        fclose (in);
      return 2;
    }

  model = attention_cli_load_model (options, &error);
  if (model != NULL)
    hash = attention_model_hash_path (attention_model_get_path (model), NULL, &error);
  if (model == NULL || hash == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      if (in != stdin)
        fclose (in);
      if (tags_in != NULL && tags_in != stdin)
        fclose (tags_in);
      return 2;
    }
  run.model = model;
  run.info = attention_model_get_info (model);
  run.with_tags = tags_in != NULL;
  stats = attention_corpus_stats_new (run.info->name, hash, run.info->n_layers, run.info->n_heads);
  for (guint i = 0; i < relations->len; i++)
    attention_corpus_stats_add_relation (stats, g_ptr_array_steal_index (relations, i--));
  run.stats = stats;

  for (;;)
    {
      gssize len = read_line (in, &buffer, &size);
      const char *tags_line = NULL;
      g_autofree char *reason = NULL;

      if (len < 0)
        {
          read_failed = ferror (in) != 0;
          break;
        }
      line++;
      if (tags_in != NULL && read_line (tags_in, &tags_buffer, &tags_size) >= 0)
        tags_line = tags_buffer;
      if ((line - 1) % n_shards != shard - 1)
        continue;

      tried++;
      reason = check_text (buffer, len);
      if (reason == NULL)
        reason = run_line (&run, buffer, tags_line);
      if (reason != NULL)
        attention_corpus_stats_skip_line (stats, line, reason);
      if (g_get_monotonic_time () - last_progress > G_USEC_PER_SEC)
        {
          last_progress = g_get_monotonic_time ();
          show_progress (attention_corpus_stats_get_lines (stats),
                         (last_progress - start) / (double)G_USEC_PER_SEC, FALSE);
        }
    }
  if (read_failed)
    {
      int saved = errno;

      /* What ran so far is still written: nothing is lost. */
      g_printerr ("attention-cli: %s: %s (%s)\n", input_path, g_strerror (saved),
                  _ ("the lines read until then are counted"));
      status = 2;
    }
  if (in != stdin)
    fclose (in);
  if (tags_in != NULL && tags_in != stdin)
    fclose (tags_in);

  attention_corpus_stats_add_seconds (stats,
                                      (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC);
  show_progress (attention_corpus_stats_get_lines (stats),
                 attention_corpus_stats_get_seconds (stats), TRUE);

  if (attention_corpus_stats_get_n_skipped (stats) > 0)
    {
      guint n = attention_corpus_stats_get_n_skipped (stats);
      g_autofree char *message = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%u line was skipped (listed under \"skipped\").",
                       "%u lines were skipped (listed under \"skipped\").", n),
          n);

      g_printerr ("attention-cli: %s\n", message);
    }
  /* A shard of a short file may hold no line at all: that is no failure. */
  if (attention_corpus_stats_get_lines (stats) == 0 && !(tried == 0 && n_shards > 1))
    {
      g_printerr ("attention-cli: %s\n",
                  tried == 0 ? _ ("No line to run: the input (or this shard of it) is empty.")
                             : _ ("No line could run."));
      status = 2;
    }

  /* "-" writes the JSON to standard output, which the tables would spoil. */
  if (options->stats_output == NULL || strcmp (options->stats_output, "-") != 0)
    attention_cli_print_stats (stats);
  if (options->stats_output != NULL && !attention_cli_write_stats (stats, options->stats_output))
    status = 2;
  return status;
}
