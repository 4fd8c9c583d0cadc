/* attention-export-corpus.c: corpus statistics as JSON, CSV and pictures */

#include "attention-export-corpus.h"

#include <math.h>
#include <string.h>

#include "attention-export-file.h"
#include "attention-export-surface.h"
#include "attention-heatmap.h"

gboolean
attention_export_corpus_json (AttentionCorpusStats *stats, const char *path, GError **error)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = attention_corpus_stats_to_json (stats);
  g_autofree char *text = NULL;
  gsize len;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &len);
  /* Under a temporary name until complete: a full disk leaves no half
   * file, and an older file of the same name stays whole. */
  return attention_export_file_set_contents (path, text, len, error);
}

static void
append_value (GString *out, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (isfinite (value))
    g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
}

/* A CSV field: quoted, with quotes doubled, when it needs it. */
static void
append_field (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

gboolean
attention_export_corpus_csv (AttentionCorpusStats *stats, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new ("layer,head");
  guint n_layers = attention_corpus_stats_get_n_layers (stats);
  guint n_heads = attention_corpus_stats_get_n_heads (stats);
  guint n_relations = attention_corpus_stats_get_n_relations (stats);

  for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
    {
      g_string_append_c (out, ',');
      g_string_append (out, attention_corpus_stat_id (s));
    }
  for (guint r = 0; r < n_relations; r++)
    {
      g_string_append_c (out, ',');
      append_field (out,
                    attention_relation_get_name (attention_corpus_stats_get_relation (stats, r)));
    }
  g_string_append_c (out, '\n');
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      {
        g_string_append_printf (out, "%u,%u", l + 1, h + 1);
        for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
          append_value (out, attention_corpus_stats_get_mean (stats, l, h, s));
        for (guint r = 0; r < n_relations; r++)
          append_value (out, attention_corpus_stats_get_relation_score (stats, r, l, h));
        g_string_append_c (out, '\n');
      }
  return attention_export_file_set_contents (path, out->str, out->len, error);
}

double *
attention_export_corpus_values (AttentionCorpusStats *stats, guint measure)
{
  guint n_layers = attention_corpus_stats_get_n_layers (stats);
  guint n_heads = attention_corpus_stats_get_n_heads (stats);
  double *values = g_new (double, (gsize)n_layers *n_heads);

  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      values[l * n_heads + h] = measure < ATTENTION_CORPUS_N_STATS
                                    ? attention_corpus_stats_get_mean (stats, l, h, measure)
                                    : attention_corpus_stats_get_relation_score (
                                          stats, measure - ATTENTION_CORPUS_N_STATS, l, h);
  return values;
}

typedef struct
{
  const double *values;
  guint n_layers, n_heads;
  AttentionColormap map;
  const char *title;
  double width, height;
} Picture;

static void
draw_picture (cairo_t *cr, gpointer data)
{
  Picture *p = data;

  attention_heatmap_draw (cr, p->width, p->height, p->values, p->n_layers, p->n_heads, p->map, -1,
                          -1, p->title);
}

gboolean
attention_export_corpus_heatmap (AttentionCorpusStats *stats,
                                 guint measure,
                                 const char *title,
                                 AttentionColormap map,
                                 AttentionExportFormat format,
                                 const char *path,
                                 GError **error)
{
  g_autofree double *values = attention_export_corpus_values (stats, measure);
  Picture p = { values,
                attention_corpus_stats_get_n_layers (stats),
                attention_corpus_stats_get_n_heads (stats),
                map,
                title,
                0,
                0 };

  /* 48 × 32 px a cell: room for its number. */
  p.width = 56 + 12 + 48.0 * p.n_heads;
  p.height = 60 + 34 + 32.0 * p.n_layers;
  return attention_export_picture (path, format, p.width, p.height, FALSE, NULL, draw_picture, &p,
                                   error);
}
