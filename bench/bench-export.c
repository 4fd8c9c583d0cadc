/* bench-export.c: the export figure. Exports the 144 diagrams (12 layers ×
 * 12 heads) of a 12-token sentence with attention_export_png_set, REPEATS
 * times into fresh folders, and prints the median. With --dump FILE it first
 * writes the tokens and matrices as JSON so bench/export_pillow.py draws the
 * very same diagrams the Python way.
 * Usage: bench-export VOCAB [--dump FILE] [--repeats N]
 * Output: "export_c_ms <median>". */

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention-export-png.h"
#include "bench-common.h"

#define SENTENCE "The quick brown fox jumps over the [MASK] dog."
#define LAYERS 12
#define HEADS 12

static void
dump_json (AttentionResult *result, const char *path)
{
  guint n = attention_result_get_n_tokens (result);
  GString *s = g_string_new ("{\"tokens\": [");
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s\"%s\"", i ? ", " : "", attention_result_get_token (result, i));
  g_string_append_printf (s, "], \"layers\": %u, \"heads\": %u, \"attentions\": [", LAYERS, HEADS);
  for (gsize k = 0; k < (gsize)LAYERS * HEADS * n * n; k++)
    g_string_append_printf (s, "%s%.9g", k ? "," : "", attention_result_get_attentions (result)[k]);
  g_string_append (s, "]}\n");
  if (!g_file_set_contents (path, s->str, (gssize)s->len, &error))
    {
      g_printerr ("bench-export: %s\n", error->message);
      exit (1);
    }
  g_string_free (s, TRUE);
}

static double
export_once (AttentionResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-export-XXXXXX", &error);
  AttentionExportRequest request = { .result = result, .model_name = "bench" };
  guint written = 0;
  double t0, t;
  const char *name;
  GDir *d;

  if (dir == NULL)
    {
      g_printerr ("bench-export: %s\n", error->message);
      exit (1);
    }
  request.dir = dir;
  t0 = bench_now_ms ();
  if (!attention_export_png_set (&request, &written, &error))
    {
      g_printerr ("bench-export: %s\n", error->message);
      exit (1);
    }
  t = bench_now_ms () - t0;
  if (written != LAYERS * HEADS)
    {
      g_printerr ("bench-export: %u files written\n", written);
      exit (1);
    }
  d = g_dir_open (dir, 0, NULL);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
  return t;
}

int
main (int argc, char **argv)
{
  const char *dump = NULL;
  guint repeats = 5;
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab = NULL;
  g_autoptr (BertTokenizer) tokenizer = NULL;
  g_autoptr (AttentionResult) result = NULL;
  g_autofree double *t = NULL;
  BertEncoding *enc;

  if (argc < 2)
    {
      g_printerr ("usage: bench-export VOCAB [--dump FILE] [--repeats N]\n");
      return 2;
    }
  for (int i = 2; i < argc; i++)
    {
      if (strcmp (argv[i], "--dump") == 0 && i + 1 < argc)
        dump = argv[++i];
      else if (strcmp (argv[i], "--repeats") == 0 && i + 1 < argc)
        repeats = (guint)MAX (1, atoi (argv[i + 1])), i++;
    }
  vocab = bert_vocab_new_from_file (argv[1], &error);
  if (vocab == NULL)
    {
      g_printerr ("bench-export: %s\n", error->message);
      return 1;
    }
  tokenizer = bert_tokenizer_new (vocab, TRUE);
  enc = bert_tokenizer_encode (tokenizer, SENTENCE, -1, &error);
  if (enc == NULL)
    {
      g_printerr ("bench-export: %s\n", error->message);
      return 1;
    }
  result = attention_result_new (SENTENCE, enc, LAYERS, HEADS,
                                 bench_random_attention (LAYERS * HEADS, enc->n_tokens, 12));
  if (dump)
    dump_json (result, dump);

  printf ("export_tokens %u\n", attention_result_get_n_tokens (result));
  printf ("export_threads %u\n", g_get_num_processors ());
  export_once (result); /* fonts, thread start-up, page cache */
  t = g_new (double, repeats);
  for (guint r = 0; r < repeats; r++)
    t[r] = export_once (result);
  printf ("export_c_ms %.1f\n", bench_median (t, repeats));
  return 0;
}
