/* attention-cli-main.c: option parsing and dispatch for attention-cli, the
 * terminal flow of the original CS50 "Attention" exercise (mask.py) and its
 * tools. Nothing here is called from another file: the subcommands and the
 * loaders they share live in files of their own. */

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-cli-private.h"
#include "attention-export-registry.h"
#include "attention-load-heap.h"
#include "attention-tempfiles.h"

static void
options_clear (AttentionCliOptions *options)
{
  g_free (options->model_path);
  g_free (options->vocab_path);
  g_free (options->merges_path);
  g_free (options->spm_path);
  g_free (options->tokens_text);
  g_free (options->output_dir);
  g_free (options->dump_path);
  g_free (options->format);
  g_free (options->text);
  g_free (options->download_id);
  g_free (options->pair_text);
  g_free (options->ablate);
  g_free (options->stats_path);
  g_free (options->stats_output);
  g_strfreev (options->relations);
  g_free (options->tags_path);
  g_free (options->shard);
  g_free (options->neuron);
  g_free (options->show);
}

gboolean
attention_cli_parse_neuron (AttentionCliOptions *options, GError **error)
{
  g_auto (GStrv) parts = NULL;
  guint64 values[2];

  options->neuron_layer = options->neuron_head = 0;
  if (options->neuron == NULL)
    return TRUE;
  parts = g_strsplit (options->neuron, ":", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &values[0], NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &values[1], NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("--neuron takes a layer and a head from 1, as L:H (say 3:5), not “%s”."),
                   options->neuron);
      return FALSE;
    }
  options->neuron_layer = (guint)values[0];
  options->neuron_head = (guint)values[1];
  return TRUE;
}

/* In the C or POSIX locale (scripts, cron, containers without a locale) the
 * charset is ASCII: GOption would refuse every non-ASCII argument and GLib
 * would escape the tokens it prints. Read and write UTF-8 then, as Python 3
 * does there (PEP 538); other locales keep their own charset. */
static void
coerce_c_locale (void)
{
  const char *ctype = setlocale (LC_CTYPE, NULL);

  if (ctype != NULL && (strcmp (ctype, "C") == 0 || strcmp (ctype, "POSIX") == 0))
    setlocale (LC_CTYPE, "C.UTF-8");
}

/* All output is written (exported files are closed and renamed by now):
 * leave without running libtorch's static destructors, which take ~0.12 s
 * and free nothing the kernel does not reclaim anyway (docs/benchmarks.md).
 * Sanitizer builds return normally, so LeakSanitizer still checks the CLI. */
static int
leave (int status)
{
  /* A full disk or a closed terminal must not pass for success. */
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("attention-cli: %s: %s\n", _ ("Could not write to standard output"),
                  g_strerror (errno));
      if (status == 0)
        status = 2;
    }
#if !defined(__SANITIZE_ADDRESS__)
  fflush (stderr);
  _exit (status);
#endif
  return status;
}

/* The end of --help: every kind of the export registry, as the window's
 * Export dialog offers them. */
static char *
describe_formats (void)
{
  GString *out = g_string_new (_ ("Formats of --format (files written into --output-dir):"));
  guint n_kinds;
  const AttentionExportKind *kinds = attention_export_kinds (&n_kinds);

  for (guint i = 0; i < n_kinds; i++)
    g_string_append_printf (out, "\n  %-14s%s", kinds[i].id, _ (kinds[i].description));
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

int
main (int argc, char **argv)
{
  AttentionCliOptions options = { 0 };
  g_auto (GStrv) rest = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *formats = NULL;
  int status;

  attention_load_heap_init (); /* first: before any thread */
  setlocale (LC_ALL, "");
  coerce_c_locale ();
  /* `meson devenv` points this at the build tree's catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ATTENTION_LOCALEDIR") != NULL &&
                                           *g_getenv ("ATTENTION_LOCALEDIR") != '\0'
                                       ? g_getenv ("ATTENTION_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Ctrl+C or SIGTERM mid-export: remove the file being written, exit 130
   * or 143. */
  attention_tempfiles_install_signal_handlers ();

  options.top_k = 3;

  {
    const GOptionEntry entries[] = {
      { "model", 'm', 0, G_OPTION_ARG_FILENAME, &options.model_path,
        N_ ("Model bundle (.pt) or Hugging Face model folder (BERT, DistilBERT, RoBERTa, "
            "XLM-RoBERTa, ALBERT, ELECTRA) to run (default: $ATTENTION_MODEL or the bundled demo "
            "model)"),
        N_ ("PATH") },
      { "top-k", 'k', 0, G_OPTION_ARG_INT, &options.top_k,
        N_ ("Number of completions to print (default 3)"), N_ ("K") },
      { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &options.output_dir,
        N_ ("Write Attention_Layer{L}_Head{H}.png for every layer and head into DIR"), N_ ("DIR") },
      { "format", 'f', 0, G_OPTION_ARG_STRING, &options.format,
        N_ ("With --output-dir: what to write, one of the formats below (default png)"),
        N_ ("FORMAT") },
      { "dump", 0, 0, G_OPTION_ARG_FILENAME, &options.dump_path,
        N_ ("Write tokens, ids, attentions and predictions as JSON"), N_ ("FILE.json") },
      { "all-positions", 0, 0, G_OPTION_ARG_NONE, &options.all_positions,
        N_ ("Also print the model's top-k at every token, unmasked (TEXT then needs no [MASK]); "
            "--dump gains \"positions\""),
        NULL },
      { "pair", 0, 0, G_OPTION_ARG_STRING, &options.pair_text,
        N_ ("Read TEXT and TEXT_B as a sentence pair, [CLS] TEXT [SEP] TEXT_B [SEP]; a [MASK] "
            "may stand in either"),
        N_ ("TEXT_B") },
      { "ablate", 0, 0, G_OPTION_ARG_STRING, &options.ablate,
        N_ ("Switch these heads off (1-indexed, L:* for a whole layer), as Hugging Face's "
            "head_mask"),
        N_ ("L:H[,L:H…]") },
      { "head-importance", 0, 0, G_OPTION_ARG_NONE, &options.head_importance,
        N_ ("Switch off each head alone and print how much the top prediction's probability at "
            "each [MASK] drops; --dump gains \"head_importance\""),
        NULL },
      { "vocab", 0, 0, G_OPTION_ARG_FILENAME, &options.vocab_path,
        N_ ("Tokenize with this vocab.txt instead of the model's"), N_ ("FILE") },
      { "merges", 0, 0, G_OPTION_ARG_FILENAME, &options.merges_path,
        N_ ("With --vocab vocab.json: tokenize with this merges.txt, byte-level BPE as RoBERTa's"),
        N_ ("FILE") },
      { "sentencepiece", 0, 0, G_OPTION_ARG_FILENAME, &options.spm_path,
        N_ ("Tokenize with this SentencePiece model (spiece.model, sentencepiece.bpe.model) as "
            "the library does"),
        N_ ("FILE") },
      { "cased", 0, 0, G_OPTION_ARG_NONE, &options.cased,
        N_ ("With --vocab: keep case and accents"), NULL },
      { "tokens", 0, 0, G_OPTION_ARG_STRING, &options.tokens_text,
        N_ ("Print the tokens of TEXT, one \"TOKEN<TAB>ID\" per line"), N_ ("TEXT") },
      { "token-ids", 0, 0, G_OPTION_ARG_NONE, &options.token_ids,
        N_ ("Print the token ids of every line of standard input"), NULL },
      { "download", 0, 0, G_OPTION_ARG_STRING, &options.download_id,
        N_ ("Download MODEL_ID (a masked-language model on huggingface.co) into the app's models "
            "folder and print its path; with TEXT, then run it"),
        N_ ("MODEL_ID") },
      { "neuron", 0, 0, G_OPTION_ARG_STRING, &options.neuron,
        N_ ("With --dump: add the queries and keys of layer L, head H (from 1) as \"neuron\""),
        N_ ("L:H") },
      { "norms", 0, 0, G_OPTION_ARG_NONE, &options.norms,
        N_ ("With --dump: add attention × value norms (Kobayashi et al. 2020) as \"norms\""),
        NULL },
      { "saliency", 0, 0, G_OPTION_ARG_NONE, &options.saliency,
        N_ ("With --dump: add gradient × input saliency of each [MASK]'s best candidate"), NULL },
      { "show", 0, 0, G_OPTION_ARG_STRING, &options.show,
        N_ ("With --output-dir: draw attention (default) or norms (attention × value norms)"),
        N_ ("WHAT") },
      { "stats", 0, 0, G_OPTION_ARG_FILENAME, &options.stats_path,
        N_ ("Statistics of every head over FILE, one text a line (- for standard input)"),
        N_ ("FILE") },
      { "output", 0, 0, G_OPTION_ARG_FILENAME, &options.stats_output,
        N_ ("With --stats or --merge: write the statistics as JSON to STATS.json (- for standard "
            "output)"),
        N_ ("STATS.json") },
      { "relation", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.relations,
        N_ ("With --stats: rank the heads by their mean attention from FROM tokens to TO tokens "
            "(word list, /regex/ or @TAG; nearest: before TO keeps the closest); repeatable"),
        N_ ("NAME:FROM->TO") },
      { "sample", 0, 0, G_OPTION_ARG_NONE, &options.sample,
        N_ ("Run --stats on the bundled tagged sample (2,000 Brown corpus sentences)"), NULL },
      { "tags", 0, 0, G_OPTION_ARG_FILENAME, &options.tags_path,
        N_ ("With --stats: part-of-speech tags of FILE's lines, one per space-separated word, "
            "for @TAG relations"),
        N_ ("TAGS") },
      { "shard", 0, 0, G_OPTION_ARG_STRING, &options.shard,
        N_ ("With --stats: run only the lines k with (k − 1) mod N = I − 1"), N_ ("I/N") },
      { "merge", 0, 0, G_OPTION_ARG_NONE, &options.merge,
        N_ ("Add up the statistics files given as arguments exactly (with --output)"), NULL },
      { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, N_ ("[TEXT]") },
      { NULL }
    };

    context = g_option_context_new (NULL);
    g_option_context_set_summary (
        context, _ ("Predict the masked word of TEXT with a masked-language model and draw its "
                    "attention.\n"
                    "Without TEXT, reads it after the prompt \"Text: \"."));
    formats = describe_formats ();
    g_option_context_set_description (context, formats);
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  }

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      /* GLib only says "Invalid byte sequence in conversion input". */
      if (g_error_matches (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE))
        g_printerr ("attention-cli: %s (%s)\n",
                    _ ("The command line is not valid text: the text must be UTF-8"),
                    error->message);
      else
        g_printerr ("attention-cli: %s\n", error->message);
      options_clear (&options);
      return 2;
    }

  if (rest != NULL && rest[0] != NULL && !options.merge)
    options.text = g_strjoinv (" ", rest);
  options.rest = rest;

  if (options.top_k < 1)
    {
      g_printerr ("attention-cli: %s\n", _ ("--top-k must be at least 1."));
      status = 2;
    }
  else if (options.cased && options.vocab_path == NULL)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--cased applies only with --vocab; a model bundle knows its own casing."));
      status = 2;
    }
  else if (options.merges_path != NULL && (options.vocab_path == NULL || options.cased))
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--merges needs --vocab vocab.json, and a BPE vocabulary keeps case: no "
                     "--cased."));
      status = 2;
    }
  else if (options.spm_path != NULL &&
           (options.vocab_path != NULL || options.merges_path != NULL || options.cased))
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--sentencepiece is a whole tokenizer: no --vocab, --merges or --cased "
                     "with it."));
      status = 2;
    }
  else if (options.spm_path != NULL && options.tokens_text == NULL && !options.token_ids)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--sentencepiece applies only with --tokens or --token-ids."));
      status = 2;
    }
  else if (options.format != NULL && attention_export_kind_find (options.format) == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("--format must be one of %s."), attention_export_kind_list_ids ());

      g_printerr ("attention-cli: %s\n", message);
      status = 2;
    }
  else if (!attention_cli_parse_neuron (&options, &error))
    {
      g_printerr ("attention-cli: %s\n", error->message);
      status = 2;
    }
  else if ((options.neuron != NULL || options.norms || options.saliency) &&
           options.dump_path == NULL)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--neuron, --norms and --saliency apply only with --dump."));
      status = 2;
    }
  else if (options.show != NULL && !g_str_equal (options.show, "attention") &&
           !g_str_equal (options.show, "norms"))
    {
      g_printerr ("attention-cli: %s\n", _ ("--show must be attention or norms."));
      status = 2;
    }
  else if (options.show != NULL && options.output_dir == NULL)
    {
      g_printerr ("attention-cli: %s\n", _ ("--show applies only with --output-dir."));
      status = 2;
    }
  else if (options.format != NULL && options.output_dir == NULL)
    {
      g_printerr ("attention-cli: %s\n", _ ("--format applies only with --output-dir."));
      status = 2;
    }
  else if (options.download_id != NULL &&
           (options.model_path != NULL || options.vocab_path != NULL ||
            options.tokens_text != NULL || options.token_ids))
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--download cannot be combined with --model, --vocab, --tokens or "
                     "--token-ids."));
      status = 2;
    }
  else if (options.pair_text != NULL && options.text == NULL)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--pair needs a first text: attention-cli --pair TEXT_B TEXT."));
      status = 2;
    }
  else if ((options.stats_path != NULL || options.sample) + options.merge > 1)
    {
      g_printerr ("attention-cli: %s\n", _ ("Use either --stats (or --sample) or --merge."));
      status = 2;
    }
  else if ((options.stats_path != NULL || options.sample) && options.text != NULL)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--stats reads its texts from the file, one a line: give no TEXT."));
      status = 2;
    }
  else if (options.stats_path == NULL && !options.sample &&
           (options.relations != NULL || options.tags_path != NULL || options.shard != NULL))
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--relation, --tags and --shard apply only with --stats or --sample."));
      status = 2;
    }
  else if (options.stats_output != NULL && options.stats_path == NULL && !options.sample &&
           !options.merge)
    {
      g_printerr ("attention-cli: %s\n",
                  _ ("--output applies only with --stats or --merge (-o is --output-dir)."));
      status = 2;
    }
  else if (options.merge)
    status = attention_cli_run_merge (&options);
  else if (options.stats_path != NULL || options.sample)
    status = attention_cli_run_stats (&options);
  else if (options.download_id != NULL)
    status = attention_cli_run_download (&options);
  else if (options.tokens_text != NULL && options.token_ids)
    {
      g_printerr ("attention-cli: %s\n", _ ("Use either --tokens or --token-ids, not both."));
      status = 2;
    }
  else if (options.tokens_text != NULL)
    status = attention_cli_run_tokens (&options);
  else if (options.token_ids)
    status = attention_cli_run_token_ids (&options);
  else
    status = attention_cli_run_mask (&options);

  options_clear (&options);
  return leave (status);
}
