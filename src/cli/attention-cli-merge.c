/* attention-cli-merge.c: --merge PART.json… (the exact sum of shards), and
 * what --stats and --merge share: writing the file, printing the tables */

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention-cli-private.h"
#include "attention-export-corpus.h"

gboolean
attention_cli_write_stats (AttentionCorpusStats *stats, const char *path)
{
  g_autoptr (GError) error = NULL;

  if (strcmp (path, "-") == 0)
    {
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) root = attention_corpus_stats_to_json (stats);
      g_autofree char *text = NULL;
      gsize len;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, &len);
      if (fwrite (text, 1, len, stdout) != len || fputc ('\n', stdout) == EOF)
        {
          g_printerr ("attention-cli: %s\n", _ ("Could not write to standard output"));
          return FALSE;
        }
      return TRUE;
    }
  /* Written atomically: a full disk leaves no half file, and an older file
   * of the same name stays whole. */
  if (!attention_export_corpus_json (stats, path, &error))
    {
      g_printerr ("attention-cli: %s: %s\n", path, error->message);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint layer, head;
  double value;
} Cell;

static int
compare_high_first (gconstpointer a, gconstpointer b)
{
  const Cell *x = a, *y = b;

  if (isnan (x->value) != isnan (y->value))
    return isnan (x->value) ? 1 : -1;
  if (!isnan (x->value) && x->value != y->value)
    return x->value > y->value ? -1 : 1;
  if (x->layer != y->layer)
    return x->layer < y->layer ? -1 : 1;
  return x->head < y->head ? -1 : x->head > y->head;
}

void
attention_cli_print_stats (AttentionCorpusStats *stats)
{
  guint n_layers = attention_corpus_stats_get_n_layers (stats);
  guint n_heads = attention_corpus_stats_get_n_heads (stats);
  guint n = n_layers * n_heads;
  g_autofree Cell *cells = g_new (Cell, n);

  printf (_ ("%llu lines, %llu tokens, %u skipped, %.1f s\n"),
          (unsigned long long)attention_corpus_stats_get_lines (stats),
          (unsigned long long)attention_corpus_stats_get_tokens (stats),
          attention_corpus_stats_get_n_skipped (stats), attention_corpus_stats_get_seconds (stats));
  if (attention_corpus_stats_get_lines (stats) == 0)
    return;

  printf ("%-24s %s\n", _ ("Statistic"), _ ("Highest heads (layer-head: mean)"));
  for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
    {
      for (guint l = 0; l < n_layers; l++)
        for (guint h = 0; h < n_heads; h++)
          cells[l * n_heads + h] = (Cell){ l, h, attention_corpus_stats_get_mean (stats, l, h, s) };
      qsort (cells, n, sizeof (Cell), compare_high_first);
      printf ("%-24s", attention_corpus_stat_id (s));
      for (guint i = 0; i < MIN (n, 3u); i++)
        printf (" %u-%u: %.3f", cells[i].layer + 1, cells[i].head + 1, cells[i].value);
      printf ("\n");
    }

  for (guint r = 0; r < attention_corpus_stats_get_n_relations (stats); r++)
    {
      AttentionRelation *relation = attention_corpus_stats_get_relation (stats, r);

      printf ("\n");
      printf (_ ("Relation %s (%s -> %s), %llu pairs\n"), attention_relation_get_name (relation),
              attention_relation_get_from (relation), attention_relation_get_to (relation),
              (unsigned long long)attention_corpus_stats_get_relation_pairs (stats, r));
      if (attention_corpus_stats_get_relation_pairs (stats, r) == 0)
        continue;
      for (guint l = 0; l < n_layers; l++)
        for (guint h = 0; h < n_heads; h++)
          cells[l * n_heads + h] =
              (Cell){ l, h, attention_corpus_stats_get_relation_score (stats, r, l, h) };
      qsort (cells, n, sizeof (Cell), compare_high_first);
      printf ("%5s %6s %5s %8s\n", _ ("rank"), _ ("layer"), _ ("head"), _ ("score"));
      for (guint i = 0; i < MIN (n, 10u); i++)
        printf ("%5u %6u %5u %8.4f\n", i + 1, cells[i].layer + 1, cells[i].head + 1,
                cells[i].value);
    }
}

int
attention_cli_run_merge (const AttentionCliOptions *options)
{
  g_autoptr (AttentionCorpusStats) total = NULL;
  guint n_parts = options->rest != NULL ? g_strv_length (options->rest) : 0;

  if (n_parts == 0)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--merge needs the parts to add: attention-cli --merge part*.json "
                     "--output all.json"));
      return 2;
    }
  for (guint i = 0; i < n_parts; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AttentionCorpusStats) part =
          attention_corpus_stats_new_from_file (options->rest[i], &error);

      if (part == NULL)
        {
          g_printerr ("attention-cli: %s\n", error->message);
          return 2;
        }
      if (total == NULL)
        total = g_steal_pointer (&part);
      else if (!attention_corpus_stats_merge (total, part, &error))
        {
          g_printerr ("attention-cli: %s: %s\n", options->rest[i], error->message);
          return 2;
        }
    }
  if (options->stats_output == NULL || strcmp (options->stats_output, "-") != 0)
    attention_cli_print_stats (total);
  if (options->stats_output != NULL && !attention_cli_write_stats (total, options->stats_output))
    return 2;
  return 0;
}
