/* attention-cli-private.h: the parts of attention-cli, one job per file.
 * attention-cli-main.c parses the options and dispatches; exit statuses:
 * 0 success, 1 no [MASK] in the text (as the original exercise), 2 bad input,
 * bad model or failed write. */
#pragma once

#include "attention-corpus-stats.h"
#include "attention-model.h"
#include "attention-tokenizer.h"

G_BEGIN_DECLS

typedef struct
{
  char *model_path;         /* --model, else $ATTENTION_MODEL, else the bundled one */
  char *vocab_path;         /* --vocab */
  char *merges_path;        /* --merges (with --vocab vocab.json: byte-level BPE) */
  char *spm_path;           /* --sentencepiece (a SentencePiece .model) */
  gboolean cased;           /* --cased (with --vocab) */
  char *tokens_text;        /* --tokens TEXT */
  gboolean token_ids;       /* --token-ids */
  int top_k;                /* --top-k, default 3 */
  char *output_dir;         /* --output-dir */
  char *dump_path;          /* --dump FILE.json */
  char *format;             /* --format: an id of attention-export-registry.h (default png) */
  char *text;               /* positional TEXT, NULL → prompt "Text: " */
  char *download_id;        /* --download MODEL_ID */
  gboolean all_positions;   /* --all-positions */
  char *pair_text;          /* --pair TEXT_B */
  char *ablate;             /* --ablate L:H[,L:H…] */
  gboolean head_importance; /* --head-importance */
  char *stats_path;         /* --stats FILE|- */
  char *stats_output;       /* --output STATS.json (-o is --output-dir) */
  char **relations;         /* --relation NAME:FROM->TO, repeatable */
  char *tags_path;          /* --tags FILE: part-of-speech tags of --stats' lines */
  gboolean sample;          /* --sample: --stats on the bundled tagged sample */
  char *shard;              /* --shard I/N */
  gboolean merge;           /* --merge PART.json… */
  char **rest;              /* the positional arguments (--merge's files) */
  char *neuron;             /* --neuron L:H, as given */
  guint neuron_layer;       /* 1-indexed, parsed from it (0: none) */
  guint neuron_head;
  gboolean norms;    /* --norms */
  gboolean saliency; /* --saliency */
  char *show;        /* --show attention|norms (exports) */
} AttentionCliOptions;

/* Parses --neuron's "L:H" (two numbers from 1) into options; FALSE and a
 * message for anything else. */
gboolean attention_cli_parse_neuron (AttentionCliOptions *options, GError **error);

/* The tokenizer of --vocab/--cased (or --vocab/--merges), or else of the
 * model (attention-cli-load.c). */
AttentionTokenizer *attention_cli_load_tokenizer (const AttentionCliOptions *options,
                                                  GError **error);
/* Loads --model (or the default model). */
AttentionModel *attention_cli_load_model (const AttentionCliOptions *options, GError **error);

/* --tokens TEXT */
int attention_cli_run_tokens (const AttentionCliOptions *options);
/* --token-ids: stdin line by line (lines end at \n only) */
int attention_cli_run_token_ids (const AttentionCliOptions *options);
/* the mask.py flow: predictions, --dump, --output-dir */
int attention_cli_run_mask (const AttentionCliOptions *options);
/* --download MODEL_ID (attention-cli-download.c): fetches the model from the
 * hub, prints its folder; with TEXT, then runs the mask flow on it. */
int attention_cli_run_download (AttentionCliOptions *options);
/* --stats (attention-cli-stats.c): statistics of every head over a file,
 * one text a line; the exit status. */
int attention_cli_run_stats (const AttentionCliOptions *options);
/* --merge PART.json… --output ALL.json (attention-cli-merge.c) */
int attention_cli_run_merge (const AttentionCliOptions *options);
/* The statistics as JSON into path ("-": standard output), atomically
 * (attention-cli-merge.c); prints the reason and returns FALSE on failure. */
gboolean attention_cli_write_stats (AttentionCorpusStats *stats, const char *path);
/* The relations' ranked heads as a table on standard output. */
void attention_cli_print_stats (AttentionCorpusStats *stats);

/* --output-dir in options->format (attention-cli-export.c): creates the
 * folder and writes the files; returns the exit status. */
int attention_cli_write_format (const AttentionCliOptions *options,
                                AttentionResult *result,
                                const char *model_name);

G_END_DECLS
