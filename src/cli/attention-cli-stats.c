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
#include "attention-corpus-run.h"

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

/* "\r12,345 lines, 41.2 lines/s" on a terminal, once a second. */
static void
show_progress (guint64 done, guint64 read, double fraction, double seconds, gpointer data)
{
  gint64 *last = data;
  gint64 now = g_get_monotonic_time ();

  if (now - *last < G_USEC_PER_SEC)
    return;
  *last = now;
  g_printerr ("\r");
  g_printerr (_ ("%llu lines, %.1f lines/s"), (unsigned long long)done,
              seconds > 0 ? done / seconds : 0.0);
  if (fraction > 0 && fraction < 1)
    g_printerr (" (%.0f %%)", 100 * fraction);
  g_printerr ("    ");
}

int
attention_cli_run_stats (const AttentionCliOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (AttentionCorpusStats) stats = NULL;
  g_autoptr (GPtrArray) relations =
      g_ptr_array_new_with_free_func ((GDestroyNotify)attention_relation_free);
  g_autofree char *input_path = NULL;
  g_autofree char *tags_path = NULL;
  gboolean needs_tags = FALSE;
  AttentionCorpusRunOptions run;
  guint64 shard, n_shards, tried = 0;
  gint64 last_progress = 0;
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

  model = attention_cli_load_model (options, &error);
  if (model != NULL)
    stats = attention_corpus_stats_new_for_model (model, NULL, &error);
  if (stats == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  for (guint i = 0; i < relations->len; i++)
    attention_corpus_stats_add_relation (stats, g_ptr_array_steal_index (relations, i--));

  attention_corpus_run_options_init (&run);
  run.path = input_path;
  run.tags_path = tags_path;
  run.shard = shard;
  run.n_shards = n_shards;
  /* A terminal shows lines/s; a log file gets no carriage returns. */
  if (isatty (STDERR_FILENO))
    {
      run.progress = show_progress;
      run.progress_data = &last_progress;
    }
  if (!attention_corpus_run (model, stats, &run, &tried, NULL, &error))
    {
      if (last_progress != 0)
        g_printerr ("\n");
      g_printerr ("attention-cli: %s\n", error->message);
      /* Nothing ran when the file could not be opened; else what ran is
       * still written below. */
      if (attention_corpus_stats_get_lines (stats) == 0 && tried == 0)
        return 2;
      status = 2;
    }
  else if (last_progress != 0)
    g_printerr ("\n");

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
