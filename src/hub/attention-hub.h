/* attention-hub.h: the Hugging Face hub as Attention sees it (no GTK, no
 * network): model ids, the hub's URL layout, the files a BERT folder needs,
 * a catalogue of Google's BERTs, and the models already downloaded into
 * $XDG_DATA_HOME/attention/models/models--OWNER--NAME/ (one folder name per
 * id, as huggingface_hub's cache has it: "ok/sub" never lands inside "ok"). */
#pragma once

#include <gio/gio.h> /* errors are G_IO_ERROR */

#include "attention-hub-names.h" /* model ids */

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  gint64 size;             /* bytes of model.safetensors, approximate */
  const char *description; /* translatable (N_), the caller translates */
} AttentionHubEntry;

typedef struct
{
  const char *name;
  gboolean optional;    /* a 404 for it is not an error */
  const char *fallback; /* fetched instead when the hub has no NAME, or NULL */
} AttentionHubFile;

/* The catalogue, in display order. */
const AttentionHubEntry *attention_hub_catalogue (guint *n_entries);

/* config.json, vocab.txt, tokenizer_config.json (optional), model.safetensors
 * (else pytorch_model.bin) */
const AttentionHubFile *attention_hub_files (guint *n_files);
/* The files of a family (config.json's model_type): RoBERTa's have
 * vocab.json and merges.txt instead of vocab.txt. The first is config.json
 * whatever the family. */
const AttentionHubFile *attention_hub_files_for (const char *model_type, guint *n_files);

/* $ATTENTION_HUB_URL, else https://huggingface.co (no trailing slash). */
char *attention_hub_get_url (void);
/* Seconds a silent server gets before a download gives up:
 * $ATTENTION_HUB_TIMEOUT when it is a whole number from 1 to 3600, else 30. */
guint attention_hub_get_timeout (void);
/* The user's Hugging Face token, as huggingface_hub finds it: $HF_TOKEN,
 * else the file $HF_TOKEN_PATH, else $HF_HOME/token, else
 * $XDG_CACHE_HOME/huggingface/token (~/.cache/huggingface/token); NULL
 * when there is none. A value with control characters or spaces inside is
 * no token (it could not travel in a header) and is ignored. */
char *attention_hub_get_token (void);
/* BASE/MODEL_ID/resolve/main/FILE */
char *attention_hub_file_url (const char *base, const char *model_id, const char *file);

/* $XDG_DATA_HOME/attention/models */
char *attention_hub_get_models_dir (void);
/* MODELS_DIR/models--OWNER--NAME, or MODELS_DIR/models--NAME */
char *attention_hub_model_dir (const char *models_dir, const char *model_id);
/* Moves the downloads of the earlier layout (MODELS_DIR/OWNER/NAME and
 * MODELS_DIR/NAME, nested ones included) to their models--… folders, unless
 * one is there already; empty owner folders go. list_installed does it. */
void attention_hub_migrate (const char *models_dir);

/* MODELS_DIR/.downloads/MODEL_ID with "/" as "--" (as the hub's own cache
 * names it): where a download gathers its files until they are complete. */
char *attention_hub_staging_dir (const char *models_dir, const char *model_id);
/* TRUE if an earlier download of MODEL_ID left files to resume from. */
gboolean attention_hub_has_partial (const char *models_dir, const char *model_id);

/* TRUE if MODELS_DIR/MODEL_ID holds config.json, vocab.txt and
 * model.safetensors or pytorch_model.bin. */
gboolean attention_hub_is_installed (const char *models_dir, const char *model_id);
/* The ids of the installed models, sorted; never the hidden staging area. */
GStrv attention_hub_list_installed (const char *models_dir);
/* Bytes on disk of an installed model's files. */
gint64 attention_hub_installed_size (const char *models_dir, const char *model_id);
/* Deletes an installed model: the folder is first renamed to a hidden name,
 * so it stops looking like a model at once, then emptied and removed. */
gboolean
attention_hub_remove_installed (const char *models_dir, const char *model_id, GError **error);

G_END_DECLS
